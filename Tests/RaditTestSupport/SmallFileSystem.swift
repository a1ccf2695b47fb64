import Foundation
import XCTest

/// A small tmpfs mounted for a test, to make "disk full" and "read-only file system" real.
/// Needs root (mount); otherwise the test is skipped with the reason printed.
public final class SmallFileSystem {
    public let directory: URL

    /// Mounts a tmpfs of `megabytes` on a fresh temporary folder.
    public init(megabytes: Int, label: String = "tmpfs") throws {
        guard getuid() == 0 else {
            let reason = "the disk-full test mounts a \(megabytes) MB tmpfs and needs root (running as uid \(getuid()))"
            print("skipped: \(reason)")
            throw XCTSkip(reason)
        }
        directory = Fixtures.temporaryDirectory(label)
        let (status, output) = Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            let reason = "mount -t tmpfs failed (\(output.trimmingCharacters(in: .whitespacesAndNewlines))); "
                + "a container without CAP_SYS_ADMIN cannot mount"
            print("skipped: \(reason)")
            throw XCTSkip(reason)
        }
    }

    /// Remounts read-only (files stay readable; every write fails with EROFS).
    public func makeReadOnly() throws {
        let (status, output) = Self.run("/bin/mount", ["-o", "remount,ro", directory.path])
        if status != 0 { throw XCTSkip("remount read-only failed: \(output)") }
    }

    /// Fills the file system up to about `leaving` bytes free with a ballast file.
    public func fill(leaving: Int) throws {
        var stats = statvfs()
        guard statvfs(directory.path, &stats) == 0 else { return }
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        let size = max(0, free - leaving)
        try Data(count: size).write(to: directory.appendingPathComponent("ballast"))
    }

    public func unmount() {
        _ = Self.run("/bin/umount", [directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { unmount() }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
