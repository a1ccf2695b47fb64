import Foundation
import RaditBase
import RaditData
import RaditExperiments
import RaditTestSupport
@testable import RaditTuning
import XCTest


/// RA-DIT Table 6 rows from independently trained components (issue 12 §3): a run takes
/// its LM from one run (`lm.from_run`) and its retriever from another
/// (`retriever.from_run`) and evaluates exactly those parameters.
final class ComponentSourceTests: XCTestCase {
    func run(_ dir: URL, _ overrides: [String]) throws -> (RunResults, [String: String]) {
        let all = ["retriever.model=/", "lm.model=/", "train.steps=6", "train.checkpoint_every=0", "train.eval_every=0"] + overrides
        var c = try ExperimentConfig.parse(toyRunTOML, file: "toy.toml")
        try c.apply(overrides: all)
        let run = try ExperimentRun(create: dir, config: c, overrides: all, root: dir)
        // A refused run throws from `execute` itself (XCTUnwrap would record its error as a failure).
        let finished = try run.execute(backend: ToyBackend(), root: dir)
        return (try XCTUnwrap(finished), try RunFile.readProvenance(dir.appendingPathComponent("run.h5")))
    }

    func testRowFromTwoRunsEvaluatesTheirExactParameters() throws {
        let root = Fixtures.temporaryDirectory("from-run")
        let lmRun = root.appendingPathComponent("ra-it")
        let rRun = root.appendingPathComponent("r-ft")
        let (a, pa) = try run(lmRun, ["train.schedule=lm_only"])
        let (b, pb) = try run(rRun, ["train.schedule=retriever_only"])
        let (c, pc) = try run(root.appendingPathComponent("ra-dit"),
                              ["train.steps=0", "lm.from_run=\"\(lmRun.path)\"", "retriever.from_run=\"\(rRun.path)\""])
        // The digests: the combined run evaluated the LM-ft run's LM and the R-ft run's retriever.
        XCTAssertEqual(pc["lm_source_digest"], pa["lm_digest"])
        XCTAssertEqual(pc["lm_digest"], pa["lm_digest"])
        XCTAssertEqual(pc["retriever_source_digest"], pb["retriever_digest"])
        XCTAssertEqual(pc["retriever_digest"], pb["retriever_digest"])
        XCTAssertEqual(pc["lm_from_run"], lmRun.appendingPathComponent("ckpt-00000006.h5").path)
        // Not vacuous: each source run changed only its own component.
        XCTAssertNotEqual(pa["lm_digest"], pb["lm_digest"])
        XCTAssertNotEqual(pa["retriever_digest"], pb["retriever_digest"])
        for p in [pa, pb, pc] {
            for key in ["config_digest", "data_digest", "lm_model_digest", "retriever_model_digest"] {
                XCTAssertFalse((p[key] ?? "").isEmpty, key)
            }
        }
        XCTAssertEqual(pa["data_digest"], pc["data_digest"])
        XCTAssertNotEqual(pa["config_digest"], pc["config_digest"])
        // Same parameters, same numbers: the tuned LM with the base retriever scores as in
        // the LM-ft run, the base LM with the tuned retriever as in the R-ft run.
        XCTAssertEqual(c.em[1][0], a.em[1][0])
        XCTAssertEqual(c.f1[1][0], a.f1[1][0])
        XCTAssertEqual(c.em[0][1], b.em[0][1])
        XCTAssertEqual(c.recall[1], b.recall[1])
        XCTAssertEqual(c.closedBookEM[1], a.closedBookEM[1])
    }

    func testSourceWithoutCheckpointIsRefusedNamingTheKey() throws {
        let root = Fixtures.temporaryDirectory("from-run-empty")
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try run(root.appendingPathComponent("x"), ["lm.from_run=\"\(empty.path)\""])) { e in
            XCTAssertEqual(e as? RunError, .noSourceCheckpoint(key: "lm.from_run", directory: empty.path))
        }
        XCTAssertThrowsError(try run(root.appendingPathComponent("y"), ["retriever.from_run=\"\(root.path)/absent\""])) { e in
            XCTAssertTrue("\(e)".contains("retriever.from_run"), "\(e)")
        }
    }
}

/// The toy data with its dev questions split in two: dev for selection, test for results.
struct ToyTestSplitBackend: ExperimentBackend {
    func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        var s = try ToyBackend().build(settings, root: root, progress: progress)
        let dev = s.data.splits.dev
        let half = dev.count / 2
        s.data.splits = SplitQuestions(train: s.data.splits.train, dev: Array(dev[..<half]), test: Array(dev[half...]),
                                       ownSplits: [.train, .dev, .test], seed: 0)
        return s
    }
}

/// Issue 12 §8: results on test when the data has one, checkpoints chosen on dev, n stated,
/// digests recorded.
final class ReportedSplitTests: XCTestCase {
    func testResultsOnTestSelectionOnDevWithNAndDigests() throws {
        let dir = Fixtures.temporaryDirectory("reported").appendingPathComponent("run")
        let sets = ["retriever.model=/", "lm.model=/", "train.steps=6", "train.eval_every=3", "train.checkpoint_every=0"]
        var c = try ExperimentConfig.parse(toyRunTOML, file: "toy.toml")
        try c.apply(overrides: sets)
        let run = try ExperimentRun(create: dir, config: c, overrides: sets, root: dir)
        let results = try XCTUnwrap(try run.execute(backend: ToyTestSplitBackend(), root: dir))
        let kb = ToyKB(entities: 16, seed: 0)
        let test = kb.dev.count - kb.dev.count / 2
        XCTAssertEqual(results.split, .test)
        XCTAssertEqual(results.questions, test)
        XCTAssertEqual(results.predictions.count, test)
        XCTAssertEqual(Set(results.predictions.map(\.id)), Set(kb.dev[(kb.dev.count / 2)...].map(\.id)))
        XCTAssertTrue(results.table().hasPrefix("test, n = \(test) questions"), results.table())
        // Dev was evaluated at steps 3 and 6 (best.h5 chosen there), never test.
        let devEM = run.metrics.series["dev_em"]!
        XCTAssertEqual(devEM.indices.filter { !devEM[$0].isNaN }, [2, 5])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("best.h5").path))
        let p = try RunFile.readProvenance(dir.appendingPathComponent("run.h5"))
        for key in ["config_digest", "data_digest", "lm_model_digest", "retriever_model_digest", "lm_digest", "retriever_digest"] {
            XCTAssertFalse((p[key] ?? "").isEmpty, key)
        }
    }
}
