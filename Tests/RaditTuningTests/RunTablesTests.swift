import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RaditData
import RaditEval
import RaditExperiments
import RaditStore
import RaditTestSupport
@testable import RaditTuning
import XCTest

/// Issue 13 §2, §4, §5 on real runs: per-example records in run.h5, `radit table` layouts
/// filled from them, `radit report`, and `bench retrieval`'s per-query rankings.
final class RunTablesTests: XCTestCase {
    static func config(_ overrides: [String]) throws -> ExperimentConfig {
        // ExperimentRunTests' toy config, shorter: 6 steps, one checkpoint, no dev evaluations.
        var c = try ExperimentConfig.parse(ExperimentRunTests.toml, file: "toy.toml")
        try c.apply(overrides: ["retriever.model=/", "lm.model=/", "train.steps=6", "train.checkpoint_every=0",
                                "train.eval_every=0"] + overrides)
        return c
    }

    /// The sweep's cells: (name, overrides); `a` under two seeds, `b` another top-k and P.
    static let cells: [(name: String, set: [String: String])] = [
        ("a-s0", ["eval.top_k": "1", "train.oracle_share": "0.25", "train.seed": "0"]),
        ("a-s1", ["eval.top_k": "1", "train.oracle_share": "0.25", "train.seed": "1"]),
        ("b-s0", ["eval.top_k": "2", "train.oracle_share": "0.5", "train.seed": "0"]),
    ]

    /// Three small real runs in a sweep folder, each with its cell.json (made once).
    nonisolated(unsafe) static var made: (sweep: URL, results: [String: RunResults])?

    static func sweep() throws -> (sweep: URL, results: [String: RunResults]) {
        if let made { return made }
        let sweep = Fixtures.temporaryDirectory("run-tables").appendingPathComponent("toy-sweep")
        var results: [String: RunResults] = [:]
        for cell in cells {
            let dir = sweep.appendingPathComponent(cell.name)
            let overrides = cell.set.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let run = try ExperimentRun(create: dir, config: try config(overrides), overrides: overrides, root: dir)
            results[cell.name] = try XCTUnwrap(try run.execute(backend: ToyBackend(), root: dir))
            let json = "{\"sweep\": \"toy-sweep\", \"cell\": \"\(cell.name)\", \"variant\": null, \"overrides\": {"
                + cell.set.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}}"
            try Data(json.utf8).write(to: dir.appendingPathComponent("cell.json"))
        }
        made = (sweep, results)
        return (sweep, results)
    }

    static let statistics = TableStatistics(resamples: 400, seed: 5)

    // MARK: Records

    func testEveryPassKeepsItsRecordsInRunH5() throws {
        let (sweep, results) = try Self.sweep()
        let kb = ToyKB(entities: 16, seed: 0)
        let passes = try RunFile.readPasses(sweep.appendingPathComponent("b-s0/run.h5"))
        XCTAssertEqual(passes.map(\.name), ["base+base", "base+closed-book", "base+R-ft", "LM-ft+base", "LM-ft+closed-book", "LM-ft+R-ft"])
        XCTAssertEqual(passes, results["b-s0"]!.passes, "read back as written")
        for pass in passes {
            XCTAssertEqual(pass.records.records.map(\.id), kb.dev.map(\.id), pass.name)
            XCTAssertEqual(pass.split, "dev")
            for (r, e) in zip(pass.records.records, kb.dev) {
                XCTAssertEqual(r.golds, e.answers)
                XCTAssertEqual(r.exactMatch, AnswerMetrics.exactMatch(prediction: r.prediction, golds: e.answers))
                XCTAssertEqual(r.f1, AnswerMetrics.f1(prediction: r.prediction, golds: e.answers))
                XCTAssertEqual(r.relevant, e.gold)
                if pass.retriever == nil {
                    XCTAssertTrue(r.contextIDs.isEmpty && r.rankingIDs.isEmpty, "closed-book retrieves nothing")
                } else {
                    XCTAssertEqual(r.contextIDs.count, 2, "top_k = 2 chunks in the prompt")
                    XCTAssertEqual(r.rankingIDs.count, 2, "ranked to the deepest recall cut-off")
                    XCTAssertTrue(r.contextScores.allSatisfy { !$0.isNaN })
                    XCTAssertEqual(r.rankingHasAnswer.count, 2)
                }
            }
        }
        // The results table's numbers are the records' means.
        let r = results["b-s0"]!
        let tuned = try XCTUnwrap(passes.last)
        XCTAssertEqual(r.em[1][1]!, tuned.records.scores(.exactMatch).mean, accuracy: 1e-12)
        XCTAssertEqual(r.f1[1][1]!, tuned.records.scores(.f1).mean, accuracy: 1e-12)
        XCTAssertEqual(r.recall[1][2]!, tuned.records.scores(.retrieval(.goldRecallAny(2))).mean, accuracy: 1e-12)
        XCTAssertEqual(r.closedBookEM[0]!, passes[1].records.scores(.exactMatch).mean, accuracy: 1e-12)
        // The raw datasets are plain HDF5 columns (what h5py and pandas read).
        let f = try StoreFile.open(sweep.appendingPathComponent("b-s0/run.h5"))
        defer { try? f.close() }
        XCTAssertEqual(try f.readStrings("/predictions/LM-ft+R-ft/id"), kb.dev.map(\.id))
        XCTAssertEqual(try f.shape(of: "/predictions/LM-ft+R-ft/ranking_ids"), [kb.dev.count, 2])
    }

    // MARK: Tables

    func testTable6FromTwoSeedsStatesNIntervalsAndSeeds() throws {
        let (sweep, _) = try Self.sweep()
        let a = try RunCollection(paths: ["a-s0", "a-s1"].map { sweep.appendingPathComponent($0) })
        let t = try PaperTables(a, statistics: Self.statistics).table("radit-table6")
        XCTAssertEqual(t.rows.map(\.key), ["base+base", "LM-ft+base", "base+R-ft", "LM-ft+R-ft"])
        XCTAssertEqual(t.columns.map(\.key), ["toy/EM", "toy/F1"])
        let n = ToyKB(entities: 16, seed: 0).dev.count
        for row in t.rows {
            for cell in row.cells {
                let c = try XCTUnwrap(cell)
                XCTAssertEqual(c.n, n)
                XCTAssertEqual(c.seeds, 2)
                XCTAssertNotNil(c.standardDeviation)
                XCTAssertNotNil(c.interval)
            }
        }
        // The cell is the mean over seeds of each run's own mean.
        let runs = a.runs
        let expected = runs.map { $0.pass("LM-ft+R-ft")!.records.scores(.exactMatch).mean }.reduce(0, +) / 2
        XCTAssertEqual(t.cell("LM-ft+R-ft", "toy/EM")!.value, expected, accuracy: 1e-12)
        XCTAssertEqual(t.cell("LM-ft+R-ft", "toy/EM")?.comparison?.test, .randomization, "several seeds: randomization")
        let notes = t.notes.joined(separator: "\n")
        XCTAssertTrue(notes.contains("n = \(n) questions per cell"), notes)
        XCTAssertTrue(notes.contains("Holm"), notes)
        XCTAssertTrue(notes.contains("approximate randomization"), notes)
        XCTAssertTrue(notes.contains("Runs: a-s0, a-s1"), notes)
    }

    func testEveryLayoutRendersAndReloads() throws {
        let (sweep, _) = try Self.sweep()
        let all = PaperTables(try RunCollection(paths: [sweep]), statistics: Self.statistics)
        XCTAssertEqual(all.collection.runs.map(\.name), ["a-s0", "a-s1", "b-s0"])
        XCTAssertEqual(all.collection.runs.map(\.label),
                       ["eval.top_k=1, train.oracle_share=0.25", "eval.top_k=1, train.oracle_share=0.25", "eval.top_k=2, train.oracle_share=0.5"])
        XCTAssertEqual(Set(all.applicableLayouts), ["radit-table6", "raft-table1", "grid", "p-curve", "recall"])
        let a = PaperTables(all.collection.only(label: all.collection.labels[0]), statistics: Self.statistics)
        var tables = [try a.table("radit-table6"), try a.table("raft-table1")]
        for layout in ["grid", "p-curve", "recall"] { tables.append(try all.table(layout)) }

        let grid = tables[2]
        XCTAssertEqual(grid.columns.map(\.key), ["k=1", "k=2"])
        XCTAssertEqual(grid.cell("d=-1", "k=1")?.seeds, 2)
        XCTAssertEqual(grid.cell("d=-1", "k=2")?.seeds, 1)
        let p = tables[3]
        XCTAssertEqual(p.rows.map(\.key), ["P=0.25", "P=0.5"])
        XCTAssertNotNil(p.cell("P=0.5", "toy/EM")?.comparison, "compared with the first P")
        let recall = tables[4]
        XCTAssertEqual(recall.rows.map(\.key), ["base dense", "R-ft dense (eval.top_k=1, train.oracle_share=0.25)",
                                                "R-ft dense (eval.top_k=2, train.oracle_share=0.5)"])
        XCTAssertEqual(recall.columns.map(\.key), ["R@1", "R@2", "MRR@2", "nDCG@2"])
        let raft = tables[1]
        XCTAssertNotNil(raft.cell("base", "toy/EM"))
        XCTAssertNotNil(raft.cell("base+RAG", "toy/EM"))
        XCTAssertNotNil(raft.cell("RA-DIT", "toy/EM"))
        XCTAssertNil(raft.cell("DSF", "toy/EM"), "no DSF run: an empty cell")

        for t in tables {
            XCTAssertTrue(t.notes.contains { $0.hasPrefix("n = ") }, "\(t.layout) states n")
            XCTAssertEqual(try CSVTable.parse(CSVTable.render(t), source: "\(t.layout).csv"), t, t.layout)
            let tex = LaTeXTable.render(t)
            XCTAssertTrue(tex.contains("\\toprule") && tex.contains("\\midrule") && tex.contains("\\bottomrule"), t.layout)
            XCTAssertEqual(LaTeXCheck.braceBalance(tex), 0, tex)
            XCTAssertEqual(tex.components(separatedBy: "\\begin{").count, tex.components(separatedBy: "\\end{").count)
            XCTAssertTrue(MarkdownTable.render(t).contains("n = "), t.layout)
        }
        for t in tables.dropFirst(2) {
            let svg = try XCTUnwrap(PaperPlots.svg(for: t), t.layout)
            let xml = XMLCollector.parse(svg)
            XCTAssertTrue(xml.elements.contains("svg"))
            XCTAssertFalse(xml.text.isEmpty)
        }
    }

    /// experiments/raft_table1.toml's shape: cells with eval.table = false whose variants
    /// name RAFT Table 1 rows; each row is its cell's own evaluated pass, a closed-book
    /// cell's closed-book pass is its headline without rankings, and the untrained cells'
    /// passes are computed once (shared across cells).
    func testNamedVariantsFillTheirRaftTable1Rows() throws {
        let sweep = Fixtures.temporaryDirectory("run-tables-variants").appendingPathComponent("raft-sweep")
        let cells: [(name: String, set: [String])] = [
            ("base", ["train.steps=0", "train.warmup_steps=0", "eval.mode=closed_book"]),
            ("base+RAG", ["train.steps=0", "train.warmup_steps=0"]),
            ("RAFT", []),
        ]
        let sharing = try SweepSharing(scoreCacheFile: nil)
        for cell in cells {
            let dir = sweep.appendingPathComponent(cell.name)
            let overrides = ["eval.table=false"] + cell.set
            let run = try ExperimentRun(create: dir, config: try Self.config(overrides), overrides: overrides, root: dir)
            run.sharing = sharing
            XCTAssertNotNil(try run.execute(backend: ToyBackend(), root: dir))
            let json = "{\"sweep\": \"raft-sweep\", \"cell\": \"\(cell.name)\", \"variant\": \"\(cell.name)\", \"overrides\": {}}"
            try Data(json.utf8).write(to: dir.appendingPathComponent("cell.json"))
        }
        let c = try RunCollection(paths: [sweep])
        let t = try PaperTables(c, statistics: Self.statistics).table("raft-table1")
        for name in ["base", "base+RAG", "RAFT"] {
            let run = try XCTUnwrap(c.runs.first { $0.name == name })
            let headline = try XCTUnwrap(run.headline)
            XCTAssertEqual(try XCTUnwrap(t.cell(name, "toy/EM")).value, headline.records.scores(.exactMatch).mean, accuracy: 1e-12, name)
        }
        XCTAssertNil(t.cell("DSF", "toy/EM"))
        XCTAssertNil(t.cell("RA-DIT", "toy/EM"), "the RAFT cell fills only its own row")
        let base = try XCTUnwrap(c.runs.first { $0.name == "base" })
        let closed = try XCTUnwrap(base.pass("LM-ft+closed-book"))
        XCTAssertEqual(closed.records.records.map(\.prediction), base.headline!.records.records.map(\.prediction))
        XCTAssertTrue(closed.records.records.allSatisfy { $0.rankingIDs.isEmpty })
        // base's closed-book answers are registered as the base LM's closed-book pass, so
        // base+RAG reads its closed-book pass back instead of answering again (1).
        XCTAssertEqual(sharing.reuse.evaluationPasses, 1)
        let ragRun = try XCTUnwrap(c.runs.first { $0.name == "base+RAG" })
        XCTAssertEqual(try XCTUnwrap(ragRun.pass("LM-ft+closed-book")).records.records, closed.records.records)
        // A 0-step cell evaluates the untrained models even as its "tuned" pair: a cell that
        // differs from base+RAG only in a training key reads both its passes back.
        let again = sweep.deletingLastPathComponent().appendingPathComponent("base+RAG-lr")
        let overrides = ["eval.table=false", "train.steps=0", "train.warmup_steps=0", "train.lm_lr=0.5"]
        let run = try ExperimentRun(create: again, config: try Self.config(overrides), overrides: overrides, root: again)
        run.sharing = sharing
        let r = try XCTUnwrap(try run.execute(backend: ToyBackend(), root: again))
        XCTAssertEqual(sharing.reuse.evaluationPasses, 1 + 2)
        let rag = try XCTUnwrap(c.runs.first { $0.name == "base+RAG" })
        XCTAssertEqual(r.passes.map(\.records), rag.passes.map(\.records))
    }

    func testAmbiguousRowsAreRefusedNamingTheRuns() throws {
        let (sweep, _) = try Self.sweep()
        let all = PaperTables(try RunCollection(paths: [sweep]), statistics: Self.statistics)
        XCTAssertThrowsError(try all.table("radit-table6")) { e in
            XCTAssertTrue("\(e)".contains("a-s0") && "\(e)".contains("b-s0") && "\(e)".contains("train.seed = 0"), "\(e)")
        }
        XCTAssertThrowsError(try all.table("grid", baseline: "d=7")) { e in
            XCTAssertTrue("\(e)".contains("--baseline d=7"), "\(e)")
        }
        XCTAssertThrowsError(try all.table("columns")) { e in XCTAssertTrue("\(e)".contains("raft-table1"), "\(e)") }
        XCTAssertThrowsError(try RunCollection(paths: [sweep.deletingLastPathComponent().appendingPathComponent("nothing")]))
    }

    /// Run folders outside a sweep (no cell.json) whose configs differ only in train.seed
    /// are one configuration: one label, seeds pooled into one R-ft row.
    func testPlainRunsOfOneConfigurationPoolTheirSeeds() throws {
        let (sweep, _) = try Self.sweep()
        let plain = Fixtures.temporaryDirectory("run-tables-plain")
        for name in ["a-s0", "a-s1"] {
            let dir = plain.appendingPathComponent("plain-\(name)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: sweep.appendingPathComponent("\(name)/run.h5"), to: dir.appendingPathComponent("run.h5"))
        }
        let c = try RunCollection(paths: [plain.appendingPathComponent("plain-a-s0"), plain.appendingPathComponent("plain-a-s1")])
        XCTAssertEqual(c.labels, ["plain-a-s0"])
        let t = try PaperTables(c, statistics: Self.statistics).table("recall")
        XCTAssertEqual(t.rows.map(\.key), ["base dense", "R-ft dense"])
        XCTAssertEqual(t.cell("R-ft dense", "R@1")?.seeds, 2)
    }

    /// Runs whose records are constructed: a tuned pass that answers 60 more questions of
    /// 200 right is marked; a pass with the baseline's very answers is not.
    func testARealDifferenceIsMarkedAndANullOneIsNot() throws {
        let root = Fixtures.temporaryDirectory("run-tables-constructed")
        let n = 200
        func records(_ right: (Int) -> Bool) throws -> ExampleRecords {
            try ExampleRecords((0..<n).map { q in
                ExampleRecord(id: "q\(q)", prediction: right(q) ? "teal" : "oslo", golds: ["teal"],
                              contextIDs: ["c\(q)"], contextScores: [0.5], rankingIDs: ["c\(q)"], rankingScores: [0.5],
                              relevant: [Relevance(id: "c\(q)")])
            })
        }
        let base = try records { $0 % 10 < 3 } // 30 %
        let better = try records { $0 % 10 < 6 } // 60 %: the 30 % plus 60 more
        let same = try records { $0 % 10 < 3 }
        let config = try Self.config([])
        let settings = try config.settings()
        let kb = ToyKB(entities: 16, seed: 0)
        let data = DataRecord(ExperimentData(name: "constructed", corpus: kb.corpus,
                                             splits: SplitQuestions(train: kb.train, dev: kb.dev, test: [], ownSplits: [.train, .dev], seed: 0)),
                              settings: settings.data)
        var results = RunResults(recallAt: [1], split: .dev, questions: n)
        for (lm, retriever, r) in [("base", "base", base), ("LM-ft", "base", same), ("base", "R-ft", same), ("LM-ft", "R-ft", better)] {
            results.passes.append(EvaluationPass(lm: lm, retriever: retriever, mode: .rerank, split: "dev", k: 1, records: r))
        }
        let dir = root.appendingPathComponent("constructed")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try RunFile.write(to: dir.appendingPathComponent("run.h5"), config: config, overrides: [], created: "now", data: data,
                          metrics: RunMetrics(), results: results)
        let t = try PaperTables(try RunCollection(paths: [dir]), statistics: Self.statistics).table("radit-table6")
        let tuned = try XCTUnwrap(t.cell("LM-ft+R-ft", "constructed/EM")?.comparison)
        XCTAssertEqual(tuned.test, .mcnemarExact)
        XCTAssertTrue(tuned.significant, "60 discordant pairs, all one way: p = \(tuned.adjustedP)")
        let null = try XCTUnwrap(t.cell("LM-ft+base", "constructed/EM")?.comparison)
        XCTAssertFalse(null.significant)
        XCTAssertEqual(null.p, 1)
        XCTAssertEqual(t.cell("base+R-ft", "constructed/F1")?.comparison?.significant, false)
        XCTAssertEqual(t.cell("LM-ft+R-ft", "constructed/F1")?.comparison?.significant, true)
        let md = MarkdownTable.render(t)
        let tunedLine = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix("| LM-ft | R-ft |") })
        XCTAssertTrue(tunedLine.contains("†"), String(tunedLine))
        let nullLine = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix("| LM-ft | base |") })
        XCTAssertFalse(nullLine.contains("†"), String(nullLine))
        // A baseline named by the user: against LM-ft+R-ft the base pair is the one marked.
        let flipped = try PaperTables(try RunCollection(paths: [dir]), statistics: Self.statistics)
            .table("radit-table6", baseline: "LM-ft+R-ft")
        XCTAssertEqual(flipped.cell("base+base", "constructed/EM")?.comparison?.significant, true)
        XCTAssertNil(flipped.cell("LM-ft+R-ft", "constructed/EM")?.comparison)
    }

    // MARK: Report

    func testReportIsOneWellFormedPageWithTablesPlotsConfigsAndDigests() throws {
        let (sweep, _) = try Self.sweep()
        let out = sweep.appendingPathComponent("report.html")
        var writing = ReportWriting(paths: [sweep], output: out)
        writing.statistics = Self.statistics
        let report = try writing.run()
        let html = try String(contentsOf: out, encoding: .utf8)
        let xml = XMLCollector.parse(html)
        XCTAssertEqual(Set(report.tables.map(\.layout)), ["radit-table6", "grid", "p-curve", "recall"],
                       report.summary.joined(separator: "\n"))
        XCTAssertEqual(report.tables.filter { $0.layout == "radit-table6" }.count, 2, "one Table 6 per configuration")
        XCTAssertTrue(report.summary.contains { $0.contains("raft-table1 table not drawn") && $0.contains("train.seed = 0") },
                      "the ambiguous RAFT Table 1 over both configurations is explained, not dropped")
        for t in report.tables { XCTAssertTrue(html.contains(xmlEscape(t.title)), t.title) }
        XCTAssertEqual(xml.elements.filter { $0 == "table" }.count, report.tables.count + 1, "tables + the digests")
        XCTAssertEqual(xml.elements.filter { $0 == "svg" }.count, report.plots.count)
        XCTAssertEqual(report.plots.filter { $0.caption.contains("training loss") }.count, 3, "a loss figure per run")
        for label in ["LM-ft training loss", "R-ft training loss", "step", "test top-k", "P (share of training instances with the oracle)",
                      "k (retrieved chunks)", "base dense"] {
            XCTAssertTrue(xml.text.contains(label), label)
        }
        XCTAssertTrue(xml.text.contains("[train]") && xml.text.contains("oracle_share = 0.5"), "resolved configs")
        XCTAssertTrue(xml.text.contains("config sha256") && xml.text.contains("git_commit"), "digests")
        XCTAssertFalse(html.contains("<script") || html.contains(" src=") || html.contains("<link"), "self-contained")
    }

    // MARK: Bench retrieval

    func testBenchRetrievalKeepsPerQueryRankingsAndTRECRuns() throws {
        let dir = Fixtures.temporaryDirectory("run-tables-bench")
        let kb = try SynthKB.generate(SynthKBConfig(entities: 20, seed: 2))
        let data = dir.appendingPathComponent("synthkb")
        try kb.write(to: data)
        var bench = RetrievalBench(data: data.path)
        bench.retrievers = [.bm25]
        bench.ks = [1, 5]
        let result = try bench.run()
        let file = dir.appendingPathComponent("bench.h5")
        try bench.write(result, to: file)
        let back = try RetrievalBench.readRankings(file)
        XCTAssertEqual(back.rankings.map(\.retriever), ["bm25"])
        let records = back.rankings[0].records
        XCTAssertEqual(records, result.rankings[0].records)
        XCTAssertEqual(records.count, result.dataset.queries.count)
        XCTAssertTrue(records.records.allSatisfy { $0.rankingIDs.count <= 10 })
        XCTAssertTrue(records.records.contains { $0.rankingIDs.count == 10 }, "ranked to the benchmark's depth")
        // The table's R@5 is the records' mean.
        let r5 = try XCTUnwrap(result.table.cell("bm25", "R@5")).value
        XCTAssertEqual(records.scores(.retrieval(.goldRecallAny(5))).mean, r5, accuracy: 1e-12)
        XCTAssertEqual(result.table.cell("bm25", "R@5")?.n, result.rows[0].goldQueries)
        // Rendered by the table code: the columns and the three-decimal numbers of the rows,
        // and a CSV that `radit table --from-csv` reads back whole.
        let markdown = result.markdown.split(separator: "\n").map(String.init)
        XCTAssertTrue(markdown.contains("| retriever | " + result.metrics.map(\.description).joined(separator: " | ") + " |"), result.markdown)
        XCTAssertTrue(markdown.contains { $0.hasPrefix("| bm25 | ") && $0.contains(String(format: "%.3f", r5)) }, result.markdown)
        let csv = dir.appendingPathComponent("bench.csv")
        try RetrievalBench.writeCSV(result, to: csv)
        XCTAssertEqual(try CSVTable.read(csv), result.table)
        let trec = try RetrievalBench.writeTREC(result, to: dir)
        XCTAssertEqual(trec.map(\.lastPathComponent), ["\(result.dataset.name).bm25.trec"])
        XCTAssertEqual(try TRECRun.read(trec[0]), TRECRun(tag: "radit-bm25", records: records))
        // The bench file is a row source of the recall table.
        let t = try PaperTables(try RunCollection(paths: [file]), statistics: Self.statistics).table("recall")
        XCTAssertEqual(t.rows.map(\.key), ["bm25"])
        XCTAssertEqual(t.cell("bm25", "R@5")?.value ?? .nan, r5, accuracy: 1e-12)
    }

    /// Beside runs, a benchmark file's rows keep only the questions the runs evaluated (so
    /// every row has the runs' n and pairs); a file that ranks none of them is refused.
    func testBenchRowsKeepTheRunsQuestions() throws {
        let (sweep, _) = try Self.sweep()
        let run = try StoredRun(directory: sweep.appendingPathComponent("a-s0"))
        let evaluated = try XCTUnwrap(run.pass("LM-ft+base") ?? run.pass("base+base")).records
        // A bench file of the runs' dataset: every evaluated question plus three more.
        let dir = Fixtures.temporaryDirectory("run-tables-bench-runs")
        let kb = try SynthKB.generate(SynthKBConfig(entities: 10, seed: 1))
        try kb.write(to: dir.appendingPathComponent("kb"))
        var bench = RetrievalBench(data: dir.appendingPathComponent("kb").path)
        bench.retrievers = [.bm25]
        let file = dir.appendingPathComponent("bench.h5")
        try bench.write(try bench.run(), to: file)
        var stored = try StoredBench(file: file)
        stored.dataset = run.dataset
        let extra = (0..<3).map { ExampleRecord(id: "extra-\($0)", prediction: "", golds: ["x"], rankingIDs: ["c"], rankingScores: [1],
                                                relevant: [Relevance(id: "c")]) }
        stored.rankings = [(retriever: "bm25", records: try ExampleRecords(evaluated.records + extra))]
        let t = try PaperTables(RunCollection(runs: [run], benches: [stored], name: "r"), statistics: Self.statistics).table("recall")
        XCTAssertEqual(t.cell("bm25", "R@1")?.n, evaluated.count)
        XCTAssertEqual(t.cell("base dense", "R@1")?.n, evaluated.count)
        stored.rankings = [(retriever: "bm25", records: try ExampleRecords(extra))]
        XCTAssertThrowsError(try PaperTables(RunCollection(runs: [run], benches: [stored], name: "r"), statistics: Self.statistics).table("recall")) { e in
            XCTAssertTrue("\(e)".contains("ranks none of the questions the runs evaluated"), "\(e)")
        }
    }
}
