import Foundation
import RaditExperiments
import RaditStore
import RaditTestSupport
import RaditTuning
import XCTest

extension XCTestCase {
    /// The newest built `radit` (release first, as `make test` builds); skips when none
    /// is built, except in CI.
    func builtRadit() throws -> URL {
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

    /// Starts `radit` in `dir` with stderr on a pipe (progress JSON lines) and stdout in
    /// a file (read it after the process ended).
    func launch(_ binary: URL, _ arguments: [String], in dir: URL) throws -> (Process, Pipe, URL) {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let err = Pipe()
        p.standardError = err
        let out = dir.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        try p.run()
        return (p, err, out)
    }

    /// Runs `radit` to its end; returns exit status, stdout and stderr.
    @discardableResult
    func runRadit(_ binary: URL, _ arguments: [String], in dir: URL) throws -> (status: Int32, out: String, err: String) {
        let (p, err, out) = try launch(binary, arguments, in: dir)
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: out)
        return (p.terminationStatus, text, String(decoding: data, as: UTF8.self))
    }

    func runToEnd(_ binary: URL, _ arguments: [String], in dir: URL) throws {
        let r = try runRadit(binary, arguments, in: dir)
        XCTAssertEqual(r.status, 0, r.err)
    }

    /// Reads progress lines from `stderr` until the training stage reports step `step`,
    /// then calls `action`; false when the run ended first.
    func waitForStep(_ step: Int, of stderr: Pipe, _ action: () -> Void) -> Bool {
        var buffer = ""
        while true {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { return false } // the run ended before the chosen step
            buffer += String(decoding: chunk, as: UTF8.self)
            for line in buffer.split(separator: "\n") where line.contains("\"stage\":\"lm-ft+r-ft\"") {
                if let r = line.range(of: "\"done\":"), let done = Int(line[r.upperBound...].prefix { $0.isNumber }), done >= step {
                    action()
                    return true
                }
            }
        }
    }

    /// Two runs ended with the same final checkpoint (`ckpt-<steps>.h5`: every tensor
    /// bit-identical, same state, same deterministic metrics) and the same results.
    func assertSameResults(_ full: URL, _ cut: URL, steps: Int, seed: UInt64, _ context: String,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let name = CheckpointLayout.fileName(step: steps)
        let a = try CheckpointFile.readWithSeries(full.appendingPathComponent(name), seed: seed)
        let b = try CheckpointFile.readWithSeries(cut.appendingPathComponent(name), seed: seed)
        XCTAssertEqual(a.snapshot.tensors.map(\.key), b.snapshot.tensors.map(\.key), file: file, line: line)
        XCTAssertGreaterThan(a.snapshot.tensors.count, 0, file: file, line: line)
        for (x, y) in zip(a.snapshot.tensors, b.snapshot.tensors) {
            XCTAssertEqual(x.tensor.scalars.map(\.bitPattern), y.tensor.scalars.map(\.bitPattern), "\(x.key) (\(context))",
                           file: file, line: line)
        }
        XCTAssertEqual(a.snapshot.state, b.snapshot.state, context, file: file, line: line)
        for (key, series) in a.series where !RunMetrics.volatile.contains(key) {
            XCTAssertEqual(series.map(\.bitPattern), b.series[key]?.map(\.bitPattern), "metric \(key) (\(context))",
                           file: file, line: line)
        }
        // Final results in run.h5 agree too.
        func results(_ run: URL) throws -> [Double] {
            let f = try StoreFile.open(run.appendingPathComponent("run.h5"))
            defer { try? f.close() }
            return try f.read("/results/em", as: Double.self) + f.read("/results/f1", as: Double.self)
                + f.read("/predictions/LM-ft+R-ft/f1", as: Double.self)
        }
        XCTAssertEqual(try results(full).map(\.bitPattern), try results(cut).map(\.bitPattern), context, file: file, line: line)
    }
}
