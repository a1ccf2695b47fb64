import Foundation
import RaditStore
import RaditTestSupport
import XCTest

/// Acceptance: SIGTERM (or Ctrl-C) during training finishes the current step, writes a
/// checkpoint, says how to resume and exits 143 (130); `--resume` then gives results
/// bit-identical to an uninterrupted run. A second signal exits at once.
final class SignalSubprocessTests: XCTestCase {
    let settings = ["train.steps=8", "train.checkpoint_every=3", "train.eval_every=4", "data.dev_limit=4",
                    "eval.table=false", "eval.max_tokens=2"]
    var config: String { Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml").path }

    func testSigtermWritesACheckpointAndResumeIsBitIdentical() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("sigterm")
        let sets = settings.flatMap { ["--set", $0] }
        try runToEnd(radit, ["run", config, "--runs-dir", "runs", "--name", "full"] + sets, in: dir)

        // checkpoint_every = 3: a stop at most other steps is only saved by the signal path.
        let signalAt = Int.random(in: 1...6)
        let (p, err, out) = try launch(radit, ["run", config, "--runs-dir", "runs", "--name", "cut"] + sets, in: dir)
        let sent = waitForStep(signalAt, of: err) { kill(p.processIdentifier, SIGTERM) }
        let rest = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertTrue(sent, "the run finished before step \(signalAt)")
        XCTAssertEqual(p.terminationReason, .exit, "SIGTERM must not kill the process outright")
        XCTAssertEqual(p.terminationStatus, 143, rest)
        let stdout = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(stdout.contains("continue with: radit run --resume \(dir.path)/runs/cut"), stdout)
        XCTAssertTrue(rest.contains("SIGTERM: finishing the current step"), rest)
        let cut = dir.appendingPathComponent("runs/cut")
        let saved = try FileManager.default.contentsOfDirectory(atPath: cut.path).filter { $0.hasPrefix("ckpt-") }.sorted()
        let step = try XCTUnwrap(saved.last.flatMap { Int($0.dropFirst(5).dropLast(3)) }, "\(saved)")
        XCTAssertGreaterThan(step, signalAt - 1, "the step running when the signal came is finished and saved")
        XCTAssertTrue(stdout.contains("stopped at step \(step), checkpoint written"), stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cut.path + ".lock"), "the lock is released")

        try runToEnd(radit, ["run", "--resume", "runs/cut"], in: dir)
        try assertSameResults(dir.appendingPathComponent("runs/full"), cut, steps: 8, seed: 7, "SIGTERM at step \(signalAt)")
    }

    func testASecondSigintExitsAtOnce() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("sigint")
        let sets = (settings + ["train.steps=200"]).flatMap { ["--set", $0] }
        let (p, err, _) = try launch(radit, ["run", config, "--runs-dir", "runs", "--name", "twice"] + sets, in: dir)
        let sent = waitForStep(1, of: err) {
            kill(p.processIdentifier, SIGINT)
            // The second only after the first was handled (signals of one kind do not queue).
            var seen = ""
            while !seen.contains("SIGINT: finishing") {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            kill(p.processIdentifier, SIGINT)
        }
        let rest = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertTrue(sent)
        XCTAssertEqual(p.terminationStatus, 130, rest)
        XCTAssertTrue(rest.contains("SIGINT again: stopping at once"), rest)
        // What was written before is whole (a checkpoint being written is at most a stale
        // temporary file beside it).
        let run = dir.appendingPathComponent("runs/twice")
        XCTAssertNoThrow(try StoreFile.open(run.appendingPathComponent("run.h5"), expecting: .run, versions: 1...1))
    }
}
