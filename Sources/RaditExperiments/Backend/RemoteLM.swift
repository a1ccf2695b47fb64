import Foundation
import RaditBase
import RaditRemote
import RaditTuning

/// The LM on an OpenAI-compatible server (`[remote]`), as a scorer and a generator:
/// - R-ft targets (`train.lsr_scorer = "remote"`) and rerank scores (`eval.lm = "remote"`):
///   `log p(y | prompt)` from `/v1/completions` with `echo` + `logprobs` + `max_tokens: 0`
///   (`OpenAIClient.score`), the answer followed by `remote.end_of_answer` so the end token
///   counts as it does natively;
/// - answers (`eval.lm = "remote"`): greedy `/v1/completions` of the prompts a native LM
///   would get, cut at `remote.end_of_answer` when set (the server also stops at its end token).
/// The server's model is fixed, so its identity (server, model, end text) keys the score
/// cache; the client is made on the first request, so a rerun whose scores are all cached
/// needs neither the server nor the key.
public final class RemoteLM: AnswerScorer, AnswerGenerator {
    public let settings: RemoteSettings
    let environment: [String: String]
    private var client: OpenAIClient?
    /// Scoring requests sent (one per pair; retries not counted).
    public private(set) var requests = 0
    /// Generation requests sent (one per prompt; retries not counted).
    public private(set) var generations = 0

    public init(settings: RemoteSettings, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.environment = environment
    }

    public var endpoint: RemoteEndpoint { settings.endpoint }

    /// The server is named by its URL as well as the model name: two servers may serve
    /// different weights under one name.
    public var checkpointIdentity: String {
        "openai-compatible:\(endpoint.baseURL)|model=\(settings.model)|end=\(settings.endOfAnswer)"
    }

    private func openClient() throws -> OpenAIClient {
        let client = try self.client ?? OpenAIClient(endpoint: endpoint, environment: environment)
        self.client = client
        return client
    }

    public func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb] {
        guard !pairs.isEmpty else { return [] }
        let client = try openClient()
        requests += pairs.count
        let tokens = try client.score(pairs.map { (prompt: $0.prompt, answer: $0.answer + settings.endOfAnswer) })
        return tokens.map { AnswerLogProb(sum: $0.reduce(0, +), tokens: $0.count) }
    }

    public func generate(_ prompts: [String], maxTokens: Int) throws -> [String] {
        guard !prompts.isEmpty else { return [] }
        let client = try openClient()
        generations += prompts.count
        return try client.generate(prompts, maxTokens: maxTokens, stop: settings.endOfAnswer.isEmpty ? [] : [settings.endOfAnswer])
    }
}
