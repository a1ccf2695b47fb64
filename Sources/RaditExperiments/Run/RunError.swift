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
        case let .noSourceCheckpoint(key, d):
            return "\(key) = \(d) holds no ckpt-<step>.h5; give the folder of a run that finished training, or a checkpoint file (its best.h5, a ckpt-<step>.h5)"
        }
    }
}
