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
    /// The newest built `radit` (release first, as `make test` builds); skips when none
    /// is built, except in CI.
    func binary() throws -> URL {
        let candidates = ["release", "debug"].map { Fixtures.repoRoot.appendingPathComponent(".build/\($0)/radit") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        func modified(_ u: URL) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: u.path)[.modificationDate] as? Date) ?? .distantPast
        }
        guard let newest = candidates.max(by: { modified($0) < modified($1) }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("no built radit binary in CI") }
            throw XCTSkip("build the radit binary first (swift build --product radit)")
        }
        return newest
    }

    let settings = ["train.steps=8", "train.checkpoint_every=2", "train.eval_every=4", "data.dev_limit=4",
                    "eval.table=false", "eval.max_tokens=2"]

    func launch(_ binary: URL, _ arguments: [String], in dir: URL) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return (p, err)
    }

    func runToEnd(_ binary: URL, _ arguments: [String], in dir: URL) throws {
        let (p, err) = try launch(binary, arguments, in: dir)
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: data, as: UTF8.self))
    }

    func testKillNineThenResumeIsBitIdentical() throws {
        let radit = try binary()
        let dir = Fixtures.temporaryDirectory("kill9")
        let config = Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml").path
        let sets = settings.flatMap { ["--set", $0] }
        try runToEnd(radit, ["run", config, "--runs-dir", "runs", "--name", "full"] + sets, in: dir)

        // Kill at a random step between 1 and 7 (seen as a progress line on stderr).
        let killAt = Int.random(in: 1...7)
        let (p, err) = try launch(radit, ["run", config, "--runs-dir", "runs", "--name", "cut"] + sets, in: dir)
        var buffer = ""
        var killed = false
        while !killed {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break } // the run ended before the chosen step
            buffer += String(decoding: chunk, as: UTF8.self)
            for line in buffer.split(separator: "\n") where line.contains("\"stage\":\"lm-ft+r-ft\"") {
                if let r = line.range(of: "\"done\":"), let done = Int(line[r.upperBound...].prefix { $0.isNumber }), done >= killAt {
                    kill(p.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
            }
        }
        p.waitUntilExit()
        XCTAssertTrue(killed, "the run finished before step \(killAt)")
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        try runToEnd(radit, ["run", "--resume", "runs/cut"], in: dir)

        let full = dir.appendingPathComponent("runs/full"), cut = dir.appendingPathComponent("runs/cut")
        let name = CheckpointLayout.fileName(step: 8)
        let a = try CheckpointFile.readWithSeries(full.appendingPathComponent(name), seed: 7)
        let b = try CheckpointFile.readWithSeries(cut.appendingPathComponent(name), seed: 7)
        XCTAssertEqual(a.snapshot.tensors.map(\.key), b.snapshot.tensors.map(\.key))
        XCTAssertGreaterThan(a.snapshot.tensors.count, 0)
        for (x, y) in zip(a.snapshot.tensors, b.snapshot.tensors) {
            XCTAssertEqual(x.tensor.scalars.map(\.bitPattern), y.tensor.scalars.map(\.bitPattern), "\(x.key) (killed at step \(killAt))")
        }
        XCTAssertEqual(a.snapshot.state, b.snapshot.state)
        for (key, series) in a.series where !RunMetrics.volatile.contains(key) {
            XCTAssertEqual(series.map(\.bitPattern), b.series[key]?.map(\.bitPattern), "metric \(key) (killed at step \(killAt))")
        }
        // Final results in run.h5 agree too.
        func results(_ run: URL) throws -> [Double] {
            let f = try StoreFile.open(run.appendingPathComponent("run.h5"))
            defer { try? f.close() }
            return try f.read("/results/em", as: Double.self) + f.read("/results/f1", as: Double.self)
                + f.read("/predictions/f1", as: Double.self)
        }
        XCTAssertEqual(try results(full).map(\.bitPattern), try results(cut).map(\.bitPattern))
    }

    /// `make quickstart` re-runs into the same folder: `--overwrite` replaces the old run,
    /// without it a second run is refused (resume is the way to continue one).
    func testOverwriteReplacesAnExistingRun() throws {
        let radit = try binary()
        let dir = Fixtures.temporaryDirectory("overwrite")
        let config = Fixtures.repoRoot.appendingPathComponent("experiments/tiny.toml").path
        let sets = ["train.steps=2", "train.checkpoint_every=0", "train.eval_every=0", "data.dev_limit=2",
                    "eval.table=false", "eval.max_tokens=1"].flatMap { ["--set", $0] }
        let args = ["run", config, "--runs-dir", "runs", "--name", "again"] + sets
        try runToEnd(radit, args, in: dir)
        let (p, err) = try launch(radit, args, in: dir)
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
