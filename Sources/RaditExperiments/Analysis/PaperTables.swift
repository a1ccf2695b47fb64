import Foundation
import RaditEval
import RaditTensor

/// The papers' tables (`TableLayout`) filled from runs' per-example records: each cell is
/// a configuration's records on one dataset under each training seed; `TableBuilder` adds
/// the mean ± std over seeds, n, the bootstrap interval over questions, the paired tests
/// against the baseline row and Holm's correction, and states them in the footnote.
public struct PaperTables: Sendable {
    public var collection: RunCollection
    public var statistics: TableStatistics
    /// The metric of `grid` cells (RAFT Fig. 6 plots EM).
    public var gridMetric: RecordMetric = .exactMatch

    public init(_ collection: RunCollection, statistics: TableStatistics = TableStatistics()) {
        self.collection = collection
        self.statistics = statistics
    }

    /// One configuration's records for one row and one column slot (a dataset, or `k=<k>`).
    struct Entry {
        var row: TableLayout.Row
        var slot: String
        var seed: Int
        var records: ExampleRecords
        var source: String
        /// A row every run can supply (the untuned base passes): the first run's is used.
        var shared = false
        /// Who judged the pass (`radit judge`), for the judge columns' footnote.
        var judgement: PassJudgement?
    }

    /// The judge metrics some pass of these runs was scored on (`radit judge`), in
    /// `JudgeMetric` order: the paper layouts show them beside EM/F1.
    public var judgeMetrics: [RecordMetric] {
        JudgeMetric.allCases.map { RecordMetric.judge($0) }.filter { m in
            collection.runs.contains { $0.passes.contains { $0.records.records.contains { $0.score(m) != nil } } }
        }
    }

    /// `layout` (one of `TableLayout.names`) against `baseline` (a row key or label; nil:
    /// the layout's own baseline, or its first row for grid and p-curve).
    public func table(_ layout: String, baseline: String? = nil) throws -> ResultTable {
        let (planned, entries, slot) = try plan(layout)
        var shape = planned
        if let b = baseline {
            guard let row = shape.rows.first(where: { $0.key == b || $0.labels.joined(separator: " / ") == b || $0.labels.joined(separator: " ") == b }) else {
                throw AnalysisError.unknownBaseline(layout: layout, baseline: b, rows: shape.rows.map(\.key))
            }
            shape.baseline = row.key
        }
        return try fill(shape, entries, slot: slot)
    }

    /// The layouts these runs can fill: RA-DIT Table 6 when a run evaluated the four
    /// LM × retriever pairs, RAFT Table 1 when one evaluated base and tuned passes, the grid
    /// when runs differ in train distractors or test top-k, the P curve when they differ in
    /// P, recall when anything ranked chunks.
    public var applicableLayouts: [String] {
        let runs = collection.runs
        var out: [String] = []
        if runs.contains(where: { r in TableLayout.raditTable6Rows.allSatisfy { r.pass("\($0.lm)+\($0.retriever)") != nil } }) {
            out.append("radit-table6")
        }
        if !runs.isEmpty { out.append("raft-table1") }
        let distractors = Set(runs.compactMap { $0.int(AnalysisKey.raftDistractors) })
        let topK = Set(runs.compactMap { $0.int(AnalysisKey.topK) })
        if Set(runs.map(\.dataset)).count == 1 && (distractors.count > 1 || topK.count > 1) { out.append("grid") }
        if Set(runs.compactMap { $0.double(AnalysisKey.oracleShare) }).count > 1 { out.append("p-curve") }
        if !collection.benches.isEmpty || runs.contains(where: { $0.passes.contains { p in p.records.records.contains { !$0.rankingIDs.isEmpty } } }) {
            out.append("recall")
        }
        return out
    }

    // MARK: Layouts

    func plan(_ layout: String) throws -> (TableLayout, [Entry], (TableColumn) -> String) {
        let datasetSlot: (TableColumn) -> String = { c in
            String(c.key[..<(c.key.lastIndex(of: "/") ?? c.key.endIndex)])
        }
        let runs = collection.runs
        switch layout {
        case "radit-table6":
            let shape = try TableLayout.raditTable6(datasets: datasets(layout), metrics: [.exactMatch, .f1] + judgeMetrics)
            var entries: [Entry] = []
            for run in runs {
                for row in shape.rows {
                    if let p = run.pass(row.key) {
                        entries.append(Entry(row: row, slot: run.dataset, seed: run.seed, records: p.records, source: run.name,
                                             judgement: p.judgement))
                    }
                }
            }
            return (shape, entries, datasetSlot)
        case "raft-table1":
            let shape = try TableLayout.raftTable1(datasets: datasets(layout), metrics: [.exactMatch, .f1] + judgeMetrics)
            func row(_ key: String) -> TableLayout.Row { shape.rows.first { $0.key == key }! }
            var entries: [Entry] = []
            func add(_ key: String, _ run: StoredRun, _ pass: String, shared: Bool = false) {
                guard let p = run.pass(pass) else { return }
                entries.append(Entry(row: row(key), slot: run.dataset, seed: run.seed, records: p.records, source: run.name,
                                     shared: shared, judgement: p.judgement))
            }
            // A sweep cell whose variant names a row (raft_table1.toml: base, base+RAG, DSF,
            // DSF+RAG, RAFT) fills that row with the pass it was configured to evaluate (its
            // headline: tuned LM, the run's retriever, the run's eval.mode), before any run's
            // shared base passes, which then only fill rows no variant named.
            var named: [Entry] = []
            for run in runs {
                if let key = Self.namedRow(run), let p = run.headline {
                    named.append(Entry(row: row(key), slot: run.dataset, seed: run.seed, records: p.records, source: run.name))
                    continue
                }
                add("base", run, "base+closed-book", shared: true)
                add("base+RAG", run, "base+base", shared: true)
                switch Self.method(run) {
                case "DSF":
                    add("DSF", run, "LM-ft+closed-book")
                    add("DSF+RAG", run, "LM-ft+base")
                case "RAFT":
                    add("RAFT", run, run.pass("LM-ft+base") != nil ? "LM-ft+base" : "LM-ft+R-ft")
                default:
                    add("RA-DIT", run, "LM-ft+R-ft")
                }
            }
            return (shape, named + entries, datasetSlot)
        case "grid":
            let name = try single(layout)
            let ds = Set(runs.compactMap { $0.int(AnalysisKey.raftDistractors) }).sorted()
            let ks = Set(runs.compactMap { $0.int(AnalysisKey.topK) }).sorted()
            let shape = TableLayout.grid(trainDistractors: ds, testTopK: ks, metric: gridMetric, baseline: ds.first)
            var entries: [Entry] = []
            for run in runs {
                guard let p = run.headline, let d = run.int(AnalysisKey.raftDistractors), let k = run.int(AnalysisKey.topK) else { continue }
                entries.append(Entry(row: shape.rows.first { $0.key == "d=\(d)" }!, slot: "k=\(k)", seed: run.seed,
                                     records: p.records, source: run.name))
            }
            var t = shape
            t.title += " (\(name))"
            for i in t.rows.indices where t.rows[i].labels == ["-1"] { t.rows[i].labels = ["none (not RAFT)"] }
            return (t, entries, { $0.key })
        case "p-curve":
            let ps = Set(runs.compactMap { $0.double(AnalysisKey.oracleShare) }).sorted()
            let shape = try TableLayout.pCurve(oracleShares: ps, datasets: datasets(layout), baseline: ps.first)
            var entries: [Entry] = []
            for run in runs {
                guard let p = run.headline, let share = run.double(AnalysisKey.oracleShare) else { continue }
                entries.append(Entry(row: shape.rows.first { $0.key == "P=\(share)" }!, slot: run.dataset, seed: run.seed,
                                     records: p.records, source: run.name))
            }
            return (shape, entries, datasetSlot)
        case "recall":
            _ = try single(layout)
            return try recallPlan()
        default:
            throw AnalysisError.unknownLayout(layout)
        }
    }

    /// BM25 / dense rows of the benchmark files, the base dense retriever of the runs and
    /// each run configuration's tuned (R-ft) retriever.
    func recallPlan() throws -> (TableLayout, [Entry], (TableColumn) -> String) {
        var rows: [TableLayout.Row] = []
        var entries: [Entry] = []
        func row(_ key: String) -> TableLayout.Row {
            if let r = rows.first(where: { $0.key == key }) { return r }
            rows.append(TableLayout.Row(key: key, labels: [key]))
            return rows.last!
        }
        // A benchmark file ranks every question of its dataset; beside runs, its rows keep
        // the questions the runs evaluated (their test split), so every row has the same n
        // and pairs with the dense rows.
        let evaluated = Set(collection.runs.flatMap { $0.passes.filter(Self.ranks).flatMap { $0.records.records.map(\.id) } })
        for b in collection.benches {
            for r in b.rankings {
                var records = r.records
                if !evaluated.isEmpty {
                    records = try ExampleRecords(records.records.filter { evaluated.contains($0.id) }, source: b.file.lastPathComponent)
                    if records.count == 0 {
                        throw AnalysisError.nothingToTable(layout: "recall", reason: "\(b.file.lastPathComponent) ranks none of the questions the runs evaluated; benchmark the runs' dataset")
                    }
                }
                entries.append(Entry(row: row(r.retriever), slot: "", seed: 0, records: records, source: b.file.lastPathComponent))
            }
        }
        let labels = collection.labels
        for run in collection.runs {
            if let base = ["base+base", "LM-ft+base"].lazy.compactMap(run.pass).first(where: Self.ranks) {
                entries.append(Entry(row: row("base dense"), slot: "", seed: run.seed, records: base.records, source: run.name,
                                     shared: true))
            }
            if let tuned = ["LM-ft+R-ft", "base+R-ft"].lazy.compactMap(run.pass).first(where: Self.ranks) {
                let key = labels.count > 1 ? "R-ft dense (\(run.label))" : "R-ft dense"
                entries.append(Entry(row: row(key), slot: "", seed: run.seed, records: tuned.records, source: run.name))
            }
        }
        guard !entries.isEmpty else {
            throw AnalysisError.nothingToTable(layout: "recall", reason: "no run or benchmark file ranked any chunk (set eval.recall_at)")
        }
        let depth = entries.map { Self.depth($0.records) }.max() ?? 0
        let hasGold = entries.contains { $0.records.records.contains { !$0.relevantGrades.isEmpty } }
        let recallAt = collection.runs.compactMap { $0.config[AnalysisKey.recallAt] }.flatMap { v -> [Int] in
            if case .ints(let l) = v { return l }
            return []
        }
        let ks = Set([1, 5, 10, 20, 100] + recallAt).filter { $0 <= depth }.sorted()
        var metrics: [RetrievalMetric] = hasGold ? ks.map { .goldRecallAny($0) } : ks.map { .answerRecall($0) }
        if hasGold { metrics += [.mrr(min(10, depth)), .ndcg(min(10, depth))] }
        let baseline = rows.first { $0.key == "base dense" }?.key ?? rows.first?.key
        var shape = TableLayout.recall(retrievers: [], metrics: metrics, baseline: baseline)
        shape.rows = rows
        return (shape, entries, { _ in "" })
    }

    static func ranks(_ p: EvaluationPass) -> Bool { p.records.records.contains { !$0.rankingIDs.isEmpty } }

    static func depth(_ r: ExampleRecords) -> Int { r.records.map(\.rankingIDs.count).max() ?? 0 }

    /// How far down a metric looks (nil: the whole ranking).
    static func cutoff(_ m: RecordMetric) -> Int? {
        guard case .retrieval(let r) = m else { return nil }
        switch r {
        case let .answerRecall(k), let .goldRecallAny(k), let .goldRecallAll(k), let .recall(k), let .mrr(k), let .ndcg(k):
            return k
        case .rPrecision: return nil
        }
    }

    /// The RAFT Table 1 row a sweep cell's variant names (`base`, `base+RAG`, `DSF`,
    /// `DSF+RAG`, `RAFT`, `RA-DIT`; case and spaces ignored), or nil.
    static func namedRow(_ run: StoredRun) -> String? {
        guard let v = run.cell?.variant else { return nil }
        let norm = { (s: String) in s.replacingOccurrences(of: " ", with: "").uppercased() }
        return TableLayout.raftTable1Rows.first { norm($0) == norm(v) }
    }

    /// Which RAFT Table 1 method a run trained: its variant's name when it is one of the
    /// rows (`DSF+RAG` is the DSF model with retrieval), else from `train.lm_source`.
    static func method(_ run: StoredRun) -> String {
        if let v = run.cell?.variant?.replacingOccurrences(of: " ", with: "") {
            switch v.uppercased() {
            case "DSF", "DSF+RAG": return "DSF"
            case "RAFT": return "RAFT"
            case "RA-DIT", "RADIT": return "RA-DIT"
            default: break
            }
        }
        switch run.string(AnalysisKey.lmSource) {
        case "dsf": return "DSF"
        case "raft": return "RAFT"
        default: return "RA-DIT"
        }
    }

    func datasets(_ layout: String) throws -> [String] {
        let d = collection.datasets
        guard !d.isEmpty else { throw AnalysisError.nothingToTable(layout: layout, reason: "no runs were given") }
        return d
    }

    func single(_ layout: String) throws -> String {
        let d = collection.datasets
        guard d.count == 1 else {
            throw AnalysisError.ambiguous(layout: layout, detail: "the runs cover \(d.count) datasets (\(d.joined(separator: ", "))); table one dataset at a time")
        }
        return d[0]
    }

    // MARK: Filling

    func fill(_ layout: TableLayout, _ entries: [Entry], slot: (TableColumn) -> String) throws -> ResultTable {
        var cells: [String: [Int: Entry]] = [:]
        var used: [String] = []
        for e in entries {
            let key = e.row.key + "\u{1}" + e.slot
            if let prior = cells[key]?[e.seed] {
                if e.shared { continue }
                throw AnalysisError.ambiguous(layout: layout.name, detail:
                    "runs \(prior.source) and \(e.source) both give row '\(e.row.key)'\(e.slot.isEmpty ? "" : " (\(e.slot))") with train.seed = \(e.seed); "
                    + "table one configuration per row (pass fewer runs or one sweep), or vary train.seed")
            }
            cells[key, default: [:]][e.seed] = e
            if !used.contains(e.source) { used.append(e.source) }
        }
        var plans = ResamplingPlans(resamples: statistics.resamples, seed: statistics.seed, generator: RandomSource.init(seed:))
        var table = try TableBuilder.build(layout, statistics: statistics, plans: &plans) { row, column in
            guard let bySeed = cells[row.key + "\u{1}" + slot(column)], let metric = RecordMetric(name: column.metric) else {
                return nil
            }
            let seeds = bySeed.keys.sorted().map { bySeed[$0]! }
            if let k = Self.cutoff(metric), seeds.contains(where: { Self.depth($0.records) < k }) { return nil }
            var per = seeds.map { $0.records.scores(metric) }
            if metric.isJudge && per.count > 1 {
                // Seeds' judges left out different questions: a cell averages the ones all scored.
                let common = per.dropFirst().reduce(Set(per[0].ids)) { $0.intersection($1.ids) }
                per = per.map { s in
                    let keep = s.ids.indices.filter { common.contains(s.ids[$0]) }
                    return QuestionScores(ids: keep.map { s.ids[$0] }, values: keep.map { s.values[$0] })
                }
            }
            if per.contains(where: { $0.count == 0 }) { return nil }
            return try SeededScores(per, what: "\(layout.name) row \(row.key), column \(column.key)")
        }
        guard table.rows.contains(where: { $0.cells.contains { $0 != nil } }) else {
            throw AnalysisError.nothingToTable(layout: layout.name, reason: "none of the runs evaluated a pass this layout uses")
        }
        table.notes += Self.judgeNotes(table, cells.keys.sorted().flatMap { k in cells[k]!.keys.sorted().map { cells[k]![$0]! } })
        table.notes.append("Runs: " + used.joined(separator: ", ") + ".")
        if !collection.unfinished.isEmpty {
            table.notes.append("Left out (unfinished): " + collection.unfinished.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ") + ".")
        }
        return table
    }

    /// The judge columns' footnote: who judged, n per cell, unparsable replies left out, and
    /// how their paired tests pair questions.
    static func judgeNotes(_ table: ResultTable, _ entries: [Entry]) -> [String] {
        var notes: [String] = []
        var judges: [String] = []
        var seen = Set<String>()
        for e in entries {
            guard let j = e.judgement, seen.insert("\(j.model) \(j.url) \(j.embedder)").inserted else { continue }
            judges.append("\(j.model) at \(j.url) (embeddings: \(j.embedder))")
        }
        for metric in JudgeMetric.allCases {
            let columns = table.columns.indices.filter { table.columns[$0].metric == metric.rawValue }
            let ns = table.rows.flatMap { r in columns.compactMap { r.cells[$0]?.n } }
            guard let lo = ns.min(), let hi = ns.max() else { continue }
            var counted = Set<String>()
            var unparsable = 0
            for e in entries {
                guard let j = e.judgement, counted.insert("\(e.source) \(e.row.key) \(e.slot) \(e.seed)").inserted else { continue }
                unparsable += j.tally.unparsableBy[metric.rawValue] ?? 0
            }
            var line = "\(metric.rawValue): n = \(lo == hi ? "\(lo)" : "\(lo)–\(hi)") judged questions per cell"
            if metric != .answerSimilarity { line += "; \(unparsable) unparsable judge replies left out" }
            notes.append(line + ".")
        }
        if !notes.isEmpty {
            notes.insert("Judge metrics (RAGAS-style, `radit judge`): " + (judges.isEmpty ? "unknown judge" : judges.joined(separator: "; "))
                         + "; paired tests use the questions both rows' judges scored.", at: 0)
        }
        return notes
    }
}
