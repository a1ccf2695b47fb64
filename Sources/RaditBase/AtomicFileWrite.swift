import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a file: which file, what was being done, and errno, with what
/// to do about it (disk full, permission denied, read-only file system, ...).
public struct FileSystemError: RaditError, Equatable {
    public var path: String
    public var operation: String
    public var code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var message: String {
        "\(path): \(operation) failed: \(String(cString: strerror(code))); \(Self.hint(code))"
    }

    /// What to do about a failed system call, by errno.
    public static func hint(_ code: Int32) -> String {
        switch code {
        case ENOSPC: return "the disk is full: free space there or write somewhere else"
        case EDQUOT: return "the disk quota is exhausted: free space or write somewhere else"
        case EACCES, EPERM: return "permission denied: check the folder's owner and permissions or write somewhere else"
        case EROFS: return "the file system is mounted read-only: write somewhere else"
        case ENOENT: return "a folder on the path does not exist: create it or fix the path"
        case EIO: return "the device reported an I/O error: check the disk"
        default: return "check the path and the disk"
        }
    }
}

/// Whole-file writes that a crash, a full disk or a signal never leave half done: the
/// bytes go to `.<name>.tmp-<pid>` beside the target, are fsynced, then renamed over it
/// (atomic on POSIX); on any failure the temporary file is removed and the target is
/// untouched.
public enum AtomicFileWrite {
    public static func write(_ data: Data, to url: URL) throws(FileSystemError) {
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: dir.path, operation: "creating the folder", code: (error as NSError).underlyingErrno ?? EIO)
        }
        let temporary = temporaryURL(for: url)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystemError(path: url.path, operation: "creating \(temporary.lastPathComponent)", code: errno) }
        var failure: FileSystemError?
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = FileSystemError(path: url.path, operation: "writing", code: errno)
                    return
                }
                done += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = FileSystemError(path: url.path, operation: "fsync", code: errno) }
        if close(fd) != 0 && failure == nil { failure = FileSystemError(path: url.path, operation: "closing", code: errno) }
        if let failure {
            unlink(temporary.path)
            throw failure
        }
        do throws(FileSystemError) { try commit(temporary, to: url) } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Renames a complete `temporary` over `url` (atomic: the target is replaced, never
    /// removed first) and makes the rename durable. On failure `temporary` stays.
    public static func commit(_ temporary: URL, to url: URL) throws(FileSystemError) {
        guard rename(temporary.path, url.path) == 0 else {
            throw FileSystemError(path: url.path, operation: "renaming \(temporary.lastPathComponent) over it", code: errno)
        }
        // Best effort: some file systems refuse to fsync a folder.
        let dirFD = open(url.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// `.<name>.tmp-<pid>` in the target's folder, so the rename never crosses file systems.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    }
}

extension NSError {
    /// The POSIX errno behind a Foundation file error, when there is one.
    var underlyingErrno: Int32? {
        if domain == NSPOSIXErrorDomain { return Int32(code) }
        return (userInfo[NSUnderlyingErrorKey] as? NSError)?.underlyingErrno
    }
}
