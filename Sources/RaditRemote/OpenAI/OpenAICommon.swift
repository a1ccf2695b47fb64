import Foundation

/// The JSON coders every OpenAI-compatible type goes through (keys are spelled out in
/// each type's `CodingKeys`: a key strategy would also rewrite dictionary keys such as
/// the tokens of `top_logprobs`).
public enum OpenAIJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
    public static func decoder() -> JSONDecoder { JSONDecoder() }
}

/// Token counts of one call.
public struct OpenAIUsage: Codable, Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens; self.completionTokens = completionTokens
        self.totalTokens = promptTokens + completionTokens
    }
    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }
    public init(from d: any Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        promptTokens = try c.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try c.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        totalTokens = try c.decodeIfPresent(Int.self, forKey: .totalTokens) ?? promptTokens + completionTokens
    }
}

/// `{"error": {"message", "type", "param", "code"}}`, the shape of every API error body.
public struct OpenAIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var message: String
        public var type: String
        public var param: String?
        public var code: String?
        public init(message: String, type: String, param: String? = nil, code: String? = nil) {
            self.message = message; self.type = type; self.param = param; self.code = code
        }
        public init(from d: any Decoder) throws {
            let c = try d.container(keyedBy: CodingKeys.self)
            message = try c.decode(String.self, forKey: .message)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
            param = try c.decodeIfPresent(String.self, forKey: .param)
            // Some servers send a number here.
            code = (try? c.decodeIfPresent(String.self, forKey: .code)) ?? (try? c.decodeIfPresent(Int.self, forKey: .code)).flatMap { $0.map(String.init) }
        }
    }
    public var error: Detail
    public init(error: Detail) { self.error = error }
}

/// `stop`: one string or a list of them.
public struct StopSequences: Codable, Sendable, Equatable {
    public var values: [String]
    public init(_ values: [String]) { self.values = values }
    public init(from d: any Decoder) throws {
        let c = try d.singleValueContainer()
        if let s = try? c.decode(String.self) { values = [s] } else { values = try c.decode([String].self) }
    }
    public func encode(to e: any Encoder) throws {
        var c = e.singleValueContainer()
        try c.encode(values)
    }
}

/// `GET /v1/models`.
public struct OpenAIModelList: Codable, Sendable, Equatable {
    public var object: String
    public var data: [OpenAIModel]
    public init(data: [OpenAIModel]) { object = "list"; self.data = data }
}

public struct OpenAIModel: Codable, Sendable, Equatable {
    public var id: String
    public var object: String
    public var created: Int
    public var ownedBy: String
    public init(id: String, created: Int, ownedBy: String) {
        self.id = id; object = "model"; self.created = created; self.ownedBy = ownedBy
    }
    enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    public init(from d: any Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        object = try c.decodeIfPresent(String.self, forKey: .object) ?? "model"
        created = try c.decodeIfPresent(Int.self, forKey: .created) ?? 0
        ownedBy = try c.decodeIfPresent(String.self, forKey: .ownedBy) ?? ""
    }
}
