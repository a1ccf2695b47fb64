import Foundation
@testable import RaditExperiments
import RaditStore
import RaditTestSupport
import RaditTuning
import XCTest

/// `radit sweep`: grid × variants into runs/<sweep>/<cell>/, resume without re-running a
/// finished cell, shared caches, dry run, and errors that name the key.
final class SweepTests: XCTestCase {
    /// experiments/tiny.toml cut to seconds per cell, with a 3 × 3 grid × 2 seeds.
    static let tinySweep = """
        [data]
        entities = 24
        train_limit = 8
        dev_limit = 2
        test_limit = 3
        [retriever]
        model = "tiny"
        max_length = 96
        [lm]
        model = "tiny"
        finetune = "full"
        max_length = 192
        [train]
        schedule = "lockstep"
        steps = 2
        batch_size = 2
        candidates = 4
        lm_top_k = 2
        lm_lr = 1e-3
        retriever_lr = 1e-3
        checkpoint_every = 1
        eval_every = 0
        [eval]
        mode = "rerank"
        max_tokens = 2
        recall_at = [1, 3]
        table = true
        [sweep]
        name = "grid"
        grid = { "eval.top_k" = [1, 2, 3], "train.oracle_share" = [0.0, 0.5, 1.0], "train.seed" = [0, 1] }
        """

    func testGridAndVariantsGiveNamedCellsInOrder() throws {
        let c = try ExperimentConfig.parse("""
            [train]
            steps = 5
            [sweep]
            grid = { "eval.top_k" = [1, 3], "train.seed" = [0, 1] }
            [[sweep.variant]]
            name = "DSF+RAG"
            set = { "train.lm_source" = "dsf", "eval.mode" = "concat" }
            [[sweep.variant]]
            name = "base / RAG"
            set = { train = { steps = 0 } }
            """, file: "v.toml")
        let sweep = try Sweep(config: c, runsDirectory: Fixtures.temporaryDirectory("cells"))
        XCTAssertEqual(sweep.name, "v")
        // Variants in file order × the grid in schema order (train before eval), last axis fastest.
        XCTAssertEqual(sweep.cells.map(\.name), [
            "DSF+RAG,seed=0,top_k=1", "DSF+RAG,seed=0,top_k=3", "DSF+RAG,seed=1,top_k=1", "DSF+RAG,seed=1,top_k=3",
            "base___RAG,seed=0,top_k=1", "base___RAG,seed=0,top_k=3", "base___RAG,seed=1,top_k=1", "base___RAG,seed=1,top_k=3",
        ])
        let cell = sweep.cells[1]
        XCTAssertEqual(cell.variant, "DSF+RAG")
        XCTAssertEqual(cell.overrides, ["train.lm_source=\"dsf\"", "eval.mode=\"concat\"", "train.seed=0", "eval.top_k=3"])
        let config = try sweep.cellConfig(cell)
        XCTAssertNil(config.sweep)
        XCTAssertEqual(config.string("train.lm_source"), "dsf")
        XCTAssertEqual(config.int("eval.top_k"), 3)
        XCTAssertEqual(config.int("train.steps"), 5)
        // Applied exactly as --set would be.
        var viaSet = try ExperimentConfig.parse("[train]\nsteps = 5", file: "v.toml")
        try viaSet.apply(overrides: cell.overrides)
        XCTAssertEqual(config.resolvedJSON(), viaSet.resolvedJSON())
        XCTAssertEqual(try sweep.cellConfig(sweep.cells[4]).int("train.steps"), 0)
        // Nested tables name the same keys as quoted dotted ones; [sweep] name and --name win.
        let nested = try ExperimentConfig.parse("[sweep]\nname = \"n\"\n[sweep.grid.eval]\ntop_k = [1, 3]", file: "n.toml")
        XCTAssertEqual(try Sweep(config: nested, runsDirectory: URL(fileURLWithPath: "/tmp")).cells.map(\.name), ["top_k=1", "top_k=3"])
        XCTAssertEqual(try Sweep(config: nested, runsDirectory: URL(fileURLWithPath: "/tmp")).name, "n")
        XCTAssertEqual(try Sweep(config: nested, name: "other", runsDirectory: URL(fileURLWithPath: "/tmp")).name, "other")
        // Two axes with one short name keep their whole keys.
        let seeds = try ExperimentConfig.parse("[sweep]\ngrid = { \"data.seed\" = [1], \"train.seed\" = [2] }")
        XCTAssertEqual(seeds.sweep?.cells().map(\.name), ["data.seed=1,train.seed=2"])
    }

    /// A bad [sweep] names the key and how to fix it; `radit run` refuses a sweep file.
    func testBadSweepKeysNameTheKey() throws {
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.topk\" = [1, 3] }", file: "s.toml") }
            .contains("s.toml: [sweep] `eval.topk` is not a config key; did you mean `eval.top_k`?"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.top_k\" = [1, \"3\"] }", file: "s.toml") }
            .contains("`eval.top_k` must be an integer"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.top_k\" = 3 }", file: "s.toml") }
            .contains("[sweep] `sweep.grid.eval.top_k` must be an array"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.top_k\" = [] }") }.contains("is empty"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.top_k\" = [1, 1] }") }.contains("twice"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"train.raft_p\" = [0.5] }") }
            .contains("`train.raft_p` is no longer a key: use `train.oracle_share`"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\ngird = { \"eval.top_k\" = [1] }", file: "s.toml") }
            .contains("[sweep] `sweep.gird` is not a [sweep] key"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[sweep]\nname = \"x\"") }.contains("declares no cells"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[[sweep.variant]]\nset = { \"train.steps\" = 1 }") }
            .contains("`sweep.variant[0].name` is missing"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[[sweep.variant]]\nname = \"a\"\n[[sweep.variant]]\nname = \"a\"") }
            .contains("names \"a\" twice"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[[sweep.variant]]\nname = \"a\"\nset = { \"train.stepz\" = 1 }") }
            .contains("`train.stepz` is not a config key; did you mean `train.steps`?"))
        XCTAssertTrue(error {
            _ = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.top_k\" = [1] }\n[[sweep.variant]]\nname = \"a\"\nset = { \"eval.top_k\" = 2 }")
        }.contains("\"a\" sets `eval.top_k`, which is also a grid axis"))
        XCTAssertTrue(error { _ = try ExperimentConfig.parse("[[sweep.variant]]\nname = \"a/b\"\n[[sweep.variant]]\nname = \"a_b\"") }
            .contains("two cells the folder name \"a_b\""))
        // A value the grid types right but the rules refuse names the cell and the key.
        let c = try ExperimentConfig.parse("[sweep]\ngrid = { \"eval.top_k\" = [1, 0] }", file: "s.toml")
        let sweep = try Sweep(config: c, runsDirectory: Fixtures.temporaryDirectory("bad"))
        XCTAssertTrue(error { try sweep.validate(root: Fixtures.repoRoot, checkFiles: false) }
            .contains("sweep cell top_k=0: `eval.top_k` is 0; it must be ≥ 1"))
        // `radit run` on a sweep file says to use `radit sweep`.
        XCTAssertTrue(error { try c.validate(checkFiles: false) }.contains("s.toml declares a [sweep]: run its cells with `radit sweep s.toml`"))
        let dir = Fixtures.temporaryDirectory("refuse")
        XCTAssertTrue(error { _ = try ExperimentRun(create: dir.appendingPathComponent("r"), config: c, overrides: [], root: dir) }
            .contains("radit sweep"))
        XCTAssertTrue(error { _ = try Sweep(config: ExperimentConfig.parse("[train]\nsteps = 1", file: "p.toml"), runsDirectory: dir) }
            .contains("p.toml has no [sweep] section"))
    }

    /// Acceptance: a 3 × 3 grid × 2 seeds with the tiny models is stopped inside its fifth
    /// cell and run again: the four finished cells are skipped (their files untouched), the
    /// fifth resumes from its checkpoint, the rest run, and every cell ends bit-identical to
    /// an uninterrupted sweep; reuse of embeddings, LSR scores and base evaluations is counted.
    func testStoppedSweepResumesWithoutRerunningFinishedCells() throws {
        let dir = Fixtures.temporaryDirectory("sweep")
        let config = try ExperimentConfig.parse(Self.tinySweep, file: "grid.toml")

        // Uninterrupted.
        let full = try Sweep(config: config, runsDirectory: dir.appendingPathComponent("full"))
        XCTAssertEqual(full.cells.count, 18)
        XCTAssertEqual(full.cells.first?.name, "oracle_share=0.0,seed=0,top_k=1")
        let whole = try full.execute(backend: NativeBackend(runsDirectory: full.runsDirectory), root: dir)
        XCTAssertEqual(whole.ran, 18)
        XCTAssertEqual(whole.skipped, 0)
        XCTAssertFalse(whole.stopped)
        // Two seeds = two tiny document encoders: two corpora embedded, sixteen read back.
        XCTAssertEqual(whole.reuse.embeddings, 16)
        // The base LM scores the same first batch in every cell of a seed.
        XCTAssertGreaterThan(whole.reuse.lsrPairs, 0)
        // (base LM, base retriever) and base closed-book passes: computed once per
        // (seed, top_k), read back by the two other oracle shares. The tiny LM's LSR
        // targets are all flat (lsr_flat_share = 1), so R-ft leaves the retriever unchanged
        // (equal digests) and every cell's
        // (base LM, "R-ft" retriever) pass is the base pair's and is read back too.
        XCTAssertEqual(whole.reuse.evaluationPasses, 6 * 2 * 2 + 18)

        // Stopped during the fifth cell's first training step.
        let cut = try Sweep(config: config, runsDirectory: dir.appendingPathComponent("cut"))
        var cellIndex = -1
        let first = try cut.execute(backend: NativeBackend(runsDirectory: cut.runsDirectory), root: dir, progress: { e in
            if e.stage == .sweep { cellIndex = e.done }
            return cellIndex == 4 && e.stage == .lmFTAndRFT && e.done >= 1 ? .stop : .proceed
        })
        XCTAssertTrue(first.stopped)
        XCTAssertEqual(first.ran, 4)
        XCTAssertEqual(first.outcomes[4], .stopped)
        XCTAssertEqual(first.outcomes[5], .pending)
        XCTAssertEqual(try cut.state(of: cut.cells[4], root: dir), .partial)
        XCTAssertEqual(try cut.state(of: cut.cells[3], root: dir), .finished)
        XCTAssertEqual(try cut.state(of: cut.cells[5], root: dir), .new)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: cut.manifestFile)) as? [String: Any]
        XCTAssertEqual(manifest?["status"] as? String, "stopped")
        func fingerprint(_ cell: SweepCell) throws -> [Data] {
            try ["run.h5", "ckpt-00000002.h5"].map { try Data(contentsOf: cut.cellDirectory(cell).appendingPathComponent($0)) }
        }
        let before = try cut.cells[0..<4].map(fingerprint)

        let second = try cut.execute(backend: NativeBackend(runsDirectory: cut.runsDirectory), root: dir)
        XCTAssertFalse(second.stopped)
        XCTAssertEqual(second.skipped, 4, "finished cells are not run again")
        XCTAssertEqual(second.resumed, 1)
        XCTAssertEqual(second.ran, 13)
        XCTAssertEqual(Array(second.outcomes[0..<5]), [.skipped, .skipped, .skipped, .skipped, .resumed])
        XCTAssertEqual(try cut.cells[0..<4].map(fingerprint), before, "a finished cell's files are untouched")
        XCTAssertTrue(second.summary.contains("18 cells: 13 run, 4 skipped as finished, 1 resumed mid-run"), second.summary)

        for cell in full.cells {
            let seed = UInt64(try full.cellConfig(cell).int("train.seed"))
            try assertSameResults(full.cellDirectory(cell), cut.cellDirectory(cell), steps: 2, seed: seed, cell.name)
        }
        // cell.json, as `radit table` reads it, and the manifest.
        let cellJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: cut.cellDirectory(cut.cells[7]).appendingPathComponent("cell.json"))) as? [String: Any]
        XCTAssertEqual(cellJSON?["sweep"] as? String, "grid")
        XCTAssertEqual(cellJSON?["cell"] as? String, "oracle_share=0.5,seed=0,top_k=2")
        XCTAssertTrue(cellJSON?["variant"] is NSNull)
        let overrides = cellJSON?["overrides"] as? [String: Any]
        XCTAssertEqual(overrides?["eval.top_k"] as? Int, 2)
        XCTAssertEqual(overrides?["train.oracle_share"] as? Double, 0.5)
        XCTAssertEqual(overrides?["train.seed"] as? Int, 0)
        let read = try SweepManifest.readCell(cut.cellDirectory(cut.cells[7]).appendingPathComponent(SweepManifest.cellFileName))
        XCTAssertEqual(read.sweep, "grid")
        XCTAssertEqual(read.cell, cut.cells[7], "radit table reads back the planned cell, values typed by the schema")
        let done = try JSONSerialization.jsonObject(with: Data(contentsOf: cut.manifestFile)) as? [String: Any]
        XCTAssertEqual(done?["status"] as? String, "complete")
        XCTAssertEqual((done?["cells"] as? [[String: Any]])?.count, 18)
        XCTAssertEqual((done?["counts"] as? [String: Any])?["skipped_finished"] as? Int, 4)
        // A third call has nothing left to do.
        let third = try cut.execute(backend: NativeBackend(runsDirectory: cut.runsDirectory), root: dir)
        XCTAssertEqual(third.skipped, 18)

        // The dry run now estimates from the measured runs.
        let estimate = try SweepEstimate.make(full, root: dir)
        XCTAssertTrue(estimate.measured, estimate.basis)
        XCTAssertEqual(estimate.totalSeconds, 0, "every cell is finished")
        XCTAssertTrue(estimate.rows.allSatisfy { $0.state == .finished })
        let fresh = try Sweep(config: config, name: "again", runsDirectory: full.runsDirectory)
        let again = try SweepEstimate.make(fresh, root: dir)
        XCTAssertTrue(again.measured)
        XCTAssertGreaterThan(again.totalSeconds, 0)
        XCTAssertTrue(again.basis.hasPrefix("measured: median"), again.basis)

        // A changed sweep file does not silently reuse the old cells.
        var edited = try ExperimentConfig.parse(Self.tinySweep.replacingOccurrences(of: "lm_lr = 1e-3", with: "lm_lr = 2e-3"), file: "grid.toml")
        try edited.apply(overrides: [])
        let stale = try Sweep(config: edited, runsDirectory: cut.runsDirectory)
        XCTAssertTrue(error { _ = try stale.execute(backend: NativeBackend(runsDirectory: cut.runsDirectory), root: dir) }
            .contains("holds a run of a different config"))
    }

    /// The shared LSR cache counts a lookup as reuse only when an earlier cell stored it.
    func testScoreCacheCountsReuseOfEarlierEntries() {
        let cache = ScoreCache()
        let old = ScoreKey(checkpoint: "m", template: "t", question: "q", answer: "a", chunk: "c1")
        let new = ScoreKey(checkpoint: "m", template: "t", question: "q", answer: "a", chunk: "c2")
        cache.insert(AnswerLogProb(sum: -1, tokens: 1), for: old)
        XCTAssertNotNil(cache.lookup(old))
        XCTAssertEqual(cache.reusedHits, 0, "not counting before countReuse()")
        cache.countReuse()
        cache.insert(AnswerLogProb(sum: -2, tokens: 1), for: new)
        XCTAssertEqual(cache.lookup(old)?.sum, -1)
        XCTAssertEqual(cache.lookup(new)?.sum, -2)
        XCTAssertNil(cache.lookup(ScoreKey(hex: "absent")))
        XCTAssertEqual(cache.reusedHits, 1)
        cache.countReuse()
        XCTAssertEqual(cache.reusedHits, 0)
        _ = cache.lookup(new)
        XCTAssertEqual(cache.reusedHits, 1, "the previous cell's entry is reuse for the next")
    }

    /// Variants (a 0-step base and a trained one) run, with cell.json naming the variant.
    func testDryRunThenVariantsRun() throws {
        let dir = Fixtures.temporaryDirectory("variants")
        let text = Self.tinySweep.replacingOccurrences(
            of: "grid = { \"eval.top_k\" = [1, 2, 3], \"train.oracle_share\" = [0.0, 0.5, 1.0], \"train.seed\" = [0, 1] }",
            with: """
                [[sweep.variant]]
                name = "base"
                set = { "train.steps" = 0 }
                [[sweep.variant]]
                name = "tuned"
                """)
        let config = try ExperimentConfig.parse(text, file: "v.toml")
        let sweep = try Sweep(config: config, runsDirectory: dir.appendingPathComponent("runs"))
        let estimate = try SweepEstimate.make(sweep, root: dir)
        XCTAssertFalse(estimate.measured)
        XCTAssertTrue(estimate.basis.hasPrefix("ROUGH GUESS, nothing measured"), estimate.basis)
        XCTAssertEqual(estimate.rows.map(\.cell.name), ["base", "tuned"])
        XCTAssertEqual(estimate.rows.map(\.state), [.new, .new])
        XCTAssertEqual(estimate.rows[1].seconds, 4 * SweepEstimate.guessTiny, accuracy: 1e-12)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sweep.directory.path), "a dry run writes nothing")

        let report = try sweep.execute(backend: NativeBackend(runsDirectory: sweep.runsDirectory), root: dir)
        XCTAssertEqual(report.ran, 2)
        let json = try String(contentsOf: sweep.cellDirectory(sweep.cells[0]).appendingPathComponent("cell.json"), encoding: .utf8)
        XCTAssertEqual(json, "{\"sweep\": \"grid\", \"cell\": \"base\", \"variant\": \"base\", \"overrides\": {\"train.steps\": 0}}\n")
        XCTAssertEqual(try SweepManifest.readCell(sweep.cellDirectory(sweep.cells[0]).appendingPathComponent(SweepManifest.cellFileName)).cell,
                       sweep.cells[0])
        // The 0-step cell computes (base, base) and base closed-book once and reads them back
        // for its other three pairs and its "LM-ft" closed-book pass (4); the second cell
        // reads back the base passes (2) and, its retriever unchanged (all LSR targets
        // flat: equal digests), its (base LM, R-ft) pass (1).
        XCTAssertEqual(report.reuse.evaluationPasses, 7)
        let f = try StoreFile.open(sweep.cellDirectory(sweep.cells[0]).appendingPathComponent("run.h5"))
        defer { try? f.close() }
        let em = try f.read("/results/em", as: Double.self)
        XCTAssertEqual(em[0].bitPattern, em[3].bitPattern, "0 steps: the tuned pair is the base pair")

        // Run again: nothing to do; with --overwrite every cell runs from scratch, to the same results.
        XCTAssertEqual(try sweep.execute(backend: NativeBackend(runsDirectory: sweep.runsDirectory), root: dir).skipped, 2)
        let stray = sweep.cellDirectory(sweep.cells[1]).appendingPathComponent("stray.txt")
        try Data("old".utf8).write(to: stray)
        let redo = try sweep.execute(backend: NativeBackend(runsDirectory: sweep.runsDirectory), root: dir, overwrite: true)
        XCTAssertEqual(redo.ran, 2)
        XCTAssertEqual(redo.skipped, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray.path), "the old cell folder was replaced")
        let g = try StoreFile.open(sweep.cellDirectory(sweep.cells[0]).appendingPathComponent("run.h5"))
        defer { try? g.close() }
        XCTAssertEqual(try g.read("/results/em", as: Double.self).map(\.bitPattern), em.map(\.bitPattern))
    }
}
