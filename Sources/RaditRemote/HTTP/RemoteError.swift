import Foundation
import RaditBase

/// Why a remote call failed. Messages name the URL and what to do; they never contain
/// the API key (requests do not carry it, and response excerpts are the server's words).
public enum RemoteError: RaditError, Equatable {
    /// The environment variable the config names for the API key is unset or empty.
    case missingAPIKey(variable: String, names: RemoteSettingNames = .generic)
    /// The server answered with a non-success status (after retries when retryable).
    case http(status: Int, url: String, requestId: String?, excerpt: String, attempts: Int)
    /// The connection failed, timed out or broke off (curl's code and words), after retries.
    case transport(url: String, code: Int, detail: String, attempts: Int, names: RemoteSettingNames = .generic)
    /// The server asked to wait longer (`Retry-After`) than the policy allows.
    case retryAfterTooLong(url: String, status: Int, seconds: Double, limit: Double, requestId: String?)
    /// A success status whose body is not what the API promises (invalid JSON, missing field).
    case invalidResponse(url: String, status: Int, requestId: String?, reason: String, excerpt: String)
    /// The caller's callback asked to stop a streaming request.
    case stopped(url: String)
    /// A request the client refuses to send (bad URL, bad argument).
    case invalidRequest(String)

    public var message: String {
        switch self {
        case .missingAPIKey(let v, let names):
            return "the API key variable \(v) is not set: export \(v)=… (\(names.apiKey) names it), or \(names.clearKey)"
        case .http(let s, let url, let id, let excerpt, let attempts):
            return "HTTP \(s) from \(url)\(Self.idNote(id)) after \(attempts) attempt(s): \(excerpt)"
        case .transport(let url, let code, let detail, let attempts, let names):
            return "cannot reach \(url) (curl \(code): \(detail)) after \(attempts) attempt(s); check that the server runs and that "
                + "\(names.baseURL) is its base URL including the version path (e.g. http://127.0.0.1:8080/v1), then rerun"
        case .retryAfterTooLong(let url, let s, let sec, let limit, let id):
            return "HTTP \(s) from \(url)\(Self.idNote(id)) asks to retry after \(sec) s, beyond the \(limit) s limit (remote.max_retry_after_s)"
        case .invalidResponse(let url, let s, let id, let reason, let excerpt):
            return "unexpected response from \(url) (HTTP \(s))\(Self.idNote(id)): \(reason); body begins: \(excerpt)"
        case .stopped(let url):
            return "stream from \(url) stopped by the caller"
        case .invalidRequest(let m):
            return m
        }
    }

    /// The HTTP status when the server answered.
    public var status: Int? {
        switch self {
        case .http(let s, _, _, _, _), .invalidResponse(_, let s, _, _, _), .retryAfterTooLong(_, let s, _, _, _): return s
        default: return nil
        }
    }

    /// The server's request id when it sent one.
    public var requestId: String? {
        switch self {
        case .http(_, _, let id, _, _), .invalidResponse(_, _, let id, _, _), .retryAfterTooLong(_, _, _, _, let id): return id
        default: return nil
        }
    }

    static func idNote(_ id: String?) -> String { id.map { " (request id \($0))" } ?? "" }

    /// The first `limit` bytes of a body as text, for error messages.
    static func excerpt(_ body: Data, limit: Int = 300) -> String {
        let head = String(decoding: body.prefix(limit), as: UTF8.self)
        return body.count > limit ? head + "…" : head
    }
}
