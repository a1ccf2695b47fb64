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

    public init(baseURL: String, model: String, apiKeyVariable: String? = nil, http: HTTPClientConfig = HTTPClientConfig()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model; self.apiKeyVariable = apiKeyVariable; self.http = http
    }

    func url(_ path: String) -> String { baseURL + path }
}
