import RaditBase

/// What stops a sweep; every message names the cell and its folder, and how to go on.
public enum SweepError: RaditError, Equatable {
    case noSweep(file: String)
    case cellConfig(cell: String, reason: String)
    case staleCell(cell: String, directory: String)
    case cellFailed(cell: String, directory: String, reason: String)

    public var message: String {
        switch self {
        case let .noSweep(file):
            return "\(file) has no [sweep] section; run it with `radit run \(file)`, or add [sweep] with grid = { \"section.key\" = [values] } and/or [[sweep.variant]] tables"
        case let .cellConfig(cell, reason):
            return "sweep cell \(cell): \(reason)"
        case let .staleCell(cell, directory):
            return "sweep cell \(cell): \(directory) holds a run of a different config (the sweep file or --set changed since it ran); re-run every cell with --overwrite, or start a new sweep with --name"
        case let .cellFailed(cell, directory, reason):
            return "sweep cell \(cell) (\(directory)) failed: \(reason); fix it and run the same `radit sweep` command again: finished cells are kept"
        }
    }
}
