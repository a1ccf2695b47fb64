/// One column of the columnar records encoding: a typed, row-major array with its shape,
/// ready to become one HDF5 dataset (RaditStore `createDataset(_:values:shape:)` /
/// `createDataset(_:strings:shape:)`).
public enum RecordColumn: Sendable, Equatable {
    case strings([String], shape: [Int])
    case doubles([Double], shape: [Int])
    case floats([Float], shape: [Int])
    case ints([Int64], shape: [Int])

    public var shape: [Int] {
        switch self {
        case let .strings(_, s), let .doubles(_, s), let .floats(_, s), let .ints(_, s): return s
        }
    }

    /// The HDF5 element type the column maps to.
    public var dtypeName: String {
        switch self {
        case .strings: return "string"
        case .doubles: return "float64"
        case .floats: return "float32"
        case .ints: return "int64"
        }
    }
}

/// Named columns in layout order, plus the integer attributes of the group that holds them.
/// The engine writes each column as a dataset of one HDF5 group and reads them back into
/// this type; RaditEval never touches HDF5 itself.
public struct RecordColumns: Sendable, Equatable {
    /// Layout version, stored as the group attribute `records_version`.
    public static let version = 1

    public private(set) var names: [String] = []
    private var storage: [String: RecordColumn] = [:]
    /// Group attributes (`records_version`, `k`, `ranking_depth`).
    public var attributes: [String: Int] = [:]

    public init() {}

    public subscript(name: String) -> RecordColumn? {
        get { storage[name] }
        set {
            if storage[name] == nil, newValue != nil { names.append(name) }
            if newValue == nil { names.removeAll { $0 == name } }
            storage[name] = newValue
        }
    }

    /// Columns in layout order.
    public var columns: [(name: String, column: RecordColumn)] { names.map { ($0, storage[$0]!) } }

    public static func == (a: RecordColumns, b: RecordColumns) -> Bool {
        a.storage == b.storage && a.attributes == b.attributes
    }
}
