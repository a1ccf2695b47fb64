import RaditEval
import RaditRemote

/// A judge behind any OpenAI-compatible chat endpoint (`[remote]`, `radit serve`, vLLM,
/// llama.cpp): greedy (temperature 0, fixed seed) so a rerun asks the same question. Through
/// a `CachedChat` every reply is kept by the request's content, so a rerun pays nothing.
public struct OpenAIJudge: JudgeModel {
    public let endpoint: RemoteEndpoint
    public var maxTokens: Int
    private let send: @Sendable (ChatCompletionRequest) throws -> ChatCompletionResponse

    public init(client: OpenAIClient, maxTokens: Int = 512) {
        endpoint = client.endpoint
        self.maxTokens = maxTokens
        send = { try client.chat($0) }
    }

    public init(chat: CachedChat, maxTokens: Int = 512) {
        endpoint = chat.endpoint
        self.maxTokens = maxTokens
        send = { try chat.chat([$0])[0].get() }
    }

    public var name: String { endpoint.model }

    /// The chat request for one judge prompt.
    public func request(_ prompt: String) -> ChatCompletionRequest {
        ChatCompletionRequest(model: endpoint.model, messages: [OpenAIChatMessage(role: "user", content: prompt)],
                              maxTokens: maxTokens, temperature: 0, seed: 0)
    }

    public func reply(to prompt: String) throws -> String {
        try send(request(prompt)).choices.first?.message.content ?? ""
    }
}
