import Foundation
import RaditExperiments
import RaditStore
import RaditTestSupport
import RaditTuning
import XCTest

/// Acceptance: `kill -9` of `radit run` at a random training step, then `radit run
/// --resume`, gives final parameters and metrics bit-identical to an uninterrupted run.
/// Runs the built binary on experiments/tiny.toml (tiny from-scratch models, seconds).
final class ResumeSubprocessTests: XCTestCase {
    let settings = ["train.steps=8", "train.checkpoint_every=2", "train.eval_every=4", "data.dev_limit=4",
                    "eval.table=false", "eval.max_tokens=2"]

    func testKillNineThenResumeIsBitIdentical() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("kill9")
        let config = Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml").path
        let sets = settings.flatMap { ["--set", $0] }
        try runToEnd(radit, ["run", config, "--runs-dir", "runs", "--name", "full"] + sets, in: dir)

        // Kill at a random step between 1 and 7 (seen as a progress line on stderr).
        let killAt = Int.random(in: 1...7)
        let (p, err, _) = try launch(radit, ["run", config, "--runs-dir", "runs", "--name", "cut"] + sets, in: dir)
        let killed = waitForStep(killAt, of: err) { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        XCTAssertTrue(killed, "the run finished before step \(killAt)")
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        try runToEnd(radit, ["run", "--resume", "runs/cut"], in: dir)

        try assertSameResults(dir.appendingPathComponent("runs/full"), dir.appendingPathComponent("runs/cut"),
                              steps: 8, seed: 7, "killed at step \(killAt)")
    }

    /// `make quickstart` re-runs into the same folder: `--overwrite` replaces the old run,
    /// without it a second run is refused (resume is the way to continue one).
    func testOverwriteReplacesAnExistingRun() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("overwrite")
        let config = Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml").path
        let sets = ["train.steps=2", "train.checkpoint_every=0", "train.eval_every=0", "data.dev_limit=2",
                    "eval.table=false", "eval.max_tokens=1"].flatMap { ["--set", $0] }
        let args = ["run", config, "--runs-dir", "runs", "--name", "again"] + sets
        try runToEnd(radit, args, in: dir)
        let (p, err, _) = try launch(radit, args, in: dir)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertNotEqual(p.terminationStatus, 0, "a second run into runs/again must be refused")
        XCTAssertTrue(message.contains("runs/again"), message)
        let stray = dir.appendingPathComponent("runs/again/stray.txt")
        try Data("old".utf8).write(to: stray)
        try runToEnd(radit, args + ["--overwrite"], in: dir)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray.path), "the old run folder was replaced")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs/again/run.h5").path))
    }
}
