import Foundation
import RaditEval
import RaditStore

/// Who judged a pass's predictions, with what, and what the judging counted.
public struct PassJudgement: Sendable, Equatable {
    /// The judge model's name and its server's base URL (empty without a judge model).
    public var model: String
    public var url: String
    /// What embedded answers for answer_similarity (`retriever:<model>`, or `none`).
    public var embedder: String
    /// SHA-256 of the two judge prompt templates (correctness, then faithfulness).
    public var promptsSHA256: String
    public var created: String
    public var tally: JudgeTally

    public init(model: String, url: String, embedder: String, promptsSHA256: String, created: String, tally: JudgeTally) {
        self.model = model
        self.url = url
        self.embedder = embedder
        self.promptsSHA256 = promptsSHA256
        self.created = created
        self.tally = tally
    }
}

/// `run.h5:/judge/<pass>/`: a pass's judge scores (`JudgeColumns`) and its `PassJudgement`
/// as attributes. Written by `radit judge` into a copy of run.h5 that replaces the file
/// only when complete; read back with the pass's records.
public enum JudgeStore {
    /// Replaces the judge groups of the named passes in `run` (run.h5) atomically.
    public static func write(_ run: URL, _ judged: [(pass: String, scores: [JudgeScore], judgement: PassJudgement)]) throws {
        try StoreFile.updateAtomically(run, expecting: .run, versions: RunFile.version...RunFile.version) { file in
            let root = try file.requireGroup(RunLayout.judge)
            for j in judged {
                guard try file.exists("\(RunLayout.predictions)/\(j.pass)") else {
                    throw RunError.corrupt(what: "\(run.path): no \(RunLayout.predictions)/\(j.pass) to judge")
                }
                if try root.exists(j.pass) { try root.remove(j.pass) }
                let g = try root.createGroup(j.pass)
                let m = j.judgement
                for (name, value) in [("judge_model", m.model), ("judge_url", m.url), ("embedder", m.embedder),
                                      ("prompts_sha256", m.promptsSHA256), ("created", m.created)] {
                    try g.setAttribute(name, .string(value))
                }
                var counts = [("questions", m.tally.questions), ("requests", m.tally.requests), ("unparsable", m.tally.unparsable)]
                for metric in JudgeMetric.allCases {
                    counts.append(("unparsable_\(metric.rawValue)", m.tally.unparsableBy[metric.rawValue] ?? 0))
                    counts.append(("n_\(metric.rawValue)", m.tally.counts[metric.rawValue] ?? 0))
                }
                for (name, value) in counts { try g.setAttribute(name, .int(value)) }
                try RecordStore.write(columns: JudgeColumns.columns(j.scores), to: g)
            }
        }
    }

    /// The judge scores and judgement of `pass`, or nil when it was not judged.
    static func read(_ file: StoreFile, pass: String) throws -> (scores: [JudgeScore], judgement: PassJudgement)? {
        let path = "\(RunLayout.judge)/\(pass)"
        guard try file.exists(path) else { return nil }
        let g = try file.group(path)
        let source = "\(file.url.path):\(path)"
        let scores = try JudgeColumns.scores(try RecordStore.readColumns(g), source: source)
        var tally = JudgeTally()
        tally.questions = try g.intAttribute("questions")
        tally.requests = try g.intAttribute("requests")
        tally.unparsable = try g.intAttribute("unparsable")
        for metric in JudgeMetric.allCases {
            tally.unparsableBy[metric.rawValue] = try g.intAttribute("unparsable_\(metric.rawValue)")
            let values = scores.map { $0.value(metric) }.filter { !$0.isNaN }
            tally.counts[metric.rawValue] = values.count
            tally.means[metric.rawValue] = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        let judgement = PassJudgement(model: try g.stringAttribute("judge_model"), url: try g.stringAttribute("judge_url"),
                                      embedder: try g.stringAttribute("embedder"),
                                      promptsSHA256: try g.stringAttribute("prompts_sha256"),
                                      created: try g.stringAttribute("created"), tally: tally)
        return (scores, judgement)
    }
}
