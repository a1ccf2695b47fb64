import Foundation
import RaditBase
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

    /// `tinySweep` with its grid replaced by `sweep` (variants, or another grid).
    static func tinySweep(replacingGridWith sweep: String) -> String {
        tinySweep.replacingOccurrences(
            of: "grid = { \"eval.top_k\" = [1, 2, 3], \"train.oracle_share\" = [0.0, 0.5, 1.0], \"train.seed\" = [0, 1] }", with: sweep)
    }

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

    /// Which cells share training as planned: equal resolved keys outside [eval] (the first
    /// such cell trains); [eval] counts too when dev evaluations during training pick
    /// best.h5; data and split keys, and keys that only look harmless, keep cells apart; a
    /// 0-step cell trains nothing to share.
    func testPlannedTrainingSourcesLeaveOutOnlyEvalKeys() throws {
        func sources(_ text: String) throws -> [Int?] {
            let sweep = try Sweep(config: ExperimentConfig.parse(text, file: "p.toml"), runsDirectory: URL(fileURLWithPath: "/tmp"))
            return sweep.cells.map { c in sweep.plannedTrainingSource(of: c).flatMap { sweep.cells.firstIndex(of: $0) } }
        }
        let grid = "[sweep]\ngrid = { \"train.seed\" = [0, 1], \"eval.top_k\" = [1, 3], \"eval.mode\" = [\"rerank\", \"closed_book\"] }"
        XCTAssertEqual(try sources(grid), [nil, 0, 0, 0, nil, 4, 4, 4])
        XCTAssertEqual(try sources("[train]\neval_every = 5\n" + grid), Array(repeating: nil, count: 8))
        XCTAssertEqual(try sources("[sweep]\ngrid = { \"data.test_limit\" = [0, 10], \"eval.recall_at\" = [[1], [1, 5]] }"), [nil, 0, nil, 2])
        XCTAssertEqual(try sources("[sweep]\ngrid = { \"lm.scoring_batch\" = [4, 8] }"), [nil, nil])
        XCTAssertEqual(try sources("""
            [[sweep.variant]]
            name = "base"
            set = { "train.steps" = 0 }
            [[sweep.variant]]
            name = "base closed-book"
            set = { "train.steps" = 0, "eval.mode" = "closed_book" }
            [[sweep.variant]]
            name = "tuned"
            [[sweep.variant]]
            name = "tuned closed-book"
            set = { "eval.mode" = "closed_book" }
            """), [nil, nil, nil, 2])
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
        // Untrained passes: (base LM, base retriever) computed once per (seed, top_k), read
        // back by the two other oracle shares; base closed-book reads no top_k, so once per
        // seed. The tiny LM's LSR targets are all flat (lsr_flat_share = 1), so R-ft leaves
        // the retriever unchanged (equal digests) and every cell's (base LM, "R-ft") pass is
        // the base pair's: 3 × 18 passes, 6 + 2 computed. Trained passes: each cell's
        // (LM-ft, "R-ft") pass is its (LM-ft, base) pass (18), and the 12 cells that adopt an
        // earlier cell's LM read its LM-ft closed-book pass back (12). Seed 0's oracle shares
        // 0.0 and 0.5 train the same LM (no draw of P put a gold chunk into a context that
        // lacked one; /provenance lm_digest equal), so share 0.5's three (LM-ft, base)
        // passes and its LM-ft closed-book pass are share 0.0's (4).
        XCTAssertEqual(whole.reuse.evaluationPasses, 3 * 18 - (6 + 2) + 18 + 12 + 4)

        // Cells that differ only in eval.top_k train once: the first top_k of each
        // (oracle share, seed) trains, the other two evaluate its trained models.
        XCTAssertEqual(whole.reuse.trainedModels, 12)
        XCTAssertEqual(whole.trainingFrom.compactMap { $0 }.count, 12)
        XCTAssertEqual(whole.trainingFrom[4], "oracle_share=0.0,seed=1,top_k=1")
        XCTAssertNil(whole.trainingFrom[3])

        // Stopped during the fourth cell's first training step.
        let cut = try Sweep(config: config, runsDirectory: dir.appendingPathComponent("cut"))
        var cellIndex = -1
        let first = try cut.execute(backend: NativeBackend(runsDirectory: cut.runsDirectory), root: dir, progress: { e in
            if e.stage == .sweep { cellIndex = e.done }
            return cellIndex == 3 && e.stage == .lmFTAndRFT && e.done >= 1 ? .stop : .proceed
        })
        XCTAssertTrue(first.stopped)
        XCTAssertEqual(first.ran, 3)
        XCTAssertEqual(first.reuse.trainedModels, 2)
        XCTAssertEqual(first.outcomes[3], .stopped)
        XCTAssertEqual(first.outcomes[4], .pending)
        XCTAssertEqual(try cut.state(of: cut.cells[3], root: dir), .partial)
        XCTAssertEqual(try cut.state(of: cut.cells[2], root: dir), .finished)
        XCTAssertEqual(try cut.state(of: cut.cells[4], root: dir), .new)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: cut.manifestFile)) as? [String: Any]
        XCTAssertEqual(manifest?["status"] as? String, "stopped")
        func fingerprint(_ cell: SweepCell) throws -> [Data] {
            let names = try FileManager.default.contentsOfDirectory(atPath: cut.cellDirectory(cell).path)
                .filter { $0 == "run.h5" || $0.hasPrefix("ckpt-") }.sorted()
            return try names.map { try Data(contentsOf: cut.cellDirectory(cell).appendingPathComponent($0)) }
        }
        let before = try cut.cells[0..<3].map(fingerprint)

        let second = try cut.execute(backend: NativeBackend(runsDirectory: cut.runsDirectory), root: dir)
        XCTAssertFalse(second.stopped)
        XCTAssertEqual(second.skipped, 3, "finished cells are not run again")
        XCTAssertEqual(second.resumed, 1)
        XCTAssertEqual(second.ran, 14)
        XCTAssertEqual(second.reuse.trainedModels, 10)
        XCTAssertEqual(Array(second.outcomes[0..<5]), [.skipped, .skipped, .skipped, .resumed, .ran])
        XCTAssertEqual(try cut.cells[0..<3].map(fingerprint), before, "a finished cell's files are untouched")
        XCTAssertTrue(second.summary.contains("18 cells: 14 run, 3 skipped as finished, 1 resumed mid-run"), second.summary)
        XCTAssertTrue(second.summary.contains("earlier cells' trained models 10×"), second.summary)

        for (i, cell) in full.cells.enumerated() {
            let seed = UInt64(try full.cellConfig(cell).int("train.seed"))
            // A cell reusing training holds the adopted parameters as its 0-step checkpoint.
            try assertSameResults(full.cellDirectory(cell), cut.cellDirectory(cell), steps: i % 3 == 0 ? 2 : 0, seed: seed, cell.name)
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
        XCTAssertEqual(cellJSON?["training_from"] as? String, "oracle_share=0.5,seed=0,top_k=1")
        let read = try SweepManifest.readCell(cut.cellDirectory(cut.cells[7]).appendingPathComponent(SweepManifest.cellFileName))
        XCTAssertEqual(read.sweep, "grid")
        XCTAssertEqual(read.cell, cut.cells[7], "radit table reads back the planned cell, values typed by the schema")
        let done = try JSONSerialization.jsonObject(with: Data(contentsOf: cut.manifestFile)) as? [String: Any]
        XCTAssertEqual(done?["status"] as? String, "complete")
        XCTAssertEqual((done?["cells"] as? [[String: Any]])?.count, 18)
        XCTAssertEqual((done?["counts"] as? [String: Any])?["skipped_finished"] as? Int, 3)
        XCTAssertEqual((done?["reuse"] as? [String: Any])?["trained_models"] as? Int, 10)
        XCTAssertEqual(((done?["cells"] as? [[String: Any]])?[4])?["training_from"] as? String, "oracle_share=0.0,seed=1,top_k=1")
        XCTAssertNil(((done?["cells"] as? [[String: Any]])?[3])?["training_from"])
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
        let text = Self.tinySweep(replacingGridWith: """
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
        // flat: equal digests), its (base LM, R-ft) pass (1) and its (LM-ft, R-ft) pass,
        // which is its (LM-ft, base) pass (1).
        XCTAssertEqual(report.reuse.evaluationPasses, 8)
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

    /// Cells that differ only in [eval] keys train once (issue 13 §1): the later ones run 0
    /// steps on the first one's trained LM and retriever (equal parameter digests), give the
    /// numbers a separately trained identical run gives, say so in run.h5, cell.json and
    /// sweep.json, are counted, are listed as such by the dry run, and never train, even
    /// when stopped and resumed; while the first is unfinished nothing is adopted from it.
    func testCellsDifferingOnlyInEvalKeysTrainOnce() throws {
        let dir = Fixtures.temporaryDirectory("share-training")
        let text = Self.tinySweep(replacingGridWith: """
                [[sweep.variant]]
                name = "RAG"
                [[sweep.variant]]
                name = "closed"
                set = { "eval.mode" = "closed_book" }
                [[sweep.variant]]
                name = "recall"
                set = { "eval.recall_at" = [1, 2] }
                [[sweep.variant]]
                name = "lr"
                set = { "train.lm_lr" = 2e-3 }
                """)
        let config = try ExperimentConfig.parse(text, file: "share.toml")
        let sweep = try Sweep(config: config, runsDirectory: dir.appendingPathComponent("runs"))
        let cells = sweep.cells
        XCTAssertEqual(cells.map(\.name), ["RAG", "closed", "recall", "lr"])
        XCTAssertEqual(cells.map { sweep.plannedTrainingSource(of: $0)?.name }, [nil, "RAG", "RAG", nil])

        // The dry run lists the reuse and estimates no training for those cells.
        let estimate = try SweepEstimate.make(sweep, root: dir)
        XCTAssertEqual(estimate.rows.map { $0.trainingFrom?.name }, [nil, "RAG", "RAG", nil])
        XCTAssertEqual(estimate.rows.map(\.questionSteps), [4, 0, 0, 4])
        XCTAssertEqual(estimate.rows[1].seconds, SweepEstimate.guessTiny, accuracy: 1e-12)
        XCTAssertTrue(estimate.basis.contains("2 cell(s) evaluate an earlier cell's trained models"), estimate.basis)

        var cellIndex = -1
        var stages: [Int: Set<String>] = [:]
        func watch(stopIf stop: @escaping (ProgressEvent) -> Bool) -> ProgressHandler {
            { e in
                if e.stage == .sweep { cellIndex = e.done } else { stages[cellIndex, default: []].insert(e.stage.rawValue) }
                return stop(e) ? .stop : .proceed
            }
        }
        let backend = NativeBackend(runsDirectory: sweep.runsDirectory)
        // 1. Stopped while the source trains: the later cell must not adopt a run in progress.
        let a = try sweep.execute(backend: backend, root: dir, progress: watch { cellIndex == 0 && $0.stage == .lmFTAndRFT && $0.done >= 1 })
        XCTAssertEqual(a.outcomes, [.stopped, .pending, .pending, .pending])
        XCTAssertEqual(try sweep.state(of: cells[0], root: dir), .partial)
        XCTAssertNil(try sweep.availableTrainingSource(of: cells[1], root: dir), "an unfinished source is never read")
        // 2. Stopped during the first evaluation pass of the cell that reuses the training.
        let b = try sweep.execute(backend: backend, root: dir, progress: watch { cellIndex == 1 && $0.stage.rawValue.hasPrefix("eval ") })
        XCTAssertEqual(b.outcomes, [.resumed, .stopped, .pending, .pending])
        XCTAssertEqual(b.reuse.trainedModels, 0, "counted once the cell finishes")
        let stopped = try sweep.stored(cells[1], root: dir)
        XCTAssertEqual(stopped.state, .partial)
        XCTAssertEqual(stopped.trainingFrom, cells[0], "the stopped run is the reuse run")
        // 3. Resumed: it still does not train.
        let c = try sweep.execute(backend: backend, root: dir, progress: watch { _ in false })
        XCTAssertEqual(c.outcomes, [.skipped, .resumed, .ran, .ran])
        XCTAssertEqual(c.reuse.trainedModels, 2)
        XCTAssertEqual(c.trainingFrom, [nil, "RAG", "RAG", nil])
        XCTAssertTrue(c.summary.contains("earlier cells' trained models 2×"), c.summary)
        // Passes read back in this call (RAG's were computed in an earlier one): each cell's
        // (base LM, R-ft) pass is its (base, base) pass and its (LM-ft, R-ft) pass its
        // (LM-ft, base) pass (the tiny LM's flat LSR targets leave the retriever unchanged)
        // (3 + 3); closed's answers (eval.mode = closed_book) are registered as its base and
        // LM-ft closed-book passes, which recall reads back (2); and lr's base closed-book
        // pass is closed's: *.from_run is not part of the pass key, the parameters are (1).
        XCTAssertEqual(c.reuse.evaluationPasses, 3 + 3 + 2 + 1)
        XCTAssertTrue(stages[0, default: []].contains(ProgressStage.lmFTAndRFT.rawValue))
        XCTAssertTrue(stages[3, default: []].contains(ProgressStage.lmFTAndRFT.rawValue), "a training key that differs trains")
        for i in [1, 2] {
            XCTAssertFalse(stages[i, default: []].contains(ProgressStage.lmFTAndRFT.rawValue), "\(cells[i].name) trained")
            XCTAssertTrue(stages[i, default: []].contains { $0.hasPrefix("eval ") }, "\(cells[i].name) was evaluated")
        }

        // The parameters evaluated are the source's trained ones, and run.h5 says where they came from.
        let folders = cells.map(sweep.cellDirectory)
        let p = try folders.map { try RunFile.readProvenance($0.appendingPathComponent("run.h5")) }
        for i in [1, 2] {
            for component in ["lm", "retriever"] {
                XCTAssertEqual(p[i]["\(component)_digest"], p[0]["\(component)_digest"], "\(cells[i].name) \(component)")
                XCTAssertEqual(p[i]["\(component)_source_digest"], p[0]["\(component)_digest"])
                XCTAssertEqual(p[i]["\(component)_from_run"], folders[0].appendingPathComponent("ckpt-00000002.h5").path)
                XCTAssertEqual(p[i]["\(component)_source_metrics"], folders[0].appendingPathComponent("run.h5").path)
            }
            let stored = try RunFile.readConfig(folders[i].appendingPathComponent("run.h5"))
            XCTAssertEqual(Array(stored.overrides.suffix(3)),
                           ["train.steps=0", "lm.from_run=\"runs/grid/RAG\"", "retriever.from_run=\"runs/grid/RAG\""])
            let f = try StoreFile.open(folders[i].appendingPathComponent("run.h5"))
            XCTAssertEqual(try f.read("/metrics/step", as: Double.self).count, 0, "no training metrics of its own")
            try f.close()
            let cellJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: folders[i].appendingPathComponent("cell.json"))) as? [String: Any]
            XCTAssertEqual(cellJSON?["training_from"] as? String, "RAG")
        }
        XCTAssertNil(p[0]["lm_from_run"], "the source trained itself")
        XCTAssertNotEqual(p[3]["lm_digest"], p[0]["lm_digest"], "the digests tell trainings apart")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: sweep.manifestFile)) as? [String: Any]
        XCTAssertEqual((manifest?["reuse"] as? [String: Any])?["trained_models"] as? Int, 2)

        // Same parameters, same numbers.
        func numbers(_ run: URL) throws -> [UInt64] {
            let f = try StoreFile.open(run.appendingPathComponent("run.h5"))
            defer { try? f.close() }
            return try (f.read("/results/em", as: Double.self) + f.read("/results/f1", as: Double.self)
                + f.read("/results/closed_book_em", as: Double.self)).map(\.bitPattern)
        }
        XCTAssertEqual(try numbers(folders[2]), try numbers(folders[0]), "only eval.recall_at differs: every EM and F1 equal")
        func predictions(_ run: URL, _ pass: String) throws -> [String] {
            try XCTUnwrap(RunFile.readPasses(run.appendingPathComponent("run.h5")).first { $0.name == pass }).records.records.map(\.prediction)
        }
        XCTAssertEqual(try predictions(folders[1], "LM-ft+R-ft"), try predictions(folders[0], "LM-ft+closed-book"),
                       "closed-book with the trained LM answers as the source's LM-ft closed-book pass")
        // A separately trained run of the closed-book cell's config gives its digests and numbers.
        let alone = dir.appendingPathComponent("alone/closed")
        let run = try ExperimentRun(create: alone, config: sweep.cellConfig(cells[1]), overrides: sweep.runOverrides(cells[1]), root: dir)
        XCTAssertNotNil(try run.execute(backend: NativeBackend(runsDirectory: alone.deletingLastPathComponent()), root: dir))
        let q = try RunFile.readProvenance(alone.appendingPathComponent("run.h5"))
        XCTAssertEqual(q["lm_digest"], p[1]["lm_digest"])
        XCTAssertEqual(q["retriever_digest"], p[1]["retriever_digest"])
        XCTAssertEqual(try numbers(alone), try numbers(folders[1]))

        // `radit report` says where a reusing cell's training curves are.
        let page = RunReport(try RunCollection(paths: [sweep.directory])).build()
        XCTAssertTrue(page.summary.contains("closed trained nothing itself: it evaluates the LM of runs/grid/RAG and the retriever of runs/grid/RAG (the training curves are in that run's run.h5)."),
                      page.summary.joined(separator: "\n"))
        XCTAssertFalse(page.summary.contains { $0.hasPrefix("RAG trained nothing") || $0.hasPrefix("lr trained nothing") })

        // Nothing left: a finished reuse cell is recognised as this cell's run.
        let d = try sweep.execute(backend: backend, root: dir)
        XCTAssertEqual(d.skipped, 4)
        XCTAssertEqual(d.reuse.trainedModels, 0)
        XCTAssertEqual(d.trainingFrom, [nil, "RAG", "RAG", nil])
        XCTAssertEqual(try SweepEstimate.make(sweep, root: dir).rows.map { $0.trainingFrom?.name }, [nil, "RAG", "RAG", nil])
    }

    /// A pass's key hashes only the inference options its mode reads: closed-book passes of a
    /// top-k grid share one key, concat ignores p_R's temperature, rerank reads both.
    func testEvaluationPassKeyHashesOnlyTheOptionsTheModeReads() {
        func read(_ mode: InferenceMode, k: Int, temperature: Double) -> InferenceOptions {
            EvaluationPassKey.optionsRead(InferenceOptions(mode: mode, k: k, temperature: temperature, maxTokens: 16))
        }
        XCTAssertEqual(read(.closedBook, k: 3, temperature: 0.1), read(.closedBook, k: 10, temperature: 1))
        XCTAssertEqual(read(.oracle, k: 3, temperature: 0.1), read(.oracle, k: 5, temperature: 0.1))
        XCTAssertEqual(read(.concat, k: 3, temperature: 0.1), read(.concat, k: 3, temperature: 1))
        XCTAssertNotEqual(read(.concat, k: 3, temperature: 0.1), read(.concat, k: 5, temperature: 0.1))
        XCTAssertNotEqual(read(.rerank, k: 3, temperature: 0.1), read(.rerank, k: 3, temperature: 1))
        XCTAssertNotEqual(read(.replug, k: 3, temperature: 0.1), read(.replug, k: 4, temperature: 0.1))
        XCTAssertNotEqual(read(.closedBook, k: 3, temperature: 0.1).maxTokens, 0, "max_tokens is read by every mode")
    }
}
