/// A typed config value (the TOML types a Radit config uses).
public enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])
    case doubles([Double])
    case strings([String])

    /// TOML spelling, as the resolved config prints it.
    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return Self.format(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return Self.quote(v)
        case .ints(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .doubles(let v): return "[" + v.map(Self.format).joined(separator: ", ") + "]"
        case .strings(let v): return "[" + v.map(Self.quote).joined(separator: ", ") + "]"
        }
    }

    /// JSON spelling, for `/config/resolved`.
    public var json: String {
        switch self {
        case .double(let v): return v.isFinite ? Self.format(v) : "null"
        case .doubles(let v): return "[" + v.map { $0.isFinite ? Self.format($0) : "null" }.joined(separator: ", ") + "]"
        default: return description
        }
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? "\(Int(v)).0" : "\(v)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if ch.value < 0x20 {
                    let hex = String(ch.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }
}
