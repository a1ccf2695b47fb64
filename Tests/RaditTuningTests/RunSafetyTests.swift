import Foundation
import RaditBase
import RaditExperiments
import RaditTestSupport
@testable import RaditTuning
import XCTest

/// One writer per run folder; `--overwrite` never loses the previous run before the new
/// one has really started.
final class RunSafetyTests: XCTestCase {
    let toml = """
        [data]
        entities = 16
        [train]
        steps = 4
        batch_size = 4
        candidates = 4
        lm_top_k = 2
        checkpoint_every = 2
        eval_every = 0
        [eval]
        top_k = 2
        recall_at = [1]
        """

    /// Stored with the run, so `--resume` rebuilds the same toy models.
    let overrides = ["retriever.model=/", "lm.model=/"]

    func config() throws -> ExperimentConfig {
        var c = try ExperimentConfig.parse(toml, file: "toy.toml")
        try c.apply(overrides: overrides)
        return c
    }

    /// Every file of a folder with its bytes, to prove nothing changed.
    func contents(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    func testASecondWriterIsRefusedNamingTheHolder() throws {
        let dir = Fixtures.temporaryDirectory("lock").appendingPathComponent("toy")
        let first = try ExperimentRun(create: dir, config: try config(), overrides: overrides, root: dir)
        XCTAssertThrowsError(try ExperimentRun(create: dir, config: try config(), overrides: overrides, root: dir)) { error in
            XCTAssertEqual(error as? RunError, .locked(directory: dir.path, pid: getpid(),
                                                       lockFile: dir.path + ".lock"))
            XCTAssertTrue("\(error)".contains("process \(getpid())"), "\(error)")
        }
        XCTAssertNotNil(try first.execute(backend: ToyBackend(), root: dir))
        // Released when the run is done: the lock file is gone and resuming is allowed.
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + ".lock"))
        XCTAssertNoThrow(try ExperimentRun(resume: dir, root: dir))
    }

    /// A lock file left by a process that died (kill -9) is stale: taken over, and said so.
    func testAStaleLockIsTakenOver() throws {
        let dir = Fixtures.temporaryDirectory("stale-lock").appendingPathComponent("toy")
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        try Data("\(dead.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: dir.path + ".lock"))
        let run = try ExperimentRun(create: dir, config: try config(), overrides: overrides, root: dir)
        XCTAssertEqual(run.lock?.staleHolder, dead.processIdentifier)
        XCTAssertEqual(try String(contentsOfFile: dir.path + ".lock", encoding: .utf8), "\(getpid())\n")
    }

    struct BrokenModel: ExperimentBackend {
        struct Corrupt: Error {}
        func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
            throw Corrupt()
        }
    }

    func testOverwriteWithABrokenModelKeepsThePreviousRun() throws {
        let dir = Fixtures.temporaryDirectory("overwrite-safe").appendingPathComponent("toy")
        XCTAssertNotNil(try ExperimentRun(create: dir, config: try config(), overrides: overrides, root: dir)
            .execute(backend: ToyBackend(), root: dir))
        let before = try contents(dir)
        XCTAssertTrue(before.keys.contains("run.h5"))
        let replacing = try ExperimentRun(create: dir, config: try config(), overrides: overrides, root: dir, replacing: true)
        XCTAssertThrowsError(try replacing.execute(backend: BrokenModel(), root: dir)) { XCTAssertTrue($0 is BrokenModel.Corrupt) }
        XCTAssertEqual(try contents(dir), before, "the previous run must be intact")
        let parent = dir.deletingLastPathComponent()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["toy"], "nothing left aside")

        // A working replacement: the old run is gone once the new one has started.
        var sawOldDuringBuild = false
        struct Watching: ExperimentBackend {
            let check: () -> Void
            func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
                check()
                return try ToyBackend().build(settings, root: root, progress: progress)
            }
        }
        let aside = parent.appendingPathComponent(".toy.replaced-\(getpid())")
        let again = try ExperimentRun(create: dir, config: try config(), overrides: overrides, root: dir, replacing: true)
        XCTAssertNotNil(try again.execute(backend: Watching { sawOldDuringBuild = FileManager.default.fileExists(atPath: aside.path) }, root: dir))
        XCTAssertTrue(sawOldDuringBuild, "the old run is kept aside while the new one loads")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["toy"])
        XCTAssertNotEqual(try contents(dir)["run.h5"], before["run.h5"])
    }

    /// A stop request (what SIGTERM becomes) finishes the step, writes its checkpoint and
    /// returns nil; resuming gives the uninterrupted result.
    func testStopWritesACheckpointAtTheCurrentStep() throws {
        let base = Fixtures.temporaryDirectory("stop-run")
        let cut = base.appendingPathComponent("cut")
        let run = try ExperimentRun(create: cut, config: try config(), overrides: overrides, root: cut)
        XCTAssertNil(try run.execute(backend: ToyBackend(), root: cut, progress: { $0.stage.rawValue.contains("ft") && $0.done >= 3 ? .stop : .proceed }))
        XCTAssertEqual(run.checkpoints().last?.step, 3)
        let resumed = try ExperimentRun(resume: cut, root: cut)
        XCTAssertNotNil(try resumed.execute(backend: ToyBackend(), root: cut))
        let full = base.appendingPathComponent("full")
        let whole = try ExperimentRun(create: full, config: try config(), overrides: overrides, root: full)
        XCTAssertNotNil(try whole.execute(backend: ToyBackend(), root: full))
        XCTAssertEqual(resumed.metrics.deterministicBits, whole.metrics.deterministicBits)
    }
}
