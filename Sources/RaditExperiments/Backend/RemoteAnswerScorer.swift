import Foundation
import RaditBase
import RaditRemote
import RaditTuning

/// The R-ft scorer on an OpenAI-compatible server (`train.lsr_scorer = "remote"`):
/// `log p(y | prompt)` from `/v1/completions` with `echo` + `logprobs` + `max_tokens: 0`
/// (`OpenAIClient.score`), the answer followed by `remote.end_of_answer` so the end token
/// counts as it does natively. The server's model is fixed, so its identity (server, model,
/// end text) keys the score cache; the client is made on the first miss, so a rerun whose
/// scores are all cached needs neither the server nor the key.
public final class RemoteAnswerScorer: AnswerScorer {
    public let settings: RemoteSettings
    let environment: [String: String]
    private var client: OpenAIClient?
    /// Scoring requests sent (one per pair; retries not counted).
    public private(set) var requests = 0

    public init(settings: RemoteSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.environment = environment
    }

    public var endpoint: RemoteEndpoint {
        let s = settings
        return .configured(baseURL: s.baseURL, model: s.model, apiKeyEnvironment: s.apiKeyEnvironment, timeout: s.timeout,
                           maxConcurrency: s.maxConcurrency, maxAttempts: s.maxAttempts)
    }

    /// The server is named by its URL as well as the model name: two servers may serve
    /// different weights under one name.
    public var checkpointIdentity: String {
        "openai-compatible:\(endpoint.baseURL)|model=\(settings.model)|end=\(settings.endOfAnswer)"
    }

    public func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb] {
        guard !pairs.isEmpty else { return [] }
        let client = try self.client ?? OpenAIClient(endpoint: endpoint, environment: environment)
        self.client = client
        requests += pairs.count
        let tokens = try client.score(pairs.map { (prompt: $0.prompt, answer: $0.answer + settings.endOfAnswer) })
        return tokens.map { AnswerLogProb(sum: $0.reduce(0, +), tokens: $0.count) }
    }
}
