import Foundation
import RaditStore
import RaditTestSupport
import XCTest

/// `writeAtomically`: the target is replaced whole or not at all.
final class AtomicWriteTests: XCTestCase {
    struct Interrupted: Error {}

    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store-atomic") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func writeGeneration(_ url: URL, _ generation: Int) throws {
        try StoreFile.writeAtomically(to: url, format: .checkpoint, version: 1) { file in
            try file.createDataset("params/w", values: [Float](repeating: Float(generation), count: 1000), shape: [10, 100])
            try file.setAttribute("generation", .int(generation))
        }
    }

    func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
    }

    func testReplacesTheTargetAndLeavesNoTemporaryFile() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeGeneration(url, 1)
        try writeGeneration(url, 2)
        let file = try StoreFile.open(url, expecting: .checkpoint, versions: 1...1)
        XCTAssertEqual(try file.intAttribute("generation"), 2)
        XCTAssertEqual(try file.read("params/w", as: Float.self, shape: [10, 100]), [Float](repeating: 2, count: 1000))
        XCTAssertEqual(try temporaryFiles(), [])
    }

    func testThrowingMidwayLeavesTheOldFileIntact() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeGeneration(url, 1)
        let before = try Data(contentsOf: url)
        XCTAssertThrowsError(try StoreFile.writeAtomically(to: url, format: .checkpoint, version: 1) { file in
            try file.createDataset("params/w", values: [Float](repeating: 9, count: 1000), shape: [10, 100])
            try file.flush()
            // The temporary file is really there, beside the target, while writing.
            XCTAssertEqual(try self.temporaryFiles(), ["ckpt.h5.tmp-\(getpid())"])
            throw Interrupted()
        }) { error in XCTAssertTrue(error is Interrupted) }
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try temporaryFiles(), [])
        XCTAssertEqual(try StoreFile.open(url).intAttribute("generation"), 1)
    }

    /// `updateAtomically` (how `radit judge` adds groups to run.h5): changes land whole, a
    /// failure midway leaves the file byte for byte as it was, and a wrong format is refused.
    func testUpdateChangesACopyAndRenamesItOrLeavesTheFileAlone() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeGeneration(url, 1)
        let before = try Data(contentsOf: url)
        XCTAssertThrowsError(try StoreFile.updateAtomically(url, expecting: .checkpoint, versions: 1...1) { file in
            try file.createDataset("judge/x", values: [1.0, 2.0])
            try file.flush()
            XCTAssertEqual(try self.temporaryFiles(), ["ckpt.h5.tmp-\(getpid())"])
            throw Interrupted()
        }) { error in XCTAssertTrue(error is Interrupted) }
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try temporaryFiles(), [])
        XCTAssertThrowsError(try StoreFile.updateAtomically(url, expecting: .run, versions: 1...1) { _ in })
        XCTAssertEqual(try Data(contentsOf: url), before)

        try StoreFile.updateAtomically(url, expecting: .checkpoint, versions: 1...1) { file in
            try file.createDataset("judge/x", values: [1.0, 2.0])
        }
        let file = try StoreFile.open(url, expecting: .checkpoint, versions: 1...1)
        XCTAssertEqual(try file.read("judge/x", as: Double.self), [1, 2])
        XCTAssertEqual(try file.read("params/w", as: Float.self, shape: [10, 100]), [Float](repeating: 1, count: 1000), "the rest is kept")
        XCTAssertEqual(try temporaryFiles(), [])
    }

    func testAFailedFirstWriteLeavesNothing() throws {
        let url = directory.appendingPathComponent("new.h5")
        XCTAssertThrowsError(try StoreFile.writeAtomically(to: url, format: .run, version: 1) { _ in throw Interrupted() })
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        XCTAssertEqual(try temporaryFiles(), [])
    }

    /// What a writer that dies before the rename leaves on disk: the old file intact
    /// beside a stale temporary, which the next write replaces.
    func testWriterStoppedBeforeRenameLeavesTheOldFileIntact() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeGeneration(url, 1)
        let before = try Data(contentsOf: url)
        // What a killed writer leaves: a half-written temporary file beside the target.
        let temporary = StoreFile.temporaryURL(for: url)
        let partial = try StoreFile.create(temporary, format: .checkpoint, version: 1)
        try partial.createDataset("params/w", values: [Float](repeating: 5, count: 1000), shape: [10, 100])
        // no close, no rename: the "process" dies here
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try StoreFile.open(url, expecting: .checkpoint, versions: 1...1).intAttribute("generation"), 1)
        try partial.close()
        // The next successful write replaces the target and overwrites the stale temporary.
        try writeGeneration(url, 3)
        XCTAssertEqual(try StoreFile.open(url).intAttribute("generation"), 3)
        XCTAssertEqual(try temporaryFiles(), [])
    }

    /// A real crash: this test binary runs itself as a child that writes a checkpoint
    /// atomically and is killed with SIGKILL in the middle; the old file must be intact.
    func testWriterKilledMidwayLeavesTheOldFileIntact() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        guard executable.lastPathComponent.hasSuffix(".xctest"),
              FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw XCTSkip("cannot re-run the test binary as a child here (\(executable.path))")
        }
        let url = directory.appendingPathComponent("ckpt.h5")
        try writeGeneration(url, 1)
        let before = try Data(contentsOf: url)
        let marker = directory.appendingPathComponent("writing")
        let child = Process()
        child.executableURL = executable
        child.arguments = ["RaditStoreTests.AtomicWriteTests/testChildWriterForKillTest"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childTarget] = url.path
        environment[Self.childMarker] = marker.path
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker.path) && child.isRunning && Date() < deadline {
            usleep(10_000)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker.path), "the child never started writing")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try Data(contentsOf: url), before)
        XCTAssertEqual(try StoreFile.open(url, expecting: .checkpoint, versions: 1...1).intAttribute("generation"), 1)
        // The killed writer's temporary file is left behind (nothing could remove it).
        XCTAssertEqual(try temporaryFiles(), ["ckpt.h5.tmp-\(child.processIdentifier)"])
    }

    static let childTarget = "RADIT_STORE_KILL_TEST_TARGET"
    static let childMarker = "RADIT_STORE_KILL_TEST_MARKER"

    /// The child half of the kill test: writes half a checkpoint, signals, then waits to be killed.
    func testChildWriterForKillTest() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let target = environment[Self.childTarget], let marker = environment[Self.childMarker] else {
            throw XCTSkip("only runs as the child of testWriterKilledMidwayLeavesTheOldFileIntact")
        }
        try StoreFile.writeAtomically(to: URL(fileURLWithPath: target), format: .checkpoint, version: 1) { file in
            try file.setAttribute("generation", .int(2))
            try file.createDataset("params/w", values: [Float](repeating: 2, count: 1000), shape: [10, 100])
            try file.flush()
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
            sleep(60)
        }
    }
}
