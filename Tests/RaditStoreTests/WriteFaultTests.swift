import Foundation
import RaditBase
import RaditStore
import RaditTestSupport
import XCTest

/// Real write failures (a full tmpfs, a read-only remount, a folder the writer may not
/// write): a typed error naming the file and the cause, no temporary file left, the
/// previous file byte-identical, and the library still usable afterwards (HDF5 1.10 used
/// to segfault at exit after a failed close).
final class WriteFaultTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store-faults") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func write(_ url: URL, generation: Int, floats: Int, options: DatasetOptions = .contiguous) throws {
        try StoreFile.writeAtomically(to: url, format: .checkpoint, version: 1) { file in
            try file.setAttribute("generation", .int(generation))
            try file.createDataset("params/w", values: [Float](repeating: Float(generation), count: floats),
                                   shape: [floats], options: options)
        }
    }

    func leftovers(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
    }

    func assertSystemError(_ error: Error, _ url: URL, errno expected: Int32, _ words: [String],
                           file: StaticString = #filePath, line: UInt = #line) {
        guard let e = error as? FileSystemError else {
            return XCTFail("expected a FileSystemError, got \(error)", file: file, line: line)
        }
        XCTAssertEqual(e.path, url.path, file: file, line: line)
        XCTAssertEqual(e.code, expected, "\(error)", file: file, line: line)
        for w in words { XCTAssertTrue("\(error)".contains(w), "message lacks \"\(w)\": \(error)", file: file, line: line) }
    }

    /// Contiguous data fails in H5Dwrite; chunked, checksummed data (checkpoint tensors)
    /// only when the chunk cache is flushed at close: both paths end the same way.
    func testDiskFullKeepsThePreviousFile() throws {
        let fs = try SmallFileSystem(megabytes: 3)
        defer { fs.unmount() }
        for options in [DatasetOptions.contiguous, .checksummed] {
            let url = fs.directory.appendingPathComponent("ckpt.h5")
            try write(url, generation: 1, floats: 1000, options: options)
            let before = try Data(contentsOf: url)
            XCTAssertThrowsError(try write(url, generation: 2, floats: 1 << 20, options: options)) { error in
                self.assertSystemError(error, url, errno: ENOSPC, [url.path, "No space left on device", "disk is full"])
            }
            XCTAssertEqual(try leftovers(fs.directory), [], "\(options)")
            XCTAssertEqual(try Data(contentsOf: url), before, "\(options)")
            XCTAssertEqual(try StoreFile.open(url).intAttribute("generation"), 1)
            // The library is still sound: the space came back and a small write succeeds.
            try write(url, generation: 3, floats: 1000, options: options)
            XCTAssertEqual(try StoreFile.open(url).read("params/w", as: Float.self), [Float](repeating: 3, count: 1000))
            try FileManager.default.removeItem(at: url)
        }
    }

    func testReadOnlyFileSystemKeepsThePreviousFile() throws {
        let fs = try SmallFileSystem(megabytes: 3)
        defer { fs.unmount() }
        let url = fs.directory.appendingPathComponent("run.h5")
        try write(url, generation: 1, floats: 100)
        let before = try Data(contentsOf: url)
        try fs.makeReadOnly()
        XCTAssertThrowsError(try write(url, generation: 2, floats: 100)) { error in
            self.assertSystemError(error, url, errno: EROFS, [url.path, "Read-only file system", "write somewhere else"])
        }
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try StoreFile.open(url).intAttribute("generation"), 1)
    }

    /// A folder the writer may not write. Root bypasses permissions, so as root the write
    /// runs in a child process (this test binary again) that drops to user `nobody`.
    func testPermissionDeniedKeepsThePreviousFile() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try write(url, generation: 1, floats: 100)
        let before = try Data(contentsOf: url)
        if getuid() != 0 {
            chmod(directory.path, 0o555)
            defer { chmod(directory.path, 0o755) }
            XCTAssertThrowsError(try write(url, generation: 2, floats: 100)) { error in
                self.assertSystemError(error, url, errno: EACCES, [url.path, "Permission denied"])
            }
        } else {
            let executable = URL(fileURLWithPath: CommandLine.arguments[0])
            guard executable.lastPathComponent.hasSuffix(".xctest") else {
                throw XCTSkip("cannot re-run the test binary as an unprivileged child here")
            }
            let child = Process()
            child.executableURL = executable
            child.arguments = ["RaditStoreTests.WriteFaultTests/testChildWritesWithoutPermission"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.childTarget: url.path]) { $1 }
            let pipe = Pipe()
            child.standardOutput = pipe
            child.standardError = FileHandle.nullDevice
            try child.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            child.waitUntilExit()
            let lines = output.split(separator: "\n").filter { $0.hasPrefix(Self.childReport) }
            XCTAssertEqual(lines.count, 1, output)
            XCTAssertTrue(lines.first?.contains("errno=\(EACCES) ") ?? false, output)
            XCTAssertTrue(lines.first?.contains("\(url.path): ") ?? false, output)
            XCTAssertTrue(lines.first?.contains("Permission denied") ?? false, output)
        }
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try leftovers(directory), [])
    }

    static let childTarget = "RADIT_STORE_PERMISSION_TEST_TARGET"
    static let childReport = "permission-test-result:"

    /// The child half of the permission test: becomes `nobody`, tries the write, reports.
    func testChildWritesWithoutPermission() throws {
        guard let target = ProcessInfo.processInfo.environment[Self.childTarget] else {
            throw XCTSkip("only runs as the child of testPermissionDeniedKeepsThePreviousFile")
        }
        guard setgid(65534) == 0, setuid(65534) == 0 else { return XCTFail("cannot drop to user nobody") }
        do {
            try write(URL(fileURLWithPath: target), generation: 2, floats: 100)
            print("\(Self.childReport) wrote the file")
        } catch let e as FileSystemError {
            print("\(Self.childReport) errno=\(e.code) \(e)")
        } catch {
            print("\(Self.childReport) \(error)")
        }
    }

    /// Checkpoint tensors carry Fletcher-32: one flipped bit in the stored floats is an
    /// error naming the tensor, never silently different weights.
    func testFlippedBitInAChecksummedTensorIsAnError() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        let values = (0..<4096).map { Float($0) * 0.25 + 1 }
        try StoreFile.writeAtomically(to: url, format: .checkpoint, version: 1) { file in
            try file.writeTensors("params", [(name: "w", tensor: .init(shape: [64, 64], scalars: values))],
                                  options: .checksummed)
        }
        XCTAssertEqual(try StoreFile.open(url).dataset("params/w").filters(), ["fletcher32"])
        var bytes = [UInt8](try Data(contentsOf: url))
        let pattern = values[1000..<1004].withUnsafeBytes { [UInt8]($0) }
        guard let at = (0...(bytes.count - pattern.count)).first(where: { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }) else {
            return XCTFail("tensor bytes not found in the file")
        }
        bytes[at + 2] ^= 0x10
        try Data(bytes).write(to: url)
        XCTAssertThrowsError(try StoreFile.open(url).read("params/w", as: Float.self)) { error in
            XCTAssertEqual(error as? StoreError, .checksumMismatch(file: url.path, path: "/params/w"))
            XCTAssertTrue("\(error)".contains("Fletcher-32"), "\(error)")
        }
    }
}
