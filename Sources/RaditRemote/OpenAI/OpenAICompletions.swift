import Foundation

/// `prompt` of a completion: text or token ids, one or a batch.
public enum CompletionPrompt: Codable, Sendable, Equatable {
    case text(String)
    case texts([String])
    case tokens([Int])
    case tokenBatches([[Int]])

    public init(from d: any Decoder) throws {
        let c = try d.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .text(s); return }
        if let s = try? c.decode([String].self) { self = .texts(s); return }
        if let t = try? c.decode([Int].self) { self = .tokens(t); return }
        if let t = try? c.decode([[Int]].self) { self = .tokenBatches(t); return }
        throw DecodingError.typeMismatch(CompletionPrompt.self, .init(
            codingPath: d.codingPath, debugDescription: "prompt must be a string, a list of strings, a list of token ids or a list of such lists"))
    }
    public func encode(to e: any Encoder) throws {
        var c = e.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .texts(let s): try c.encode(s)
        case .tokens(let t): try c.encode(t)
        case .tokenBatches(let t): try c.encode(t)
        }
    }
}

/// `POST /v1/completions`. With `echo` + `logprobs` + `maxTokens: 0` the answer carries
/// `log p` of every prompt token: the scoring primitive a remote LM offers.
public struct CompletionRequest: Codable, Sendable, Equatable {
    public var model: String
    public var prompt: CompletionPrompt
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var seed: UInt64?
    /// How many alternatives per position in `top_logprobs` (0: token log-probs only).
    public var logprobs: Int?
    public var echo: Bool?
    public var stop: StopSequences?
    public var stream: Bool?
    public var n: Int?

    public init(model: String, prompt: CompletionPrompt, maxTokens: Int? = nil, temperature: Double? = nil,
                topP: Double? = nil, seed: UInt64? = nil, logprobs: Int? = nil, echo: Bool? = nil, stop: [String]? = nil) {
        self.model = model; self.prompt = prompt; self.maxTokens = maxTokens; self.temperature = temperature
        self.topP = topP; self.seed = seed; self.logprobs = logprobs; self.echo = echo; self.stop = stop.map(StopSequences.init)
    }
    enum CodingKeys: String, CodingKey {
        case model, prompt, maxTokens = "max_tokens", temperature, topP = "top_p", seed, logprobs, echo, stop, stream, n
    }
}

/// `logprobs` of a completion choice (the legacy completions shape vLLM and llama.cpp keep).
public struct CompletionLogprobs: Codable, Sendable, Equatable {
    public var tokens: [String]
    /// `log p(token | earlier tokens)`; null for the first token of an echoed prompt.
    public var tokenLogprobs: [Double?]
    public var topLogprobs: [[String: Double]?]?
    /// Where each token starts in the choice's text, in Unicode scalars (Python `str` indices).
    public var textOffset: [Int]
    public init(tokens: [String], tokenLogprobs: [Double?], topLogprobs: [[String: Double]?]?, textOffset: [Int]) {
        self.tokens = tokens; self.tokenLogprobs = tokenLogprobs; self.topLogprobs = topLogprobs; self.textOffset = textOffset
    }
    enum CodingKeys: String, CodingKey {
        case tokens, tokenLogprobs = "token_logprobs", topLogprobs = "top_logprobs", textOffset = "text_offset"
    }
    public func encode(to e: any Encoder) throws {
        var c = e.container(keyedBy: CodingKeys.self)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(tokenLogprobs, forKey: .tokenLogprobs)
        try c.encode(topLogprobs, forKey: .topLogprobs)
        try c.encode(textOffset, forKey: .textOffset)
    }
}

public struct CompletionResponse: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var text: String
        public var logprobs: CompletionLogprobs?
        public var finishReason: String?
        public init(index: Int, text: String, logprobs: CompletionLogprobs?, finishReason: String?) {
            self.index = index; self.text = text; self.logprobs = logprobs; self.finishReason = finishReason
        }
        enum CodingKeys: String, CodingKey { case index, text, logprobs, finishReason = "finish_reason" }
        public func encode(to e: any Encoder) throws {
            var c = e.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(text, forKey: .text)
            try c.encode(logprobs, forKey: .logprobs)
            try c.encode(finishReason, forKey: .finishReason)
        }
    }
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: OpenAIUsage?
    public init(id: String, created: Int, model: String, choices: [Choice], usage: OpenAIUsage?) {
        self.id = id; object = "text_completion"; self.created = created; self.model = model
        self.choices = choices; self.usage = usage
    }
}
