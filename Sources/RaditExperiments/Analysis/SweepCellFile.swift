import Foundation

/// A JSON scalar or list as config files and `cell.json` hold them, printed as TOML would.
public enum JSONValue: Sendable, Equatable, Decodable, CustomStringConvertible {
    case bool(Bool), int(Int), double(Double), string(String), list([JSONValue]), null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int.self) { self = .int(i); return }
        if let d = try? c.decode(Double.self) { self = .double(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let l = try? c.decode([JSONValue].self) { self = .list(l); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a scalar or a list")
    }

    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return s
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }

    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}

/// `cell.json` beside a sweep cell's run.h5 as `SweepManifest` writes it (the planned cell is `SweepCell`): which sweep and cell it is, the variant's
/// name (nil for a pure grid cell) and the keys the cell sets.
public struct SweepCellFile: Sendable, Equatable, Decodable {
    public var sweep: String
    public var cell: String
    public var variant: String?
    public var overrides: [String: JSONValue]

    public init(sweep: String, cell: String, variant: String?, overrides: [String: JSONValue]) {
        self.sweep = sweep
        self.cell = cell
        self.variant = variant
        self.overrides = overrides
    }

    public static let fileName = "cell.json"
}
