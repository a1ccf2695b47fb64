/// How `radit serve` listens and how much work it accepts.
public struct ServeConfig: Sendable, Equatable {
    /// Loopback by default: the server has no authentication.
    public var host: String
    /// 0 = an ephemeral port (tests); the bound port is `OpenAIServer.port`.
    public var port: Int
    /// The name clients send as `model` (and `/v1/models` lists).
    public var modelName: String
    /// Requests admitted (running or waiting for the model); beyond it the server answers 429.
    public var queueCapacity: Int
    /// `max_tokens` when a chat request gives none (completions default to 16, as the API does).
    public var defaultChatMaxTokens: Int
    /// Larger bodies are refused with 413.
    public var maxBodyBytes: Int
    /// Event-loop threads for HTTP parsing (the model itself runs on one serial queue).
    public var networkThreads: Int
    /// `topk` of a `POST /retrieve` that gives none (Search-R1's default retrieval top-k).
    public var defaultTopK: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, modelName: String, queueCapacity: Int = 256,
                defaultChatMaxTokens: Int = 256, maxBodyBytes: Int = 8 << 20, networkThreads: Int = 1, defaultTopK: Int = 3) {
        self.host = host; self.port = port; self.modelName = modelName; self.queueCapacity = queueCapacity
        self.defaultChatMaxTokens = defaultChatMaxTokens; self.maxBodyBytes = maxBodyBytes; self.networkThreads = networkThreads
        self.defaultTopK = defaultTopK
    }
}
