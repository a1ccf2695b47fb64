import Foundation
import RaditExperiments
import RaditTestSupport
import XCTest

/// `radit sweep` as a user runs it: `kill -9` in the middle of a cell, then the same command
/// again skips the finished cells and resumes the killed one; `--dry-run` lists the cells;
/// `radit run` on a sweep file points at `radit sweep`.
final class SweepSubprocessTests: XCTestCase {
    func sweepFile(in dir: URL) throws -> String {
        let text = SweepTests.tinySweep(replacingGridWith: "grid = { \"eval.top_k\" = [1, 2], \"train.seed\" = [0, 1] }")
        let url = dir.appendingPathComponent("grid.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testKillNineMidSweepThenRerunSkipsFinishedCells() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("sweep-kill")
        let config = try sweepFile(in: dir)
        let (p, err, _) = try launch(radit, ["sweep", config, "--runs-dir", "runs"], in: dir)
        // Kill once the third cell (index 2) has trained a step.
        var buffer = ""
        var cell = -1
        var killed = false
        reading: while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            while let newline = buffer.firstIndex(of: "\n") {
                let line = String(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let stage = event["stage"] as? String, let done = event["done"] as? Int else { continue }
                if stage == "sweep" { cell = done }
                if cell == 2 && stage == "lm-ft+r-ft" && done >= 1 {
                    kill(p.processIdentifier, SIGKILL)
                    killed = true
                    break reading
                }
            }
        }
        p.waitUntilExit()
        XCTAssertTrue(killed, "the sweep ended before its third cell trained")
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        let finished = ["seed=0,top_k=1", "seed=0,top_k=2"].map { dir.appendingPathComponent("runs/grid/\($0)/run.h5") }
        let before = try finished.map { try Data(contentsOf: $0) }

        let r = try runRadit(radit, ["sweep", config, "--runs-dir", "runs"], in: dir)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("4 cells: 1 run, 2 skipped as finished, 1 resumed mid-run"), r.out)
        // The cell run after the kill differs from the resumed one only in eval.top_k: not trained again.
        XCTAssertTrue(r.out.contains("earlier cells' trained models 1×"), r.out)
        XCTAssertEqual(try finished.map { try Data(contentsOf: $0) }, before, "finished cells were not run again")
        for cell in ["seed=0,top_k=1", "seed=0,top_k=2", "seed=1,top_k=1", "seed=1,top_k=2"] {
            XCTAssertTrue(RunFile.isComplete(dir.appendingPathComponent("runs/grid/\(cell)")), cell)
        }
    }

    func testDryRunAndRunRefusal() throws {
        let radit = try builtRadit()
        let dir = Fixtures.temporaryDirectory("sweep-dry")
        let config = try sweepFile(in: dir)
        let dry = try runRadit(radit, ["sweep", config, "--dry-run", "--set", "train.steps=3"], in: dir)
        XCTAssertEqual(dry.status, 0, dry.err)
        XCTAssertTrue(dry.out.contains("sweep grid: 4 cells"), dry.out)
        XCTAssertTrue(dry.out.contains("seed=1,top_k=2  [train.seed=1 eval.top_k=2]"), dry.out)
        XCTAssertTrue(dry.out.contains("ROUGH GUESS"), dry.out)
        // The second top_k of each seed evaluates the first one's training.
        let lines = dry.out.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("(not trained: evaluates the trained models of seed=1,top_k=1)") }.map { String($0.prefix(16)) },
                       ["  seed=1,top_k=2"], dry.out)
        XCTAssertTrue(dry.out.contains("2 cell(s) evaluate an earlier cell's trained models"), dry.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs/grid").path))
        let bad = try runRadit(radit, ["sweep", config, "--dry-run", "--set", "train.steps=-1"], in: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("sweep cell seed=0,top_k=1: `train.steps` is -1"), bad.err)
        let run = try runRadit(radit, ["run", config], in: dir)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.err.contains("declares a [sweep]: run its cells with `radit sweep"), run.err)
    }
}
