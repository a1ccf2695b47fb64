import Foundation

/// An HTTP method the remote clients use.
public enum HTTPMethod: String, Sendable {
    case get = "GET", post = "POST", delete = "DELETE"
}

/// One request. Credentials are not part of it: the client adds the API key itself, so a
/// request value can be printed, cached or written without carrying a secret.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    /// Absolute URL (`http://127.0.0.1:8080/v1/models`).
    public var url: String
    /// Header lines other than authorisation, in order.
    public var headers: [HTTPHeader]
    public var body: Data?

    public init(method: HTTPMethod, url: String, headers: [HTTPHeader] = [], body: Data? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// A complete response (status 2xx unless the caller asked for every status).
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: Data
    /// How many attempts it took (1 = no retry).
    public var attempts: Int

    /// The server's request id (`x-request-id`), for reports to the server's operator.
    public var requestId: String? { headers["x-request-id"] }
}
