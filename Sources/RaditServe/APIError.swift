import Foundation
import RaditRemote

/// A request the server refuses, answered as the OpenAI API answers it: a 4xx status and
/// `{"error": {"message", "type", "param", "code"}}`.
struct APIError: Error, Equatable {
    var status: Int
    var message: String
    var type: String
    var param: String?
    var code: String?

    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }

    static func unknownModel(_ name: String, served: String) -> APIError {
        APIError(status: 404, message: "The model `\(name)` does not exist; this server serves `\(served)` (GET /v1/models lists it).",
                 type: "invalid_request_error", param: "model", code: "model_not_found")
    }

    static let busy = APIError(status: 429, message: "The server's request queue is full; retry after the Retry-After delay.",
                               type: "rate_limit_error", code: "rate_limit_exceeded")

    static func notFound(_ method: String, _ path: String) -> APIError {
        APIError(status: 404, message: "No route \(method) \(path); this server answers GET /v1/models, POST /v1/completions, POST /v1/chat/completions and POST /retrieve.",
                 type: "invalid_request_error", code: "unknown_url")
    }

    static func internalError(_ message: String) -> APIError {
        APIError(status: 500, message: message, type: "server_error")
    }

    var body: Data {
        let e = OpenAIErrorBody(error: .init(message: message, type: type, param: param, code: code))
        return (try? OpenAIJSON.encoder().encode(e)) ?? Data(#"{"error":{"message":"error","type":"server_error"}}"#.utf8)
    }

    /// A JSON decoding failure as a 400 naming the field.
    static func decoding(_ error: any Error) -> APIError {
        guard let e = error as? DecodingError else { return .invalid("The body is not valid JSON: \(error)") }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            return .invalid("We could not parse the JSON body of your request: it is not valid JSON.")
        case .dataCorrupted(let c):
            return .invalid("Invalid value for `\(path(c))`: \(c.debugDescription)", param: path(c))
        case .keyNotFound(let k, let c):
            let p = (path(c).isEmpty ? "" : path(c) + ".") + k.stringValue
            return .invalid("Missing required parameter: `\(p)`.", param: p, code: "missing_required_parameter")
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return .invalid("Invalid type for `\(path(c))`: \(c.debugDescription)", param: path(c), code: "invalid_type")
        @unknown default:
            return .invalid("The body could not be read: \(e)")
        }
    }
}
