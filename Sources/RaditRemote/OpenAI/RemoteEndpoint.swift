import Foundation

/// Where an OpenAI-compatible API lives and how to reach it: what the config's
/// `[remote]` section describes. The key itself is never part of it, only the name of the
/// environment variable that holds it.
public struct RemoteEndpoint: Sendable, Equatable {
    /// Base URL including the version path, as the official clients take it
    /// (`http://127.0.0.1:8080/v1`).
    public var baseURL: String
    /// The model name sent with every request.
    public var model: String
    /// Environment variable holding the API key; nil for servers without keys.
    public var apiKeyVariable: String?
    public var http: HTTPClientConfig
    /// Where the user set the URL and the key variable, so that an error says what to fix.
    public var settingNames: RemoteSettingNames

    public init(baseURL: String, model: String, apiKeyVariable: String? = nil, http: HTTPClientConfig = HTTPClientConfig(),
                settingNames: RemoteSettingNames = .generic) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model; self.apiKeyVariable = apiKeyVariable; self.http = http; self.settingNames = settingNames
    }

    func url(_ path: String) -> String { baseURL + path }
}

/// The user-facing names of the settings behind an endpoint: config keys (the `[remote]`
/// section's, named where the config schema lives) or command-line flags (`--teacher-url`,
/// `--judge-url`, `--base-url`). Errors name them.
public struct RemoteSettingNames: Sendable, Equatable {
    /// What holds the base URL, and what names the API key's environment variable.
    public var baseURL: String
    public var apiKey: String

    public init(baseURL: String, apiKey: String) {
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    /// An endpoint built in code: its own fields.
    public static let generic = RemoteSettingNames(baseURL: "the endpoint's baseURL", apiKey: "the endpoint's apiKeyVariable")

    /// Command-line flags, e.g. `.flags(url: "--teacher-url")`.
    public static func flags(url: String, apiKey: String = "--api-key-env") -> RemoteSettingNames {
        RemoteSettingNames(baseURL: url, apiKey: apiKey)
    }

    /// How to say "set it to nothing" for the key setting.
    var clearKey: String {
        if apiKey.hasPrefix("--") { return "pass \(apiKey) '' for a server without keys" }
        if !apiKey.contains(" ") { return "set \(apiKey) = \"\" for a server without keys" }
        return "set \(apiKey) to nil for a server without keys"
    }
}
