import Foundation
import RaditBase
import RaditData
import RaditStore
import RaditTuning

/// Final results of a run: RA-DIT Table 6 (LM base/LM-ft × retriever base/R-ft) on the
/// reported split (test when the data has one, else dev).
public struct RunResults: Sendable, Equatable {
    /// The split the results are on, and its question count n.
    public var split: QuestionSplit
    public var questions: Int
    /// `em[lm][retriever]`, index 0 = base, 1 = tuned; nil when not evaluated.
    public var em: [[Double?]]
    public var f1: [[Double?]]
    /// Gold-passage recall@k of the base (0) and tuned (1) retriever, by k.
    public var recall: [[Int: Double]]
    public var recallAt: [Int]
    /// Closed-book EM of the base and the tuned LM (the "no retrieval" rows).
    public var closedBookEM: [Double?]
    /// The tuned pair's raw predictions (generations, mixture log-probabilities).
    public var predictions: [Prediction]
    /// Every final evaluation pass with its per-example records, in the order it ran
    /// (`/predictions/<pass>/` in run.h5).
    public var passes: [EvaluationPass]
    public var wallSeconds: Double
    public var tokensPerSecond: Double

    public init(recallAt: [Int], split: QuestionSplit, questions: Int) {
        self.split = split
        self.questions = questions
        em = [[nil, nil], [nil, nil]]
        f1 = [[nil, nil], [nil, nil]]
        recall = [[:], [:]]
        self.recallAt = recallAt
        closedBookEM = [nil, nil]
        predictions = []
        passes = []
        wallSeconds = 0
        tokensPerSecond = 0
    }

    /// Markdown, RA-DIT Table 6 layout.
    public func table() -> String {
        func cell(_ v: Double?) -> String { v.map { String(format: "%.1f", 100 * $0) } ?? "–" }
        var lines = ["\(split.rawValue), n = \(questions) questions", "",
                     "| LM \\ retriever | base EM / F1 | R-ft EM / F1 | closed-book EM |", "|---|---|---|---|"]
        for (i, name) in ["base", "LM-ft"].enumerated() {
            lines.append("| \(name) | \(cell(em[i][0])) / \(cell(f1[i][0])) | \(cell(em[i][1])) / \(cell(f1[i][1])) | \(cell(closedBookEM[i])) |")
        }
        lines.append("")
        lines.append("| retriever | " + recallAt.map { "recall@\($0)" }.joined(separator: " | ") + " |")
        lines.append("|---|" + recallAt.map { _ in "---|" }.joined())
        for (i, name) in ["base", "R-ft"].enumerated() {
            lines.append("| \(name) | " + recallAt.map { k in recall[i][k].map { String(format: "%.1f", 100 * $0) } ?? "–" }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}

/// What a run used as data, for `/data` in run.h5: the question ids of each split (and how
/// the split was made), and the chunk ids with their source documents.
public struct DataRecord: Sendable, Equatable {
    public var source: String
    public var path: String
    public var name: String
    public var questionIDs: [QuestionSplit: [String]]
    /// Splits the dataset defined itself; the others were drawn by question with `splitSeed`.
    public var ownSplits: [QuestionSplit]
    public var splitSeed: UInt64
    public var chunkIDs: [String]
    public var chunkDocuments: [String]
    public var withoutAnswers: Int

    public init(_ data: ExperimentData, settings: DataSettings) {
        source = settings.source.rawValue
        path = settings.path
        name = data.name
        var ids: [QuestionSplit: [String]] = [:]
        for split in QuestionSplit.allCases { ids[split] = data.splits[split].map(\.id) }
        questionIDs = ids
        ownSplits = data.splits.ownSplits
        splitSeed = data.splits.seed
        chunkIDs = data.corpus.chunks.map(\.id)
        chunkDocuments = data.documents
        withoutAnswers = data.withoutAnswers
    }
}

/// run.h5 (format `radit.run`, DESIGN §6), rewritten atomically at each checkpoint and at
/// the end, so a crash leaves the previous complete version.
public enum RunFile {
    public static let version = 1

    public static func write(to url: URL, config: ExperimentConfig, overrides: [String], created: String,
                             data: DataRecord, metrics: RunMetrics, results: RunResults?,
                             provenance: RunProvenance? = nil) throws {
        try StoreFile.writeAtomically(to: url, format: .run, version: version) { file in
            try file.setAttribute("created", .string(created))
            try file.setAttribute(RunLayout.gitCommitAttribute, .string(gitCommit()))
            try file.setAttribute("radit_version", .string(RaditVersion.string))
            try file.createDataset(RunLayout.configTOML, strings: [config.text], shape: [])
            try file.createDataset(RunLayout.configResolved, strings: [config.resolvedJSON()], shape: [])
            try file.createDataset("/config/overrides", strings: overrides)
            try file.createDataset("/config/source", strings: [config.file], shape: [])
            let d = try file.requireGroup(RunLayout.data)
            try d.setAttribute("source", .string(data.source))
            try d.setAttribute("path", .string(data.path))
            try d.setAttribute("name", .string(data.name))
            try d.setAttribute("own_splits", .string(data.ownSplits.map(\.rawValue).joined(separator: ",")))
            try d.setAttribute("split_seed", .int(Int(Int64(bitPattern: data.splitSeed))))
            try d.setAttribute("questions_without_answers", .int(data.withoutAnswers))
            for split in QuestionSplit.allCases {
                try file.createDataset("\(RunLayout.data)/split/\(split.rawValue)", strings: data.questionIDs[split] ?? [])
            }
            try file.createDataset("\(RunLayout.data)/chunk_ids", strings: data.chunkIDs)
            try file.createDataset("\(RunLayout.data)/chunk_documents", strings: data.chunkDocuments)
            if let provenance {
                let g = try file.requireGroup(RunLayout.provenance)
                for (name, value) in provenance.attributes { try g.setAttribute(name, .string(value)) }
            }
            let m = try file.requireGroup(RunLayout.metrics)
            for name in RunMetrics.names { try m.createDataset(name, values: metrics.series[name]!) }
            guard let r = results else { return }
            let g = try file.requireGroup(RunLayout.results)
            try g.setAttribute("split", .string(r.split.rawValue))
            try g.setAttribute("questions", .int(r.questions))
            try g.createDataset("em", values: r.em.flatMap { $0.map { $0 ?? .nan } }, shape: [2, 2])
            try g.createDataset("f1", values: r.f1.flatMap { $0.map { $0 ?? .nan } }, shape: [2, 2])
            try g.createDataset("closed_book_em", values: r.closedBookEM.map { $0 ?? .nan })
            try g.createDataset("recall_at", values: r.recallAt.map(Int64.init))
            try g.createDataset("recall", values: r.recall.flatMap { row in r.recallAt.map { row[$0] ?? .nan } }, shape: [2, r.recallAt.count])
            try g.createDataset("table_markdown", strings: [r.table()], shape: [])
            try g.setAttribute("wall_seconds", .double(r.wallSeconds))
            try g.setAttribute("tokens_per_s", .double(r.tokensPerSecond))
            let p = try file.requireGroup(RunLayout.predictions)
            try p.setAttribute("passes", .strings(r.passes.map(\.name)))
            for pass in r.passes {
                let g = try p.createGroup(pass.name)
                try g.setAttribute("lm", .string(pass.lm))
                try g.setAttribute("retriever", .string(pass.retriever ?? ""))
                try g.setAttribute("mode", .string(pass.mode.rawValue))
                try g.setAttribute("split", .string(pass.split))
                try g.setAttribute("top_k", .int(pass.k))
                try RecordStore.write(pass.records, to: g)
            }
        }
    }

    /// The evaluation passes stored in `/predictions` (none before the run finished), in
    /// the order they ran.
    public static func readPasses(_ url: URL) throws -> [EvaluationPass] {
        let file = try StoreFile.open(url, expecting: .run, versions: version...version)
        defer { try? file.close() }
        return try readPasses(file)
    }

    static func readPasses(_ file: StoreFile) throws -> [EvaluationPass] {
        let url = file.url
        guard try file.exists(RunLayout.predictions) else { return [] }
        let p = try file.group(RunLayout.predictions)
        guard case .strings(let names)? = try p.attribute("passes") else {
            throw RunError.corrupt(what: "\(url.path):\(RunLayout.predictions) attribute `passes`")
        }
        return try names.map { name in
            let g = try p.group(name)
            guard let mode = InferenceMode(rawValue: try g.stringAttribute("mode")) else {
                throw RunError.corrupt(what: "\(url.path):\(g.path) attribute `mode`")
            }
            let retriever = try g.stringAttribute("retriever")
            var pass = EvaluationPass(lm: try g.stringAttribute("lm"), retriever: retriever.isEmpty ? nil : retriever, mode: mode,
                                      split: try g.stringAttribute("split"), k: try g.intAttribute("top_k"),
                                      records: try RecordStore.read(g))
            if let judged = try JudgeStore.read(file, pass: name) {
                try pass.records.attachJudge(judged.scores, source: "\(url.path):\(RunLayout.judge)/\(name)")
                pass.judgement = judged.judgement
            }
            return pass
        }
    }

    /// Whether the run in `directory` finished: its run.h5 holds the final results (written
    /// once, after the last evaluation; checkpoints rewrite run.h5 without them).
    public static func isComplete(_ directory: URL) -> Bool {
        let url = directory.appendingPathComponent("run.h5")
        guard FileManager.default.fileExists(atPath: url.path),
              let file = try? StoreFile.open(url, expecting: .run, versions: version...version) else { return false }
        defer { try? file.close() }
        return (try? file.exists(RunLayout.results)) ?? false
    }

    /// `/provenance`'s attributes (empty for a run written without them).
    public static func readProvenance(_ url: URL) throws -> [String: String] {
        let file = try StoreFile.open(url, expecting: .run, versions: version...version)
        defer { try? file.close() }
        guard try file.exists(RunLayout.provenance) else { return [:] }
        let g = try file.group(RunLayout.provenance)
        var out: [String: String] = [:]
        for name in try g.attributeNames() {
            if case .string(let v)? = try g.attribute(name) { out[name] = v }
        }
        return out
    }

    /// The config text and overrides a run was started with.
    public static func readConfig(_ url: URL) throws -> (text: String, source: String, overrides: [String], created: String) {
        let file = try StoreFile.open(url, expecting: .run, versions: version...version)
        defer { try? file.close() }
        let text = try file.readStrings(RunLayout.configTOML, shape: [])
        let source = try file.readStrings("/config/source", shape: [])
        let overrides = try file.readStrings("/config/overrides")
        guard case .string(let created)? = try file.attribute("created") else { throw RunError.corrupt(what: "\(url.path) attribute `created`") }
        return (text[0], source[0], overrides, created)
    }

    /// `git rev-parse HEAD` of the working directory, or "unknown" outside a checkout
    /// (handles a worktree, whose `.git` is a file naming the real git folder).
    static func gitCommit() -> String {
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<8 {
            var gitDir = dir.appendingPathComponent(".git")
            if let link = try? String(contentsOf: gitDir, encoding: .utf8), link.hasPrefix("gitdir: ") {
                gitDir = URL(fileURLWithPath: link.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if let h = try? String(contentsOf: gitDir.appendingPathComponent("HEAD"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines) {
                guard h.hasPrefix("ref: ") else { return h }
                let ref = String(h.dropFirst(5))
                for base in [gitDir, gitDir.deletingLastPathComponent().deletingLastPathComponent()] {
                    if let c = try? String(contentsOf: base.appendingPathComponent(ref), encoding: .utf8) {
                        return c.trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                }
                return "unknown"
            }
            dir.deleteLastPathComponent()
        }
        return "unknown"
    }
}
