import Foundation
import RaditStore
import RaditTestSupport
import XCTest

/// `radit inspect`, run as a user would: the built binary in a child process.
final class InspectTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("cli-inspect") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    /// `.build/<config>/radit` of this build; skips when it was not built (e.g. a
    /// filtered `swift build --target`), fails in CI where `make test` builds it.
    func raditBinary() throws -> URL {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        let url = Fixtures.repoRoot.appendingPathComponent(".build/\(configuration)/radit")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("\(url.path) is missing in CI: `make test` builds it with --build-tests")
            }
            throw XCTSkip("\(url.path) not built")
        }
        return url
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = try raditBinary()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    func testPrintsTheTree() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try StoreFile.writeAtomically(to: url, format: .checkpoint, version: 1) { file in
            try file.createDataset("params/wte", values: [Float](repeating: 0.5, count: 12), shape: [4, 3])
            try file.createDataset("ids", dtype: .string, shape: [0], options: DatasetOptions(chunkShape: [8], extendibleRows: true))
            try file.createDataset("state/tokens", values: [Int64](0..<100), options: DatasetOptions(gzipLevel: 4))
            try file.dataset("params/wte").setAttribute("note", .string(String(repeating: "long ", count: 100)))
            try file.group("state").setAttribute("step", .int(42))
            try file.group("state").setAttribute("lrs", .doubles([0.1, 0.01]))
        }
        let result = try run(["inspect", url.path])
        XCTAssertEqual(result.status, 0, result.error)
        let expected = [
            "/",
            "  @format = \"radit.checkpoint\"",
            "  @version = 1",
            "  ids  string  (0,)  max (unlimited,)  chunks (8,)",
            "  params/",
            "    wte  float32  (4, 3)",
            "      @note = \"long long ",
            "… (502 chars)",
            "  state/",
            "    @lrs = [0.1, 0.01]",
            "    @step = 42",
            "    tokens  int64  (100,)  chunks (100,)  gzip(4)",
        ]
        for line in expected {
            XCTAssertTrue(result.output.contains(line), "missing \"\(line)\" in:\n\(result.output)")
        }
        XCTAssertEqual(result.error, "")
    }

    func testMissingAndForeignFilesFailWithTheirName() throws {
        let missing = directory.appendingPathComponent("absent.h5")
        let result = try run(["inspect", missing.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("\(missing.path): no such file"), result.error)

        let text = directory.appendingPathComponent("notes.h5")
        try Data("hello".utf8).write(to: text)
        let foreign = try run(["inspect", text.path])
        XCTAssertNotEqual(foreign.status, 0)
        XCTAssertTrue(foreign.error.contains("\(text.path): not an HDF5 file"), foreign.error)
    }

    func testFileOpenForWritingElsewhereIsReportedAsLocked() throws {
        let url = directory.appendingPathComponent("busy.h5")
        let writer = try StoreFile.create(url, format: .run, version: 1)
        try writer.createDataset("x", values: [Float(1)])
        try writer.flush()
        let result = try run(["inspect", url.path])
        try writer.close()
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("\(url.path): another process has it open for writing"), result.error)
        XCTAssertEqual(try run(["inspect", url.path]).status, 0)
    }
}
