import Foundation

/// `runs/<name>.lock`, beside the run folder (so moving the folder aside for `--overwrite`
/// keeps it locked): holds the writer's PID while one process writes the run. The lock is
/// an `flock` on that file, which the kernel drops when the process dies however it dies,
/// so a lock file left by a dead process is stale and is taken over.
public final class RunLock {
    public let url: URL
    /// The PID written in a stale lock file this lock replaced (its process is gone).
    public let staleHolder: Int32?
    private var descriptor: Int32

    /// Locks the run folder `directory`, or throws `RunError.locked` naming the holder.
    public init(directory: URL) throws {
        let dir = directory.standardizedFileURL
        url = dir.deletingLastPathComponent().appendingPathComponent(dir.lastPathComponent + ".lock")
        try RunError.createFolder(dir.deletingLastPathComponent())
        var fd: Int32
        var previous: Int32?
        while true {
            fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw RunError.lockFailed(path: url.path, reason: String(cString: strerror(errno))) }
            previous = Self.holder(fd)
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                close(fd)
                if code == EWOULDBLOCK {
                    throw RunError.locked(directory: directory.path, pid: previous ?? 0, lockFile: url.path)
                }
                throw RunError.lockFailed(path: url.path, reason: String(cString: strerror(code)))
            }
            // The holder may have released (unlinked) the file between our open and flock:
            // then this lock is on a file nobody else will see; start over on the new one.
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0, stat(url.path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev {
                break
            }
            close(fd)
        }
        descriptor = fd
        staleHolder = previous.flatMap { $0 == getpid() ? nil : $0 }
        let text = "\(getpid())\n"
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.utf8.count, 0) == text.utf8.count, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            release()
            throw RunError.lockFailed(path: url.path, reason: reason)
        }
    }

    /// Removes the lock file and drops the lock (also on deinit).
    public func release() {
        guard descriptor >= 0 else { return }
        // Unlink while still holding the lock, so nobody locks a file that is about to vanish.
        unlink(url.path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// The PID a lock file holds, if it holds one.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
