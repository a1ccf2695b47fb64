import Foundation
import TOMLKit

/// A config's `[sweep]` section: a grid over config keys and/or named variants, whose
/// cross product (variants × grid) gives the cells `radit sweep` runs in order.
///
///     [sweep]
///     name = "ablation_topk"                              # default: the file's name
///     grid = { "train.raft_distractors" = [0, 2, 4], "eval.top_k" = [1, 3, 5] }
///     [[sweep.variant]]
///     name = "DSF+RAG"
///     set = { "train.lm_source" = "dsf", "eval.mode" = "concat" }
///
/// Grid keys may also be nested tables (`[sweep.grid.eval] top_k = [1, 3]`). Every key and
/// value is type-checked against `ConfigSchema` when the file is parsed, naming the key.
public struct SweepPlan: Sendable, Equatable {
    /// `[sweep] name`, nil when the file does not name the sweep.
    public var name: String?
    /// Grid axes in schema order (data, index, retriever, lm, train, eval), so the cells of
    /// one trained configuration are neighbours and the order never depends on the file.
    public var grid: [SweepAxis]
    /// Named variants in file order.
    public var variants: [SweepVariant]

    /// The cells: each variant (or the base config when there is none) × the grid, the last
    /// axis varying fastest.
    public func cells() -> [SweepCell] {
        var combos: [[SweepSetting]] = [[]]
        for axis in grid {
            combos = combos.flatMap { prefix in axis.values.map { prefix + [SweepSetting(key: axis.key, value: $0)] } }
        }
        let labels = axisLabels()
        let variantList: [SweepVariant?] = variants.isEmpty ? [nil] : variants.map { $0 }
        var cells: [SweepCell] = []
        for v in variantList {
            for combo in combos {
                var parts: [String] = v.map { [$0.name] } ?? []
                parts += combo.map { "\(labels[$0.key]!)=\($0.value.plain)" }
                let name = parts.isEmpty ? "base" : parts.joined(separator: ",")
                cells.append(SweepCell(name: Self.pathSafe(name), variant: v?.name, settings: (v?.settings ?? []) + combo))
            }
        }
        return cells
    }

    /// Short axis labels for cell names: the key without its section (`top_k`), or the whole
    /// key when two axes share a name (`data.seed`, `train.seed`).
    func axisLabels() -> [String: String] {
        var byName: [String: Int] = [:]
        for a in grid { byName[ConfigSchema.byKey[a.key]!.name, default: 0] += 1 }
        return Dictionary(uniqueKeysWithValues: grid.map { a in
            let name = ConfigSchema.byKey[a.key]!.name
            return (a.key, byName[name]! > 1 ? a.key : name)
        })
    }

    /// A cell name usable as a folder name: letters, digits and `._+=,-` kept, anything else
    /// (slashes, spaces, quotes) becomes `_`; never hidden, never empty, at most 200 bytes.
    public static func pathSafe(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+=,-")
        var out = String(name.map { allowed.contains($0) ? $0 : "_" })
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        if out.isEmpty { out = "_" }
        return String(out.prefix(200))
    }

    // MARK: Parsing

    static func parse(_ table: TOMLTable, file: String) throws -> SweepPlan {
        var plan = SweepPlan(name: nil, grid: [], variants: [])
        for (key, value) in table {
            switch key {
            case "name":
                guard value.type == .string, let s = value.string, !s.isEmpty else {
                    throw ConfigError.badSweep(file: file, key: "sweep.name", reason: "must be a non-empty string (the folder under runs/), found \(ExperimentConfig.describe(value))")
                }
                plan.name = s
            case "grid":
                guard let g = value.table else {
                    throw ConfigError.badSweep(file: file, key: "sweep.grid", reason: "must be a table of key = [values], e.g. grid = { \"eval.top_k\" = [1, 3, 5] }, found \(ExperimentConfig.describe(value))")
                }
                for (k, v) in flatten(g) {
                    guard let field = ConfigSchema.byKey[k] else { throw gridKeyError(k, file: file) }
                    guard let array = v.array else {
                        throw ConfigError.badSweep(file: file, key: "sweep.grid.\(k)", reason: "must be an array of values to try, e.g. [1, 3, 5], found \(ExperimentConfig.describe(v))")
                    }
                    var values: [ConfigValue] = []
                    for e in array {
                        var value = try ExperimentConfig.convert(e, to: field, key: k, file: "\(file) [sweep] grid")
                        if case .ints = field.type, case .int(let i) = value { value = .ints([i]) }
                        guard !values.contains(value) else {
                            throw ConfigError.badSweep(file: file, key: "sweep.grid.\(k)", reason: "lists \(value) twice; each value gives one cell")
                        }
                        values.append(value)
                    }
                    guard !values.isEmpty else {
                        throw ConfigError.badSweep(file: file, key: "sweep.grid.\(k)", reason: "is empty; list at least one value or remove the axis")
                    }
                    plan.grid.append(SweepAxis(key: k, values: values))
                }
            case "variant":
                guard let list = value.array else {
                    throw ConfigError.badSweep(file: file, key: "sweep.variant", reason: "must be an array of tables: write each as [[sweep.variant]] with name = \"…\" and set = { … }")
                }
                for (i, element) in list.enumerated() {
                    guard let t = element.table else {
                        throw ConfigError.badSweep(file: file, key: "sweep.variant[\(i)]", reason: "must be a table with name = \"…\" and set = { … }")
                    }
                    plan.variants.append(try variant(t, index: i, file: file))
                }
            default:
                if let advice = ConfigSchema.retired["sweep.\(key)"] {
                    throw ConfigError.retiredKey(file: file, key: "sweep.\(key)", advice: advice)
                }
                throw ConfigError.badSweep(file: file, key: "sweep.\(key)", reason: "is not a [sweep] key; [sweep] holds name, grid = { \"section.key\" = [values] } and [[sweep.variant]] tables")
            }
        }
        plan.grid.sort { ConfigSchema.position[$0.key]! < ConfigSchema.position[$1.key]! }
        let gridKeys = Set(plan.grid.map(\.key))
        var seen: Set<String> = []
        for v in plan.variants {
            guard seen.insert(v.name).inserted else {
                throw ConfigError.badSweep(file: file, key: "sweep.variant", reason: "names \"\(v.name)\" twice; variant names must differ (they name the cells)")
            }
            if let clash = v.settings.first(where: { gridKeys.contains($0.key) }) {
                throw ConfigError.badSweep(file: file, key: "sweep.variant", reason: "\"\(v.name)\" sets `\(clash.key)`, which is also a grid axis; set it in one place")
            }
        }
        guard !plan.grid.isEmpty || !plan.variants.isEmpty else {
            throw ConfigError.badSweep(file: file, key: "sweep", reason: "declares no cells: add grid = { \"section.key\" = [values] } and/or [[sweep.variant]] tables")
        }
        var names: [String: SweepCell] = [:]
        for c in plan.cells() {
            if let other = names[c.name] {
                throw ConfigError.badSweep(file: file, key: "sweep", reason: "gives two cells the folder name \"\(c.name)\" (\(other.overrides.joined(separator: " ")) and \(c.overrides.joined(separator: " "))); rename a variant")
            }
            names[c.name] = c
        }
        return plan
    }

    static func variant(_ t: TOMLTable, index i: Int, file: String) throws -> SweepVariant {
        var name: String?
        var settings: [SweepSetting] = []
        for (k, v) in t {
            switch k {
            case "name":
                guard v.type == .string, let s = v.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ConfigError.badSweep(file: file, key: "sweep.variant[\(i)].name", reason: "must be a non-empty string, found \(ExperimentConfig.describe(v))")
                }
                name = s
            case "set":
                guard let s = v.table else {
                    throw ConfigError.badSweep(file: file, key: "sweep.variant[\(i)].set", reason: "must be a table of key = value, e.g. set = { \"train.lm_source\" = \"dsf\" }, found \(ExperimentConfig.describe(v))")
                }
                for (key, value) in flatten(s) {
                    guard let field = ConfigSchema.byKey[key] else { throw gridKeyError(key, file: file) }
                    var converted = try ExperimentConfig.convert(value, to: field, key: key, file: "\(file) [[sweep.variant]] \(i)")
                    if case .ints = field.type, case .int(let n) = converted { converted = .ints([n]) }
                    settings.append(SweepSetting(key: key, value: converted))
                }
            default:
                throw ConfigError.badSweep(file: file, key: "sweep.variant[\(i)].\(k)", reason: "is not a variant key; a variant holds name = \"…\" and set = { \"section.key\" = value }")
            }
        }
        guard let name else {
            throw ConfigError.badSweep(file: file, key: "sweep.variant[\(i)].name", reason: "is missing; every variant needs a name (it names its cells)")
        }
        settings.sort { ConfigSchema.position[$0.key]! < ConfigSchema.position[$1.key]! }
        return SweepVariant(name: name, settings: settings)
    }

    /// A grid or variant key the schema lacks: what replaced it if retired, else the nearest key.
    static func gridKeyError(_ key: String, file: String) -> ConfigError {
        if let advice = ConfigSchema.retired[key] { return .retiredKey(file: "\(file) [sweep]", key: key, advice: advice) }
        let hint = ExperimentConfig.suggestion(for: key).map { "; did you mean `\($0)`?" } ?? "; `radit config explain` lists every key"
        return .badSweep(file: file, key: key, reason: "is not a config key" + hint)
    }

    /// Dotted keys of a possibly nested table: `{ "eval.top_k" = … }` and `{ eval = { top_k = … } }`
    /// both give `eval.top_k`.
    static func flatten(_ table: TOMLTable, prefix: String = "") -> [(String, TOMLValueConvertible)] {
        var out: [(String, TOMLValueConvertible)] = []
        for (k, v) in table {
            if let inner = v.table {
                out += flatten(inner, prefix: prefix + k + ".")
            } else {
                out.append((prefix + k, v))
            }
        }
        return out
    }
}

/// One grid axis: a config key and the values it takes.
public struct SweepAxis: Sendable, Equatable {
    public var key: String
    public var values: [ConfigValue]
}

/// A named set of config values (`[[sweep.variant]]`), e.g. RAFT Table 1's "DSF + RAG".
public struct SweepVariant: Sendable, Equatable {
    public var name: String
    public var settings: [SweepSetting]
}

/// `key = value`, applied to a cell's config exactly as `--set key=value` would be.
public struct SweepSetting: Sendable, Equatable {
    public var key: String
    public var value: ConfigValue

    /// The `--set` spelling (the value in TOML syntax).
    public var override: String { "\(key)=\(value)" }
}

/// One cell of a sweep: its folder name, its variant and the settings it adds to the base config.
/// Also what `radit table` and `radit report` read back from a cell's `cell.json`
/// (`SweepManifest.readCell`).
public struct SweepCell: Sendable, Equatable {
    public var name: String
    public var variant: String?
    /// The variant's settings then the grid values, in schema order each.
    public var settings: [SweepSetting]

    /// The settings as `--set` overrides.
    public var overrides: [String] { settings.map(\.override) }
}

extension SweepCell: Decodable {
    private enum Field: String, CodingKey { case cell, variant, overrides }

    /// From `cell.json` (the `sweep` name aside): the settings in schema order, since a JSON
    /// object keeps none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Field.self)
        let o = try c.nestedContainer(keyedBy: ConfigCodingKey.self, forKey: .overrides)
        var settings: [SweepSetting] = []
        for k in o.allKeys {
            settings.append(SweepSetting(key: k.stringValue, value: try ConfigValue.decode(o, k, key: k.stringValue)))
        }
        let position = ConfigSchema.position
        settings.sort { (position[$0.key] ?? Int.max, $0.key) < (position[$1.key] ?? Int.max, $1.key) }
        self.init(name: try c.decode(String.self, forKey: .cell), variant: try c.decodeIfPresent(String.self, forKey: .variant),
                  settings: settings)
    }
}
