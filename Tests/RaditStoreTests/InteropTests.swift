import Foundation
import RaditStore
import RaditTestSupport
import XCTest

/// Files Radit writes are plain HDF5: the reference tools (`h5ls`, `h5dump`, from
/// Debian's hdf5-tools, installed by scripts/bootstrap.sh) read them.
final class InteropTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store-interop") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func tool(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("\(name) is missing in CI: scripts/bootstrap.sh installs hdf5-tools")
        }
        throw XCTSkip("\(name) not installed (apt-get install hdf5-tools)")
    }

    func run(_ tool: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "\(tool.lastPathComponent) \(arguments): \(text)")
        return text
    }

    func writeSample(_ url: URL) throws {
        try StoreFile.writeAtomically(to: url, format: .embeddings, version: 1) { file in
            try file.createDataset("embeddings", values: [Float](arrayLiteral: 0.25, -1.5, 3, 4, 5, 6), shape: [2, 3],
                                   options: DatasetOptions(gzipLevel: 4, extendibleRows: true))
            try file.createDataset("ids", strings: ["doc-a", "doc-b"])
            try file.createDataset("lengths", values: [Int32(7), 9])
            try file.setAttribute("model", .string("all-MiniLM-L6-v2"))
            try file.setAttribute("dims", .ints([2, 3]))
        }
    }

    func testH5lsListsDatasetsWithShapes() throws {
        let h5ls = try tool("h5ls")
        let url = directory.appendingPathComponent("emb.h5")
        try writeSample(url)
        let listing = try run(h5ls, ["-r", url.path])
        XCTAssertTrue(listing.contains("/embeddings") && listing.contains("Dataset {2/Inf, 3}"), listing)
        XCTAssertTrue(listing.contains("/ids") && listing.contains("Dataset {2}"), listing)
        XCTAssertTrue(listing.contains("/lengths"), listing)
    }

    func testH5dumpReadsValuesAttributesAndStrings() throws {
        let h5dump = try tool("h5dump")
        let url = directory.appendingPathComponent("emb.h5")
        try writeSample(url)
        let dump = try run(h5dump, ["-p", url.path])
        for needle in ["H5T_IEEE_F32LE", "0.25, -1.5, 3,", "\"doc-a\", \"doc-b\"", "H5T_STD_I32LE", "7, 9",
                       "ATTRIBUTE \"format\"", "\"radit.embeddings\"", "\"all-MiniLM-L6-v2\"", "CSET H5T_CSET_UTF8",
                       "COMPRESSION", "DEFLATE { LEVEL 4 }"] {
            XCTAssertTrue(dump.contains(needle), "h5dump output lacks \(needle):\n\(dump)")
        }
    }
}
