import Foundation
import RaditBase
import RaditData
import RaditRemote
import RaditRetrieval

/// One answer to judge: the question, the model's answer, the reference and the contexts
/// the answer was generated from.
public struct JudgeInput: Sendable, Equatable {
    public var id: String
    public var question: String
    public var answer: String
    public var reference: String
    public var contexts: [String]
    public init(id: String, question: String, answer: String, reference: String, contexts: [String]) {
        self.id = id; self.question = question; self.answer = answer; self.reference = reference; self.contexts = contexts
    }
}

/// RAGAS-style metrics of one answer, with the judge's raw replies kept.
public struct JudgeRecord: Codable, Sendable, Equatable {
    public var id: String
    /// Cosine of the answer's and the reference's embeddings (RAGAS answer similarity).
    public var answerSimilarity: Double?
    /// The judge's score in [0, 1]; nil when its reply held no `SCORE:` line in range.
    public var answerCorrectness: Double?
    public var faithfulness: Double?
    public var rawCorrectness: String?
    public var rawFaithfulness: String?

    enum CodingKeys: String, CodingKey {
        case id, answerSimilarity = "answer_similarity", answerCorrectness = "answer_correctness", faithfulness
        case rawCorrectness = "raw_answer_correctness", rawFaithfulness = "raw_faithfulness"
    }
}

/// Means over the judged answers, and how many replies could not be read.
public struct JudgeSummary: Sendable, Equatable {
    public var n = 0
    public var answerSimilarity: Double?
    public var answerCorrectness: Double?
    public var faithfulness: Double?
    public var unreadable = 0
}

/// Judge and embedding metrics (RAGAS-style, issue 14 §6): answer similarity as the cosine
/// of embeddings (any `TextEmbedder`: the native encoder or a remote one), answer
/// correctness and faithfulness from a judge LLM over the OpenAI API with the prompts in
/// files (`tools/judge/*.txt`: `{question}`, `{answer}`, `{reference}`, `{contexts}`), every
/// reply through the request cache and kept raw.
public struct JudgeMetrics {
    public static let scoreTag = "SCORE:"
    public var embedder: (any TextEmbedder)?
    public var judge: TeacherSettings?
    public var correctnessPrompt: String
    public var faithfulnessPrompt: String
    public var environment = ProcessInfo.processInfo.environment

    /// Reads the two prompt files from `folder` (`answer_correctness.txt`, `faithfulness.txt`).
    public init(promptsFolder folder: URL, embedder: (any TextEmbedder)?, judge: TeacherSettings?) throws {
        func read(_ name: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8), text.contains("{answer}") else {
                throw TeacherError.invalidOption(name: "judge-prompts", reason: "\(url.path) is missing or lacks {answer}")
            }
            return text
        }
        correctnessPrompt = try read("answer_correctness.txt")
        faithfulnessPrompt = try read("faithfulness.txt")
        self.embedder = embedder
        self.judge = judge
    }

    static func fill(_ template: String, _ x: JudgeInput) -> String {
        template.replacingOccurrences(of: "{question}", with: x.question)
            .replacingOccurrences(of: "{reference}", with: x.reference)
            .replacingOccurrences(of: "{contexts}", with: x.contexts.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n"))
            .replacingOccurrences(of: "{answer}", with: x.answer)
    }

    /// The number after the last `SCORE:` line, when it is in [0, 1].
    public static func score(_ reply: String) -> Double? {
        guard let r = reply.range(of: scoreTag, options: .backwards) else { return nil }
        let rest = reply[r.upperBound...].trimmingCharacters(in: .whitespaces)
        let number = rest.prefix { $0.isNumber || $0 == "." }
        guard let v = Double(number), (0...1).contains(v) else { return nil }
        return v
    }

    public func run(_ inputs: [JudgeInput]) throws -> (records: [JudgeRecord], summary: JudgeSummary, usage: ChatUsage) {
        var records = inputs.map { JudgeRecord(id: $0.id) }
        if let embedder, !inputs.isEmpty {
            let a = try embedder.embed(inputs.map(\.answer)) // (N, D)
            let b = try embedder.embed(inputs.map(\.reference)) // (N, D)
            let d = embedder.dimension
            for i in inputs.indices {
                var dot = 0.0, na = 0.0, nb = 0.0
                for j in 0..<d {
                    let x = Double(a.scalars[i * d + j]), y = Double(b.scalars[i * d + j])
                    dot += x * y; na += x * x; nb += y * y
                }
                records[i].answerSimilarity = na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
            }
        }
        var usage = ChatUsage()
        if let judge {
            let chat = try judge.open(environment: environment)
            let system = "You are a careful grader. Follow the instructions and end with the SCORE line."
            let asks = inputs.flatMap {
                [judge.request(system: system, user: Self.fill(correctnessPrompt, $0)),
                 judge.request(system: system, user: Self.fill(faithfulnessPrompt, $0))]
            }
            let replies = try chat.chat(asks)
            for i in inputs.indices {
                let c = try replies[2 * i].get().choices.first(where: { $0.index == 0 })?.message.content ?? ""
                let f = try replies[2 * i + 1].get().choices.first(where: { $0.index == 0 })?.message.content ?? ""
                records[i].rawCorrectness = c
                records[i].rawFaithfulness = f
                records[i].answerCorrectness = Self.score(c)
                records[i].faithfulness = Self.score(f)
            }
            usage = chat.usage
        }
        func mean(_ values: [Double?]) -> Double? {
            let v = values.compactMap { $0 }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        var s = JudgeSummary()
        s.n = records.count
        s.answerSimilarity = mean(records.map(\.answerSimilarity))
        s.answerCorrectness = mean(records.map(\.answerCorrectness))
        s.faithfulness = mean(records.map(\.faithfulness))
        if judge != nil {
            s.unreadable = records.filter { $0.answerCorrectness == nil }.count + records.filter { $0.faithfulness == nil }.count
        }
        return (records, s, usage)
    }

    /// Writes the records as JSON lines, atomically.
    public static func write(_ records: [JudgeRecord], to url: URL) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = try records.map { String(decoding: try e.encode($0), as: UTF8.self) + "\n" }
        try AtomicFile.write(lines.joined(), to: url)
    }
}

extension JudgeRecord {
    init(id: String) { self.id = id }
}
