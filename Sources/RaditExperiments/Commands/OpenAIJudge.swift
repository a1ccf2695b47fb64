import RaditEval
import RaditRemote

/// A judge behind any OpenAI-compatible chat endpoint (`[remote]`, `radit serve`, vLLM,
/// llama.cpp): greedy (temperature 0, fixed seed) so a rerun asks the same question.
public struct OpenAIJudge: JudgeModel {
    public let client: OpenAIClient
    public var maxTokens: Int

    public init(client: OpenAIClient, maxTokens: Int = 512) {
        self.client = client
        self.maxTokens = maxTokens
    }

    public var name: String { client.endpoint.model }

    public func reply(to prompt: String) throws -> String {
        let request = ChatCompletionRequest(model: client.endpoint.model, messages: [OpenAIChatMessage(role: "user", content: prompt)],
                                            maxTokens: maxTokens, temperature: 0, seed: 0)
        return try client.chat(request).choices.first?.message.content ?? ""
    }
}
