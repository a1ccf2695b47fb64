import Foundation
import RaditData
import RaditBase
import RaditExperiments
import RaditStore
import RaditTestSupport
@testable import RaditTuning
import XCTest

/// Builds the toy KB and models from a config, deterministically (as the native backend must).
struct ToyBackend: ExperimentBackend {
    func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        let kb = ToyKB(entities: settings.data.entities, seed: settings.data.seed)
        let (lm, enc, index) = try toyModels(kb)
        let raft = settings.train.tuning.lmSource == .raft
            ? try RaftTraining.instances(settings, corpus: kb.corpus, train: kb.train) : []
        let data = ExperimentData(name: "toy", corpus: kb.corpus,
                                  splits: SplitQuestions(train: kb.train, dev: kb.dev, test: [], ownSplits: [.train, .dev], seed: 0))
        return ExperimentSetup(lm: lm, encoder: enc, index: index, data: data, raft: raft)
    }
}

/// The toy run every run test starts from (a test overrides what it exercises).
let toyRunTOML = """
        [data]
        entities = 16
        [train]
        steps = 12
        batch_size = 4
        candidates = 4
        lm_top_k = 2
        score_mode = "logprob"
        lm_temperature = 1.0
        lm_lr = 0.5
        retriever_lr = 0.3
        lr_schedule = "constant"
        oracle_share = 0.25
        checkpoint_every = 5
        eval_every = 4
        [eval]
        top_k = 2
        recall_at = [1, 2]
        """

final class ExperimentRunTests: XCTestCase {
    let toml = toyRunTOML
    static let toml = toyRunTOML

    func config() throws -> ExperimentConfig {
        var c = try ExperimentConfig.parse(Self.toml, file: "toy.toml")
        try c.apply(overrides: ["retriever.model=/", "lm.model=/"])
        return c
    }

    func testRunWritesFilesAndTable() throws {
        let dir = Fixtures.temporaryDirectory("run").appendingPathComponent("toy")
        let run = try ExperimentRun(create: dir, config: try config(), overrides: ["retriever.model=/", "lm.model=/"], root: dir)
        let results = try XCTUnwrap(try run.execute(backend: ToyBackend(), root: dir))
        XCTAssertEqual(run.metrics.count, 12)
        for name in ["run.h5", "base.h5", "best.h5", "lsr-cache.h5", "ckpt-00000012.h5", "ckpt-00000010.h5"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ckpt-00000005.h5").path), "pruned")
        XCTAssertNotNil(results.em[0][0])
        XCTAssertNotNil(results.em[1][1])
        XCTAssertEqual(results.predictions.count, ToyKB(entities: 16, seed: 0).dev.count)
        XCTAssertTrue(results.table().contains("| LM-ft |"))
        XCTAssertTrue(results.table().hasPrefix("dev, n = \(results.predictions.count) questions"), results.table())
        // run.h5 records which questions were in which split, and the chunks.
        let kb = ToyKB(entities: 16, seed: 0)
        let file = try StoreFile.open(dir.appendingPathComponent("run.h5"), expecting: .run, versions: RunFile.version...RunFile.version)
        XCTAssertEqual(try file.readStrings("/data/split/train"), kb.train.map(\.id))
        XCTAssertEqual(try file.readStrings("/data/split/dev"), kb.dev.map(\.id))
        XCTAssertEqual(try file.readStrings("/data/split/test"), [])
        XCTAssertEqual(try file.readStrings("/data/chunk_ids"), kb.corpus.chunks.map(\.id))
        XCTAssertEqual(try file.group("/results").attribute("split"), .string("dev"))
        try file.close()
        // A second run into the same folder is refused; resume is the way.
        XCTAssertThrowsError(try ExperimentRun(create: dir, config: try config(), overrides: [], root: dir))
    }

    /// Interrupt after step 7, lose everything after the step-5 checkpoint (as a crash
    /// would), resume: bit-identical parameters and metrics to an uninterrupted run.
    func testResumeAfterCrashIsBitIdentical() throws {
        let base = Fixtures.temporaryDirectory("resume-run")
        let full = base.appendingPathComponent("full")
        let fullRun = try ExperimentRun(create: full, config: try config(), overrides: [], root: full)
        let fullResults = try fullRun.execute(backend: ToyBackend(), root: full)

        let cut = base.appendingPathComponent("cut")
        let first = try ExperimentRun(create: cut, config: try config(), overrides: ["retriever.model=/", "lm.model=/"], root: cut)
        XCTAssertNil(try first.execute(backend: ToyBackend(), root: cut, progress: { $0.done >= 7 ? .stop : .proceed }))
        try FileManager.default.removeItem(at: cut.appendingPathComponent("ckpt-00000007.h5"))
        let resumed = try ExperimentRun(resume: cut, root: cut)
        let resumedResults = try resumed.execute(backend: ToyBackend(), root: cut)

        XCTAssertEqual(resumed.metrics.deterministicBits, fullRun.metrics.deterministicBits)
        let a = try CheckpointFile.read(full.appendingPathComponent("ckpt-00000012.h5"), seed: 0)
        let b = try CheckpointFile.read(cut.appendingPathComponent("ckpt-00000012.h5"), seed: 0)
        XCTAssertEqual(a.tensors.map { $0.tensor.scalars.map(\.bitPattern) }, b.tensors.map { $0.tensor.scalars.map(\.bitPattern) })
        XCTAssertEqual(a.state, b.state)
        XCTAssertEqual(fullResults?.em, resumedResults?.em)
        XCTAssertEqual(fullResults?.predictions, resumedResults?.predictions)
    }

    func testBadConfigFailsBeforeAnyWork() throws {
        let dir = Fixtures.temporaryDirectory("bad-run").appendingPathComponent("bad")
        var c = try config()
        try c.apply(overrides: ["train.lm_top_k=9"])
        XCTAssertThrowsError(try ExperimentRun(create: dir, config: c, overrides: [], root: dir)) { e in
            XCTAssertTrue("\(e)".contains("train.lm_top_k"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path), "nothing was created")
    }

    /// RAFT as the LM-ft data: P = 1 puts the gold chunk in every instance, P = 0 in none;
    /// each instance holds n distractors beside the gold (n + 1 without it).
    func testRaftInstancesFollowPAndN() throws {
        let kb = ToyKB(entities: 16, seed: 0)
        func instances(p: Double, n: Int) throws -> [[PromptAnswer]] {
            var c = try config()
            // The short answer (RAFT's CoT target is RaftRunTests'): the toy LM answers one word.
            try c.apply(overrides: ["train.lm_source=raft", "train.oracle_share=\(p)", "train.raft_distractors=\(n)",
                                    "train.raft_answer=short"])
            return try RaftTraining.instances(try c.settings(), corpus: kb.corpus, train: kb.train)
        }
        let format = try config().settings().lm.format
        for (p, n) in [(1.0, 2), (0.0, 3)] {
            let lists = try instances(p: p, n: n)
            XCTAssertEqual(lists.count, kb.train.count)
            for (e, list) in zip(kb.train, lists) {
                XCTAssertEqual(list.count, 1)
                let prompt = list[0].prompt
                let gold = kb.corpus.text(kb.corpus.goldPositions(e)[0])
                XCTAssertEqual(prompt.contains(gold + format.chunkSeparator) || prompt.contains(gold + "\n"), p == 1, "P = \(p): \(prompt)")
                let present = kb.corpus.indexedTexts.filter { prompt.contains($0 + format.chunkSeparator) || prompt.contains($0 + "\n") }.count
                XCTAssertEqual(present, n + 1, prompt)
                XCTAssertEqual(list[0].answer, format.completion(e.target))
            }
        }
        // Deterministic (resume relies on it), and P changes which instances hold the gold.
        XCTAssertEqual(try instances(p: 0.5, n: 2), try instances(p: 0.5, n: 2))
    }

    /// A whole run with RAFT instances as LM-ft data: it trains the LM (the loss is over the
    /// RAFT prompts) and still tunes the retriever by LSR.
    func testRunWithRaftInstances() throws {
        let dir = Fixtures.temporaryDirectory("raft-run").appendingPathComponent("raft")
        let sets = ["retriever.model=/", "lm.model=/", "train.lm_source=raft", "train.oracle_share=0.8", "train.raft_distractors=2",
                    "train.raft_answer=short", "eval.table=false", "train.eval_every=0"]
        var c = try ExperimentConfig.parse(toml, file: "toy.toml")
        try c.apply(overrides: sets)
        let run = try ExperimentRun(create: dir, config: c, overrides: sets, root: dir)
        let results = try XCTUnwrap(try run.execute(backend: ToyBackend(), root: dir))
        XCTAssertEqual(run.metrics.count, 12)
        XCTAssertFalse(run.metrics.series["lm_loss"]!.contains { $0.isNaN })
        XCTAssertNotNil(results.em[1][1])
    }

    func testRaftNeedsPInRange() throws {
        let dir = Fixtures.temporaryDirectory("raft-bad").appendingPathComponent("bad")
        // The toy file sets the oracle share; RAFT must have it chosen explicitly.
        let withoutP = Self.toml.replacingOccurrences(of: "oracle_share = 0.25\n", with: "")
        for (sets, key) in [(["train.lm_source=raft", "train.raft_distractors=2"], "`train.oracle_share` must be set"),
                            (["train.lm_source=raft", "train.oracle_share=1.5", "train.raft_distractors=2"], "`train.oracle_share` P = 1.5 is outside [0, 1]"),
                            (["train.lm_source=raft", "train.oracle_share=-0.2", "train.raft_distractors=2"], "`train.oracle_share` P = -0.2"),
                            (["train.lm_source=raft", "train.oracle_share=0.5"], "`train.raft_distractors` is required")] {
            var c = try ExperimentConfig.parse(withoutP, file: "toy.toml")
            try c.apply(overrides: ["retriever.model=/", "lm.model=/"])
            try c.apply(overrides: sets)
            XCTAssertThrowsError(try ExperimentRun(create: dir, config: c, overrides: [], root: dir)) { e in
                XCTAssertTrue("\(e)".contains(key), "\(e)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path), "nothing was created")
    }
}
