import Foundation

/// A bearer token read from an environment variable. It prints as `<redacted>` so that
/// string interpolation, `dump` or a debugger never shows it; only the client's
/// authorisation header reads the value.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    public init(_ value: String) { self.value = value }

    /// The key in `variable`; `RemoteError.missingAPIKey` when it is unset or empty.
    public static func fromEnvironment(_ variable: String,
                                       environment: [String: String] = ProcessInfo.processInfo.environment,
                                       names: RemoteSettingNames = .generic) throws -> APIKey {
        guard let v = environment[variable], !v.isEmpty else { throw RemoteError.missingAPIKey(variable: variable, names: names) }
        return APIKey(v)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
