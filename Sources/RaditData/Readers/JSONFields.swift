import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Typed access to the members of a JSON object, throwing `DataError` with the file, the
/// line of the field (or of the object when the field is missing) and the field's path.
struct JSONFields {
    let file: String
    let object: JSONObject
    /// Dotted path of the object inside the file, e.g. `data[3].paragraphs[0]`.
    let path: String

    init(_ object: JSONObject, file: String, path: String = "") {
        self.object = object
        self.file = file
        self.path = path
    }

    init(_ value: JSONValue, file: String, path: String = "", line: Int) throws(DataError) {
        guard case let .object(o) = value else {
            throw DataError.wrongType(file: file, line: line, field: path.isEmpty ? "<record>" : path, expected: "an object")
        }
        self.init(o, file: file, path: path)
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
    func line(_ key: String) -> Int { object.keyLines[key] ?? object.line }

    func value(_ key: String) throws(DataError) -> JSONValue {
        guard let v = object[key] else {
            throw DataError.missingField(file: file, line: object.line, field: fieldPath(key))
        }
        return v
    }

    func has(_ key: String) -> Bool {
        if let v = object[key], v != .null { return true }
        return false
    }

    func string(_ key: String) throws(DataError) -> String {
        switch try value(key) {
        case let .string(s): return s
        default: throw wrong(key, "a string")
        }
    }

    /// A string, or a number rendered as an integer when it is one (ids written as numbers).
    func identifier(_ key: String) throws(DataError) -> String {
        switch try value(key) {
        case let .string(s): return s
        case let .number(d) where d == d.rounded() && abs(d) < 1e15: return String(Int64(d))
        default: throw wrong(key, "a string or integer id")
        }
    }

    func optionalString(_ key: String) throws(DataError) -> String? {
        guard let v = object[key], v != .null else { return nil }
        guard case let .string(s) = v else { throw wrong(key, "a string") }
        return s
    }

    func bool(_ key: String) throws(DataError) -> Bool? {
        guard let v = object[key], v != .null else { return nil }
        switch v {
        case let .bool(b): return b
        case let .number(d): return d != 0
        default: throw wrong(key, "a boolean")
        }
    }

    func array(_ key: String) throws(DataError) -> [JSONValue] {
        switch try value(key) {
        case let .array(a, _): return a
        default: throw wrong(key, "an array")
        }
    }

    func strings(_ key: String) throws(DataError) -> [String] {
        var out: [String] = []
        for (n, v) in try array(key).enumerated() {
            guard case let .string(s) = v else { throw wrong("\(key)[\(n)]", "a string") }
            out.append(s)
        }
        return out
    }

    func objects(_ key: String) throws(DataError) -> [JSONFields] {
        var out: [JSONFields] = []
        for (n, v) in try array(key).enumerated() {
            guard case let .object(o) = v else { throw wrong("\(key)[\(n)]", "an object") }
            out.append(JSONFields(o, file: file, path: fieldPath("\(key)[\(n)]")))
        }
        return out
    }

    func wrong(_ key: String, _ expected: String) -> DataError {
        let base = String(key.prefix { $0 != "[" })
        return .wrongType(file: file, line: line(base), field: fieldPath(key), expected: expected)
    }
}

/// The contents of a file, gunzipped when it is gzip data (a `.gz` name or the magic
/// number), so every reader takes `.gz` files.
func readFileBytes(_ path: String) throws(DataError) -> [UInt8] {
    let raw = try readRawFileBytes(path)
    if path.hasSuffix(".gz") || Gzip.isCompressed(raw) { return try Gzip.decompress(raw, file: path) }
    return raw
}

/// `path`, or `path.gz` when only the compressed file exists (nil when neither does).
func existingDataFile(_ path: String) -> String? {
    if FileManager.default.fileExists(atPath: path) { return path }
    if FileManager.default.fileExists(atPath: path + ".gz") { return path + ".gz" }
    return nil
}

/// A file name without a trailing `.gz` (what a format is recognised by).
func withoutGzipSuffix(_ name: String) -> String {
    name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
}

/// Reads a whole file as bytes, naming the file in the error.
func readRawFileBytes(_ path: String) throws(DataError) -> [UInt8] {
    guard let f = fopen(path, "rb") else {
        throw DataError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n > 0 { out.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count {
            if ferror(f) != 0 { throw DataError.unreadable(file: path, reason: "read error") }
            break
        }
    }
    return out
}

/// Parses a whole-file JSON document.
func parseJSONFile(_ path: String) throws(DataError) -> JSONValue {
    let bytes = try readFileBytes(path)
    do throws(JSONParseError) {
        return try JSONParser.parse(bytes)
    } catch {
        throw DataError.malformedJSON(file: path, line: error.line, detail: error.detail)
    }
}

/// The lines of a text file as byte slices with 1-based numbers; blank lines are dropped.
func nonEmptyLines(_ bytes: [UInt8]) -> [(line: Int, bytes: ArraySlice<UInt8>)] {
    var out: [(Int, ArraySlice<UInt8>)] = []
    var start = 0
    var number = 1
    for (k, b) in bytes.enumerated() where b == 0x0A {
        var end = k
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        if bytes[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 }) { out.append((number, bytes[start..<end])) }
        start = k + 1
        number += 1
    }
    if start < bytes.count {
        let s = bytes[start...]
        if s.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { out.append((number, s)) }
    }
    return out
}

/// Runs `body` on each JSONL record; malformed lines and records throw, or are skipped and
/// counted in `report` when `lenient`.
func forEachJSONLine(_ path: String, lenient: Bool, report: inout ReadReport,
                     _ body: (JSONFields, Int) throws(DataError) -> Void) throws(DataError) {
    let bytes = try readFileBytes(path)
    for (number, slice) in nonEmptyLines(bytes) {
        do throws(DataError) {
            let value: JSONValue
            do throws(JSONParseError) {
                value = try JSONParser.parse(Array(slice), firstLine: number)
            } catch {
                throw DataError.malformedJSON(file: path, line: number, detail: error.detail)
            }
            try body(try JSONFields(value, file: path, line: number), number)
        } catch {
            if !lenient { throw error }
            report.record(error)
        }
    }
}
