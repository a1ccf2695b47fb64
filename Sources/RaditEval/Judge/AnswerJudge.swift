import Foundation
import RaditBase

/// RAGAS-style answer metrics reported beside EM/F1 (issue 14 §6).
///
/// - `answer_similarity`: cosine of the embeddings of the prediction and the gold answer
///   (RAGAS answer similarity; Radit takes the maximum over gold aliases).
/// - `answer_correctness`: RAGAS' weighted sum `w_f · F1_facts + w_s · answer_similarity`
///   (w = 0.75 / 0.25 as RAGAS), with `F1_facts = TP / (TP + (FP + FN) / 2)` over the
///   statements a judge model classifies.
/// - `faithfulness`: the share of the prediction's statements a judge model finds inferable
///   from the prompt's contexts (RAGAS faithfulness); NaN when the judge finds no statement.
///
/// A judge reply that does not parse leaves that metric NaN for the question and is counted;
/// every raw reply is kept.
public enum JudgeMetric: String, CaseIterable, Sendable {
    case answerSimilarity = "answer_similarity"
    case answerCorrectness = "answer_correctness"
    case faithfulness
}

/// One question to judge: what a pass predicted and what it was given.
public struct JudgeItem: Sendable, Equatable {
    public var id: String
    public var question: String
    public var prediction: String
    public var golds: [String]
    /// Texts of the chunks in the prompt, in prompt order (empty: closed-book).
    public var contexts: [String]

    public init(id: String, question: String, prediction: String, golds: [String], contexts: [String]) {
        self.id = id
        self.question = question
        self.prediction = prediction
        self.golds = golds
        self.contexts = contexts
    }
}

/// A chat model that judges: one system-less user prompt in, its reply text out.
public protocol JudgeModel: Sendable {
    /// A name for the record (the served model id).
    var name: String { get }
    func reply(to prompt: String) throws -> String
}

/// Texts in, one embedding per text out (any length; normalised here).
public typealias JudgeEmbedder = @Sendable ([String]) throws -> [[Float]]

/// The judge prompts, read from files so a user can read and change them. Placeholders:
/// `{question}`, `{answer}`, `{ground_truth}` (correctness), `{contexts}` (faithfulness).
public struct JudgePrompts: Sendable, Equatable {
    public static let correctnessFile = "answer_correctness.txt"
    public static let faithfulnessFile = "faithfulness.txt"

    public var correctness: String
    public var faithfulness: String

    public init(correctness: String, faithfulness: String) {
        self.correctness = correctness
        self.faithfulness = faithfulness
    }

    /// Reads `answer_correctness.txt` and `faithfulness.txt` from `directory`.
    public static func load(directory: URL) throws -> JudgePrompts {
        func read(_ name: String, needs: [String]) throws -> String {
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw EvalError.judgePromptMissing(path: url.path)
            }
            for p in needs where !text.contains(p) {
                throw EvalError.judgePromptPlaceholder(path: url.path, placeholder: p)
            }
            return text
        }
        return JudgePrompts(correctness: try read(correctnessFile, needs: ["{question}", "{answer}", "{ground_truth}"]),
                            faithfulness: try read(faithfulnessFile, needs: ["{question}", "{answer}", "{contexts}"]))
    }
}

/// The judged scores of one question and the judge's raw replies.
public struct JudgeScore: Sendable, Equatable {
    public var id: String
    /// NaN where a metric could not be computed (no embedder, no judge, unparsable reply,
    /// no statement, no context for faithfulness).
    public var answerSimilarity: Double
    public var answerCorrectness: Double
    public var faithfulness: Double
    /// Statement counts behind answer_correctness (-1: not judged).
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var rawCorrectness: String
    public var rawFaithfulness: String

    public func value(_ metric: JudgeMetric) -> Double {
        switch metric {
        case .answerSimilarity: return answerSimilarity
        case .answerCorrectness: return answerCorrectness
        case .faithfulness: return faithfulness
        }
    }

    /// Exact equality that treats NaN as equal to NaN (records round-trip).
    public static func == (a: JudgeScore, b: JudgeScore) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return a.id == b.id && same(a.answerSimilarity, b.answerSimilarity) && same(a.answerCorrectness, b.answerCorrectness)
            && same(a.faithfulness, b.faithfulness) && a.truePositives == b.truePositives
            && a.falsePositives == b.falsePositives && a.falseNegatives == b.falseNegatives
            && a.rawCorrectness == b.rawCorrectness && a.rawFaithfulness == b.rawFaithfulness
    }
}

/// What a judging pass did, for the user and the record.
public struct JudgeTally: Sendable, Equatable {
    public var questions = 0
    public var requests = 0
    /// Replies that did not parse as the prompt's JSON (the metric is NaN there), in all
    /// and by metric (`answer_correctness`, `faithfulness`).
    public var unparsable = 0
    public var unparsableBy: [String: Int] = [:]
    /// Mean of each metric over the questions where it is defined, with that count n.
    public var means: [String: Double] = [:]
    public var counts: [String: Int] = [:]

    public init() {}
}

/// Scores predictions with an embedder and a judge model (either may be absent: the
/// metrics that need it are then NaN).
public struct AnswerJudge: Sendable {
    public var model: JudgeModel?
    public var embed: JudgeEmbedder?
    public var prompts: JudgePrompts
    /// RAGAS answer_correctness weights: factual F1, answer similarity.
    public var factualWeight = 0.75
    public var similarityWeight = 0.25

    public init(model: JudgeModel?, embed: JudgeEmbedder?, prompts: JudgePrompts) {
        self.model = model
        self.embed = embed
        self.prompts = prompts
    }

    public func score(_ items: [JudgeItem], progress: (Int) -> Void = { _ in }) throws -> (scores: [JudgeScore], summary: JudgeTally) {
        var summary = JudgeTally()
        summary.questions = items.count
        let similarity = try similarities(items)
        var scores: [JudgeScore] = []
        for (i, item) in items.enumerated() {
            var s = JudgeScore(id: item.id, answerSimilarity: similarity[i], answerCorrectness: .nan, faithfulness: .nan,
                               truePositives: -1, falsePositives: -1, falseNegatives: -1, rawCorrectness: "", rawFaithfulness: "")
            if let model {
                let correctnessPrompt = Self.fill(prompts.correctness, item)
                s.rawCorrectness = try model.reply(to: correctnessPrompt)
                summary.requests += 1
                if let c = Self.parseCorrectness(s.rawCorrectness) {
                    (s.truePositives, s.falsePositives, s.falseNegatives) = c
                    let f1 = Self.factualF1(tp: c.0, fp: c.1, fn: c.2)
                    s.answerCorrectness = similarity[i].isNaN ? f1 : factualWeight * f1 + similarityWeight * similarity[i]
                } else {
                    summary.unparsable += 1
                    summary.unparsableBy[JudgeMetric.answerCorrectness.rawValue, default: 0] += 1
                }
                if !item.contexts.isEmpty {
                    s.rawFaithfulness = try model.reply(to: Self.fill(prompts.faithfulness, item))
                    summary.requests += 1
                    if let verdicts = Self.parseFaithfulness(s.rawFaithfulness) {
                        s.faithfulness = verdicts.isEmpty ? .nan : Double(verdicts.reduce(0, +)) / Double(verdicts.count)
                    } else {
                        summary.unparsable += 1
                        summary.unparsableBy[JudgeMetric.faithfulness.rawValue, default: 0] += 1
                    }
                }
            }
            scores.append(s)
            progress(i + 1)
        }
        for m in JudgeMetric.allCases {
            let v = scores.map { $0.value(m) }.filter { !$0.isNaN }
            summary.counts[m.rawValue] = v.count
            summary.means[m.rawValue] = v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        }
        return (scores, summary)
    }

    /// The judge prompts `score` sends for `items`, in the order it sends them (so a caller
    /// can send them ahead, concurrently, through a request cache). Empty without a model.
    public func requests(_ items: [JudgeItem]) -> [String] {
        guard model != nil else { return [] }
        return items.flatMap { item in
            [Self.fill(prompts.correctness, item)] + (item.contexts.isEmpty ? [] : [Self.fill(prompts.faithfulness, item)])
        }
    }

    /// Cosine of prediction and gold embeddings, the best alias per question (NaN without an embedder).
    func similarities(_ items: [JudgeItem]) throws -> [Double] {
        guard let embed else { return [Double](repeating: .nan, count: items.count) }
        var texts: [String] = []
        for item in items { texts.append(item.prediction); texts.append(contentsOf: item.golds) }
        let vectors = try embed(texts)
        guard vectors.count == texts.count else { throw EvalError.embedderCount(expected: texts.count, got: vectors.count) }
        var out: [Double] = []
        var at = 0
        for item in items {
            let p = vectors[at]
            at += 1
            var best = -Double.infinity
            for _ in item.golds {
                best = max(best, cosineSimilarity(p, vectors[at]))
                at += 1
            }
            out.append(item.golds.isEmpty ? .nan : best)
        }
        return out
    }

    /// RAGAS' factual F1: TP / (TP + (FP + FN) / 2); 1 when nothing was stated on either side.
    public static func factualF1(tp: Int, fp: Int, fn: Int) -> Double {
        let d = Double(tp) + 0.5 * Double(fp + fn)
        return d == 0 ? 1 : Double(tp) / d
    }

    static func fill(_ template: String, _ item: JudgeItem) -> String {
        template.replacingOccurrences(of: "{question}", with: item.question)
            .replacingOccurrences(of: "{answer}", with: item.prediction)
            .replacingOccurrences(of: "{ground_truth}", with: item.golds.first ?? "")
            .replacingOccurrences(of: "{contexts}", with: item.contexts.joined(separator: "\n\n"))
    }

    /// The JSON object in a reply: from its first `{` to its last `}`.
    static func jsonObject(_ reply: String) -> [String: Any]? {
        guard let a = reply.firstIndex(of: "{"), let b = reply.lastIndex(of: "}"), a < b,
              let o = try? JSONSerialization.jsonObject(with: Data(reply[a...b].utf8)) as? [String: Any] else { return nil }
        return o
    }

    /// (TP, FP, FN) from `{"TP": [...], "FP": [...], "FN": [...]}` (lists or counts).
    static func parseCorrectness(_ reply: String) -> (Int, Int, Int)? {
        guard let o = jsonObject(reply) else { return nil }
        func count(_ key: String) -> Int? {
            if let list = o[key] as? [Any] { return list.count }
            if let n = o[key] as? Int, n >= 0 { return n }
            return nil
        }
        guard let tp = count("TP"), let fp = count("FP"), let fn = count("FN") else { return nil }
        return (tp, fp, fn)
    }

    /// The 0/1 verdicts of `{"statements": [{"statement": ..., "verdict": 0|1}]}`.
    static func parseFaithfulness(_ reply: String) -> [Int]? {
        guard let o = jsonObject(reply), let list = o["statements"] as? [Any] else { return nil }
        var verdicts: [Int] = []
        for entry in list {
            guard let e = entry as? [String: Any], let v = e["verdict"] as? Int, v == 0 || v == 1 else { return nil }
            verdicts.append(v)
        }
        return verdicts
    }
}
