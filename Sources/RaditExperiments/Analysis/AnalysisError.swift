import RaditBase
import RaditEval

/// Why a folder or file cannot be read as runs.
public enum AnalysisError: RaditError, Equatable {
    case notARunOrSweep(path: String)
    case unfinished(run: String)
    case badCell(file: String, reason: String)
    case ambiguous(layout: String, detail: String)
    case unknownLayout(String)
    case unknownBaseline(layout: String, baseline: String, rows: [String])
    case nothingToTable(layout: String, reason: String)

    public var message: String {
        switch self {
        case let .notARunOrSweep(p):
            return "\(p): neither a run folder (with run.h5), a sweep folder (subfolders with run.h5) nor a `radit bench retrieval` .h5 file"
        case let .unfinished(r):
            return "\(r): the run has no final evaluation yet (no /predictions in run.h5); finish it with `radit run --resume \(r)` or leave it out"
        case let .badCell(f, reason):
            return "\(f): \(reason); it must be {\"sweep\": name, \"cell\": name, \"variant\": name or null, \"overrides\": {key: value}}"
        case let .ambiguous(layout, detail):
            return "--layout \(layout): \(detail)"
        case let .unknownLayout(l):
            return "--layout \(l) is not one of \(TableLayout.names.joined(separator: ", "))"
        case let .unknownBaseline(layout, b, rows):
            return "--baseline \(b) is not a row of the \(layout) table; rows: \(rows.joined(separator: ", "))"
        case let .nothingToTable(layout, reason):
            return "--layout \(layout): \(reason)"
        }
    }
}
