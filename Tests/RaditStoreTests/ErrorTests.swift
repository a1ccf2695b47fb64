import Foundation
import RaditStore
import RaditTestSupport
import XCTest

/// Damaged, foreign and mismatched files give a message naming the file, the path inside
/// it and what was expected; never a crash, never HDF5's stack dump as the only clue.
final class ErrorTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store-errors") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    /// A checkpoint-like file big enough that cutting it in half loses real data.
    func writeSample(_ url: URL) throws {
        let file = try StoreFile.create(url, format: .checkpoint, version: 2)
        try file.createDataset("params/w", values: [Float](repeating: 1.5, count: 4096), shape: [64, 64])
        try file.createDataset("names", strings: ["a", "b"])
        try file.close()
    }

    func assertMessage(_ expression: @autoclosure () throws -> some Any, contains parts: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertTrue(error is StoreError, "not a StoreError: \(error)", file: file, line: line)
            let message = "\(error)"
            for part in parts {
                XCTAssertTrue(message.contains(part), "message lacks \"\(part)\": \(message)", file: file, line: line)
            }
        }
    }

    func testMissingFile() {
        let url = directory.appendingPathComponent("absent.h5")
        assertMessage(try StoreFile.open(url), contains: [url.path, "no such file"])
    }

    func testNotAnHDF5File() throws {
        let url = directory.appendingPathComponent("notes.h5")
        try Data("this is a text file, not HDF5\n".utf8).write(to: url)
        assertMessage(try StoreFile.open(url), contains: [url.path, "not an HDF5 file"])
        let empty = directory.appendingPathComponent("empty.h5")
        try Data().write(to: empty)
        assertMessage(try StoreFile.open(empty), contains: [empty.path, "not an HDF5 file"])
    }

    func testTruncatedFile() throws {
        let url = directory.appendingPathComponent("cut.h5")
        try writeSample(url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        assertMessage(try StoreFile.open(url, expecting: .checkpoint, versions: 2...2),
                      contains: [url.path, "truncated or damaged"])
    }

    func testWrongFormatAndVersion() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeSample(url)
        assertMessage(try StoreFile.open(url, expecting: .run, versions: 1...1),
                      contains: [url.path, "expected a file of format \"radit.run\"", "found format \"radit.checkpoint\""])
        assertMessage(try StoreFile.open(url, expecting: .checkpoint, versions: 3...4),
                      contains: [url.path, "radit.checkpoint version 3...4 expected but found version 2"])
        XCTAssertNoThrow(try StoreFile.open(url, expecting: .checkpoint, versions: 1...2))
    }

    func testFileWithoutConventionAttributes() throws {
        // A file written by another tool: no `format` attribute.
        let url = directory.appendingPathComponent("foreign.h5")
        do {
            let file = try StoreFile.create(url, format: .run, version: 1)
            try file.removeAttribute("format")
            try file.close()
        }
        assertMessage(try StoreFile.open(url, expecting: .run, versions: 1...1),
                      contains: [url.path, "no root attribute \"format\""])
    }

    func testWrongDTypeAndShape() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeSample(url)
        let file = try StoreFile.open(url)
        assertMessage(try file.read("params/w", as: Double.self),
                      contains: [url.path, "/params/w holds float32, expected float64"])
        assertMessage(try file.read("params/w", as: Float.self, shape: [64, 65]),
                      contains: [url.path, "/params/w has shape (64, 64), expected (64, 65)"])
        assertMessage(try file.readStrings("params/w"), contains: [url.path, "/params/w holds float32, expected string"])
        assertMessage(try file.read("names", as: Int32.self), contains: ["/names holds string, expected int32"])
        assertMessage(try file.read("params/missing", as: Float.self), contains: [url.path, "no dataset at /params/missing"])
        assertMessage(try file.group("nothing/here"), contains: ["no group at /nothing/here"])
    }

    func testWritingReadOnlyFileAndWrongCounts() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeSample(url)
        let file = try StoreFile.open(url)
        assertMessage(try file.createDataset("x", values: [Float(1)]), contains: ["opened read-only"])
        assertMessage(try file.setAttribute("x", .int(1)), contains: ["opened read-only"])
        let writable = try StoreFile.create(directory.appendingPathComponent("w.h5"), format: .run, version: 1)
        assertMessage(try writable.createDataset("x", values: [Float](repeating: 0, count: 5), shape: [2, 3]),
                      contains: ["/x: 5 values do not fill shape (2, 3) (6 needed)"])
        assertMessage(try writable.dataset("x"), contains: ["no dataset at /x"])
    }

    func testUseAfterClose() throws {
        let file = try StoreFile.create(directory.appendingPathComponent("c.h5"), format: .run, version: 1)
        let ds = try file.createDataset("x", values: [Float(1)])
        try file.close()
        assertMessage(try ds.read(Float.self), contains: ["already closed"])
        XCTAssertNoThrow(try file.close())
    }
}

/// Two handles on one file stay independent: closing one leaves the other usable.
final class SharedFileTests: XCTestCase {
    func testClosingOneOfTwoHandlesOnAFile() throws {
        let directory = Fixtures.temporaryDirectory("store-shared")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("x.h5")
        try StoreFile.writeAtomically(to: url, format: .run, version: 1) { file in
            try file.createDataset("x", values: [Float(1), 2, 3])
        }
        let first = try StoreFile.open(url)
        let second = try StoreFile.open(url)
        let dataset = try second.dataset("x")
        try first.close()
        XCTAssertEqual(try dataset.read(Float.self), [1, 2, 3])
        XCTAssertEqual(try second.read("x", as: Float.self), [1, 2, 3])
        try second.close()
    }
}
