import Foundation

/// One chat turn on the wire (`role` is kept as text so a server can name a bad one).
public struct OpenAIChatMessage: Codable, Sendable, Equatable {
    public var role: String
    public var content: String
    public init(role: String, content: String) { self.role = role; self.content = content }
}

/// `POST /v1/chat/completions`.
public struct ChatCompletionRequest: Codable, Sendable, Equatable {
    public var model: String
    public var messages: [OpenAIChatMessage]
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var seed: UInt64?
    public var stop: StopSequences?
    public var stream: Bool?
    public var n: Int?

    public init(model: String, messages: [OpenAIChatMessage], maxTokens: Int? = nil, temperature: Double? = nil,
                topP: Double? = nil, seed: UInt64? = nil, stop: [String]? = nil, stream: Bool? = nil) {
        self.model = model; self.messages = messages; self.maxTokens = maxTokens; self.temperature = temperature
        self.topP = topP; self.seed = seed; self.stop = stop.map(StopSequences.init); self.stream = stream
    }
    enum CodingKeys: String, CodingKey {
        case model, messages, maxTokens = "max_tokens", temperature, topP = "top_p", seed, stop, stream, n
        case maxCompletionTokens = "max_completion_tokens"
    }
    public init(from d: any Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        messages = try c.decode([OpenAIChatMessage].self, forKey: .messages)
        // The newer name wins when both are given.
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxCompletionTokens) ?? c.decodeIfPresent(Int.self, forKey: .maxTokens)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        stop = try c.decodeIfPresent(StopSequences.self, forKey: .stop)
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream)
        n = try c.decodeIfPresent(Int.self, forKey: .n)
    }
    public func encode(to e: any Encoder) throws {
        var c = e.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(messages, forKey: .messages)
        try c.encodeIfPresent(maxTokens, forKey: .maxTokens)
        try c.encodeIfPresent(temperature, forKey: .temperature)
        try c.encodeIfPresent(topP, forKey: .topP)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encodeIfPresent(stop, forKey: .stop)
        try c.encodeIfPresent(stream, forKey: .stream)
        try c.encodeIfPresent(n, forKey: .n)
    }
}

public struct ChatCompletionResponse: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var message: OpenAIChatMessage
        public var finishReason: String?
        public init(index: Int, message: OpenAIChatMessage, finishReason: String?) {
            self.index = index; self.message = message; self.finishReason = finishReason
        }
        enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason" }
    }
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: OpenAIUsage?
    public init(id: String, created: Int, model: String, choices: [Choice], usage: OpenAIUsage?) {
        self.id = id; object = "chat.completion"; self.created = created; self.model = model
        self.choices = choices; self.usage = usage
    }
}

/// One `data:` event of a streamed chat completion.
public struct ChatCompletionChunk: Codable, Sendable, Equatable {
    public struct Delta: Codable, Sendable, Equatable {
        public var role: String?
        public var content: String?
        public init(role: String? = nil, content: String? = nil) { self.role = role; self.content = content }
    }
    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var delta: Delta
        public var finishReason: String?
        public init(index: Int, delta: Delta, finishReason: String?) {
            self.index = index; self.delta = delta; self.finishReason = finishReason
        }
        enum CodingKeys: String, CodingKey { case index, delta, finishReason = "finish_reason" }
        public func encode(to e: any Encoder) throws {
            var c = e.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(delta, forKey: .delta)
            try c.encode(finishReason, forKey: .finishReason)  // explicit null, as the API sends it
        }
    }
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public init(id: String, created: Int, model: String, choices: [Choice]) {
        self.id = id; object = "chat.completion.chunk"; self.created = created; self.model = model; self.choices = choices
    }
}
