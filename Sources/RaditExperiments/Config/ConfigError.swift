import RaditBase

/// A config that cannot run; every message names the file and the key, and how to fix it.
public enum ConfigError: RaditError, Equatable {
    case unreadable(file: String, reason: String)
    case empty(file: String)
    case syntax(file: String, line: Int, column: Int, reason: String)
    case unknownSection(file: String, section: String)
    case unknownKey(file: String, key: String, suggestion: String?)
    case retiredKey(file: String, key: String, advice: String)
    case sweepNeedsSweepCommand(file: String)
    case badSweep(file: String, key: String, reason: String)
    case wrongType(file: String, key: String, expected: String, found: String)
    case badOverride(text: String)
    case invalid(key: String, reason: String)
    case missingFile(key: String, path: String)

    public var message: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the config: \(reason)"
        case let .empty(file):
            return "\(file): the config is empty (running it would start the full default experiment); "
                + "start from experiments/tiny.toml (seconds) or experiments/quickstart.toml, or set at least "
                + "the [data], [lm] and [train] keys you mean (`radit config explain` lists every key)"
        case let .syntax(file, line, column, reason):
            return "\(file):\(line):\(column): TOML syntax error: \(reason)"
        case let .unknownSection(file, section):
            return "\(file): unknown section [\(section)]; sections are " + ConfigSchema.sections.map { "[\($0)]" }.joined(separator: " ")
        case let .unknownKey(file, key, suggestion):
            return "\(file): unknown key `\(key)`" + (suggestion.map { "; did you mean `\($0)`?" } ?? "; `radit config explain` lists every key")
        case let .retiredKey(file, key, advice):
            return "\(file): `\(key)` is no longer a key: \(advice)"
        case let .sweepNeedsSweepCommand(file):
            return "\(file) declares a [sweep]: run its cells with `radit sweep \(file)` (each into runs/<sweep>/<cell>/), or remove the [sweep] section to run the base config alone"
        case let .badSweep(file, key, reason):
            return "\(file): [sweep] `\(key)` \(reason)"
        case let .wrongType(file, key, expected, found):
            return "\(file): `\(key)` must be \(expected), found \(found)"
        case let .badOverride(text):
            return "--set \(text): write --set section.key=value, e.g. --set train.steps=20"
        case let .invalid(key, reason):
            return "`\(key)` \(reason)"
        case let .missingFile(key, path):
            return "`\(key)` = \"\(path)\": no such file or folder; point \(key) at an existing path (the default models come from `make models`)"
        }
    }
}
