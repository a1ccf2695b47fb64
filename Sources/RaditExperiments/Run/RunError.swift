import Foundation
import RaditBase

/// What can stop a run before or while it works.
public enum RunError: RaditError, Equatable {
    case exists(directory: String)
    case notARun(directory: String)
    case noCheckpoint(directory: String)
    case corrupt(what: String)
    case emptySplit(split: String)
    case locked(directory: String, pid: Int32, lockFile: String)
    case lockFailed(path: String, reason: String)
    /// A `*.from_run` folder without a checkpoint to adopt.
    case noSourceCheckpoint(key: String, directory: String)
    /// A run or sweep folder that cannot be created (no write permission, a file in the way).
    case cannotCreate(directory: String, reason: String)

    public var message: String {
        switch self {
        case let .exists(d):
            return "\(d) already holds a run; continue it with `radit run --resume \(d)`, choose another name with --name, or replace it with --overwrite"
        case let .notARun(d):
            return "\(d) has no run.h5; give --resume the folder of a run started by `radit run`"
        case let .noCheckpoint(d):
            return "\(d) has no checkpoint to resume from (train.checkpoint_every = 0 and the run stopped early); start it again"
        case let .corrupt(what):
            return "\(what) is missing or malformed; the file was not written by this Radit version"
        case let .emptySplit(split):
            return "the \(split) split is empty; check [data]"
        case let .locked(d, pid, lockFile):
            let holder = pid > 0 ? "process \(pid)" : "another process"
            return "\(d) is being written by \(holder) (lock \(lockFile)); wait for it to finish or stop it"
                + (pid > 0 ? " (kill \(pid))" : "") + ", or give this run another --name"
        case let .lockFailed(path, reason):
            return "cannot lock \(path): \(reason); check that the runs folder is writable"
        case let .cannotCreate(d, reason):
            return "cannot create \(d): \(reason); give a writable folder with --runs-dir (runs go to ./runs by default) or fix the folder's permissions"
        case let .noSourceCheckpoint(key, d):
            return "\(key) = \(d) holds no ckpt-<step>.h5; give the folder of a run that finished training, or a checkpoint file (its best.h5, a ckpt-<step>.h5)"
        }
    }
}

extension RunError {
    /// Creates `url` and its parents, or throws `cannotCreate` naming the folder and why.
    static func createFolder(_ url: URL) throws(RunError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            // The system's words (strerror), as the lock's errors give them, when Foundation kept them.
            let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
            let posix = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32($0.code))) : nil }
            let reason = posix ?? error.localizedDescription.replacingOccurrences(of: "The operation could not be completed. ", with: "")
            throw .cannotCreate(directory: url.path, reason: reason.hasSuffix(".") ? String(reason.dropLast()) : reason)
        }
    }
}
