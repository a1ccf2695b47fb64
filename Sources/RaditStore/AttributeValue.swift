import RaditBase
/// A value stored as an HDF5 attribute: integers as int64, reals as float64, strings as
/// variable-length UTF-8; a scalar or a 1-D array of one of those.
public enum AttributeValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case ints([Int])
    case doubles([Double])
    case strings([String])

    /// The kind, for error messages ("int", "double array", ...).
    public var kindName: String {
        switch self {
        case .int: return "int"
        case .double: return "double"
        case .string: return "string"
        case .ints: return "int array"
        case .doubles: return "double array"
        case .strings: return "string array"
        }
    }

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return jsonQuoted(v)
        case .ints(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .doubles(let v): return "[" + v.map { String($0) }.joined(separator: ", ") + "]"
        case .strings(let v): return "[" + v.map(jsonQuoted).joined(separator: ", ") + "]"
        }
    }
}

