import Foundation
import RaditBase
import TOMLKit

/// A parsed, type-checked experiment config: every schema key has a value (the file's,
/// an override's, or the default). Built by `parse` then `apply(overrides:)`, checked by
/// `validate` before any work starts.
public struct ExperimentConfig: Sendable, Equatable {
    /// The TOML text as given (stored in run.h5 `/config/toml`).
    public var text: String
    /// Where it came from, for messages.
    public var file: String
    public internal(set) var values: [String: ConfigValue]
    /// Keys the file or an override set (even to the default value), for keys that must be
    /// chosen explicitly (the oracle share with RAFT).
    public internal(set) var explicitKeys: Set<String> = []
    /// The `[sweep]` section: a grid and/or named variants over the keys above, run by
    /// `radit sweep`; nil without one (`radit run` refuses a config that has one).
    public internal(set) var sweep: SweepPlan?

    /// All defaults.
    public init() {
        text = ""
        file = "<defaults>"
        values = Dictionary(uniqueKeysWithValues: ConfigSchema.fields.map { ($0.key, $0.defaultValue) })
    }

    public static func load(_ url: URL) throws -> ExperimentConfig {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError.unreadable(file: url.path, reason: "\(error.localizedDescription)")
        }
        // An empty file would silently run the full default experiment.
        let settings = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if settings.allSatisfy({ $0.isEmpty || $0.hasPrefix("#") }) { throw ConfigError.empty(file: url.path) }
        return try parse(text, file: url.path)
    }

    /// Parses TOML text; unknown sections and keys and wrong types throw naming the key.
    public static func parse(_ text: String, file: String = "<config>") throws -> ExperimentConfig {
        var config = ExperimentConfig()
        config.text = text
        config.file = file
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigError.syntax(file: file, line: e.source.begin.line, column: e.source.begin.column, reason: e.description)
        }
        for (section, value) in root {
            guard ConfigSchema.sections.contains(section), let table = value.table else {
                if ConfigSchema.sections.contains(section) {
                    throw ConfigError.wrongType(file: file, key: section, expected: "a [\(section)] table", found: describe(value))
                }
                throw ConfigError.unknownSection(file: file, section: section)
            }
            if section == "sweep" {
                config.sweep = try SweepPlan.parse(table, file: file)
                continue
            }
            for (name, v) in table {
                let key = "\(section).\(name)"
                guard let field = ConfigSchema.byKey[key] else { throw unknown(key, file: file) }
                config.values[key] = try convert(v, to: field, key: key, file: file)
                config.explicitKeys.insert(key)
            }
        }
        config.applyRecipe()
        return config
    }

    /// The recipe (`train.recipe`) the config chose.
    public var recipe: TrainingRecipe { choice("train.recipe") }

    /// Gives every key neither the file nor an override set its recipe value, else its
    /// schema default (so a recipe chosen or dropped by `--set` takes effect either way).
    mutating func applyRecipe() {
        var preset: [String: ConfigValue] = [:]
        for s in ConfigSchema.recipes[recipe] ?? [] { preset[s.key] = s.value }
        for f in ConfigSchema.fields where !explicitKeys.contains(f.key) {
            values[f.key] = preset[f.key] ?? f.defaultValue
        }
    }

    /// Keys the recipe governs that the file or an override set to another value: the
    /// run's deviations from the paper's recipe, with the recipe's value.
    public var recipeDeviations: [(key: String, recipe: ConfigValue)] {
        (ConfigSchema.recipes[recipe] ?? []).filter { values[$0.key] != $0.value }.map { ($0.key, $0.value) }
    }

    /// Applies `--set a.b=v` overrides, each type-checked against the schema.
    public mutating func apply(overrides: [String]) throws {
        for o in overrides {
            guard let eq = o.firstIndex(of: "=") else { throw ConfigError.badOverride(text: o) }
            let key = o[..<eq].trimmingCharacters(in: .whitespaces)
            let raw = String(o[o.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            guard let field = ConfigSchema.byKey[key] else { throw Self.unknown(key, file: "--set") }
            // Parse the value as TOML so `--set` accepts what a file would ("x", [1, 2], 1e-4);
            // a bare word is taken as a string for string and choice keys.
            var value: ConfigValue
            if let table = try? TOMLTable(string: "v = \(raw)"), let v = table["v"] {
                value = try Self.convert(v, to: field, key: key, file: "--set")
            } else {
                switch field.type {
                case .string, .choice, .choiceList: value = try Self.convert(raw, to: field, key: key, file: "--set")
                default:
                    throw ConfigError.wrongType(file: "--set", key: key, expected: field.type.description, found: "`\(raw)`")
                }
            }
            if case .ints = field.type, case .int(let i) = value { value = .ints([i]) }
            values[key] = value
            explicitKeys.insert(key)
        }
        applyRecipe()
    }

    // MARK: Typed access

    public subscript(key: String) -> ConfigValue {
        guard let v = values[key] else { preconditionFailure("config key \(key) is not in ConfigSchema") }
        return v
    }

    public func int(_ key: String) -> Int {
        guard case .int(let v) = self[key] else { preconditionFailure("\(key) is not an int") }
        return v
    }

    public func double(_ key: String) -> Double {
        switch self[key] {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: preconditionFailure("\(key) is not a number")
        }
    }

    public func bool(_ key: String) -> Bool {
        guard case .bool(let v) = self[key] else { preconditionFailure("\(key) is not a bool") }
        return v
    }

    public func string(_ key: String) -> String {
        guard case .string(let v) = self[key] else { preconditionFailure("\(key) is not a string") }
        return v
    }

    public func ints(_ key: String) -> [Int] {
        guard case .ints(let v) = self[key] else { preconditionFailure("\(key) is not an int array") }
        return v
    }

    /// The items of a comma-separated list key, trimmed, empty items dropped.
    public func list(_ key: String) -> [String] {
        string(key).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// An enum-typed key (the schema guarantees the raw value is a valid case).
    public func choice<E: RawRepresentable>(_ key: String, as: E.Type = E.self) -> E where E.RawValue == String {
        guard let e = E(rawValue: string(key)) else { preconditionFailure("\(key) = \(string(key)) is not a \(E.self)") }
        return e
    }

    /// Keys whose value differs from the default.
    public var nonDefaultKeys: Set<String> {
        Set(ConfigSchema.fields.filter { values[$0.key] != $0.defaultValue }.map(\.key))
    }

    // MARK: Rendering

    /// The resolved config as TOML, every key, non-defaults marked `# *` and the recipe's
    /// keys marked with the recipe or as deviations from it (what `radit run` prints
    /// before starting).
    public func rendered() -> String {
        var out: [String] = []
        let changed = nonDefaultKeys
        let preset = Set((ConfigSchema.recipes[recipe] ?? []).map(\.key))
        let deviations = Dictionary(uniqueKeysWithValues: recipeDeviations.map { ($0.key, $0.recipe) })
        for section in ConfigSchema.keySections {
            out.append("[\(section)]")
            for f in ConfigSchema.fields where f.section == section {
                var mark = changed.contains(f.key) ? "   # * (default \(f.defaultValue))" : ""
                if let r = deviations[f.key] {
                    mark += "   # deviates from recipe \(recipe.rawValue) (\(r))"
                } else if preset.contains(f.key) {
                    mark += "   # recipe \(recipe.rawValue)"
                }
                out.append("\(f.name) = \(self[f.key])\(mark)")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// The resolved config as JSON (`/config/resolved`): `{"section": {"key": value}}`.
    public func resolvedJSON() -> String {
        var sections: [String] = []
        for section in ConfigSchema.keySections {
            let items = ConfigSchema.fields.filter { $0.section == section }.map { "\(jsonQuoted($0.name)): \(self[$0.key].json)" }
            sections.append("\(jsonQuoted(section)): {\(items.joined(separator: ", "))}")
        }
        return "{" + sections.joined(separator: ", ") + "}"
    }

    /// `resolvedJSON()` read back: `section.key` → value, typed by the schema.
    public static func resolvedValues(fromJSON json: String) throws -> [String: ConfigValue] {
        try JSONDecoder().decode(ResolvedSections.self, from: Data(json.utf8)).values
    }

    private struct ResolvedSections: Decodable {
        var values: [String: ConfigValue] = [:]

        init(from decoder: Decoder) throws {
            let sections = try decoder.container(keyedBy: ConfigCodingKey.self)
            for section in sections.allKeys {
                let keys = try sections.nestedContainer(keyedBy: ConfigCodingKey.self, forKey: section)
                for k in keys.allKeys {
                    let key = "\(section.stringValue).\(k.stringValue)"
                    values[key] = try ConfigValue.decode(keys, k, key: key)
                }
            }
        }
    }

    // MARK: Conversion

    static func describe(_ v: TOMLValueConvertible) -> String {
        "\(v.type) \(v.debugDescription)"
    }

    static func convert(_ v: TOMLValueConvertible, to field: ConfigField, key: String, file: String) throws -> ConfigValue {
        func wrong() -> ConfigError {
            .wrongType(file: file, key: key, expected: field.type.description, found: describe(v))
        }
        switch field.type {
        case .int:
            guard v.type == .int, let i = v.int else { throw wrong() }
            return .int(i)
        case .double:
            if v.type == .double, let d = v.double { return .double(d) }
            if v.type == .int, let i = v.int { return .double(Double(i)) }
            throw wrong()
        case .bool:
            guard v.type == .bool, let b = v.bool else { throw wrong() }
            return .bool(b)
        case .string:
            guard v.type == .string, let s = v.string else { throw wrong() }
            return .string(s)
        case .choice(let options):
            guard v.type == .string, let s = v.string else { throw wrong() }
            guard options.contains(s) else {
                throw ConfigError.wrongType(file: file, key: key, expected: field.type.description, found: "\"\(s)\"")
            }
            return .string(s)
        case .choiceList(let options):
            guard v.type == .string, let s = v.string else { throw wrong() }
            for item in s.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !options.contains(item) {
                throw ConfigError.wrongType(file: file, key: key, expected: field.type.description, found: "\"\(item)\" in \"\(s)\"")
            }
            return .string(s)
        case .ints:
            guard let a = v.array else { throw wrong() }
            var out: [Int] = []
            for e in a {
                guard e.type == .int, let i = e.int else { throw wrong() }
                out.append(i)
            }
            return .ints(out)
        }
    }

    /// The error for a key the schema lacks: what replaced it if it was retired, else the
    /// nearest key.
    static func unknown(_ key: String, file: String) -> ConfigError {
        if let advice = ConfigSchema.retired[key] { return .retiredKey(file: file, key: key, advice: advice) }
        return .unknownKey(file: file, key: key, suggestion: suggestion(for: key))
    }

    /// The closest known key within edit distance 3, for "did you mean".
    static func suggestion(for key: String) -> String? {
        let scored = ConfigSchema.fields.map { ($0.key, editDistance($0.key, key)) }
            + ConfigSchema.fields.map { ($0.key, editDistance($0.name, key)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 3 else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
