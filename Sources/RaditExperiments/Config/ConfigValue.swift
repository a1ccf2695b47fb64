import RaditBase

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
        case .string(let v): return jsonQuoted(v)
        case .ints(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .doubles(let v): return "[" + v.map(Self.format).joined(separator: ", ") + "]"
        case .strings(let v): return "[" + v.map(jsonQuoted).joined(separator: ", ") + "]"
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

}

extension ConfigValue {
    /// The value as a cell name or a table label spells it: strings without quotes, no spaces.
    public var plain: String {
        if case .string(let s) = self { return s }
        return description.replacingOccurrences(of: " ", with: "")
    }

    /// Reads back a value `json` wrote (`cell.json`, `/config/resolved`), typed by the schema's
    /// field for `key` (`null` is a non-finite number). A key the schema no longer has (retired
    /// since the file was written) is read by its JSON shape.
    static func decode<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ codingKey: K, key: String) throws -> ConfigValue {
        switch ConfigSchema.byKey[key]?.type {
        case .int?: return .int(try c.decode(Int.self, forKey: codingKey))
        case .double?: return .double(try c.decodeNil(forKey: codingKey) ? .nan : c.decode(Double.self, forKey: codingKey))
        case .bool?: return .bool(try c.decode(Bool.self, forKey: codingKey))
        case .string?, .choice?, .choiceList?: return .string(try c.decode(String.self, forKey: codingKey))
        case .ints?: return .ints(try c.decode([Int].self, forKey: codingKey))
        case nil:
            if try c.decodeNil(forKey: codingKey) { return .double(.nan) }
            if let v = try? c.decode(Bool.self, forKey: codingKey) { return .bool(v) }
            if let v = try? c.decode(Int.self, forKey: codingKey) { return .int(v) }
            if let v = try? c.decode(Double.self, forKey: codingKey) { return .double(v) }
            if let v = try? c.decode(String.self, forKey: codingKey) { return .string(v) }
            if let v = try? c.decode([Int].self, forKey: codingKey) { return .ints(v) }
            if let v = try? c.decode([Double].self, forKey: codingKey) { return .doubles(v) }
            return .strings(try c.decode([String].self, forKey: codingKey))
        }
    }
}

/// A JSON object key that is a config key or a section's key name.
struct ConfigCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
