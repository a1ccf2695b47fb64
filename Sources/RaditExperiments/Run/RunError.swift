import RaditBase

/// What can stop a run before or while it works.
public enum RunError: RaditError, Equatable {
    case exists(directory: String)
    case notARun(directory: String)
    case noCheckpoint(directory: String)
    case corrupt(what: String)
    case emptySplit(split: String)

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
        }
    }
}
