import Foundation

extension OpenAIClient {
    /// Greedy completions of `prompts` from `/v1/completions` (temperature 0), at most
    /// `maxTokens` tokens each and cut at the first of `stop`, in prompt order;
    /// `endpoint.http.maxConcurrency` requests at a time.
    public func generate(_ prompts: [String], maxTokens: Int, stop: [String] = []) throws -> [String] {
        try concurrentMap(prompts.count, width: endpoint.http.maxConcurrency) { i in
            let request = CompletionRequest(model: self.endpoint.model, prompt: .text(prompts[i]), maxTokens: maxTokens,
                                            temperature: 0, stop: stop.isEmpty ? nil : stop)
            let response = try self.complete(request)
            guard let choice = response.choices.first(where: { $0.index == 0 }) else {
                throw RemoteError.invalidResponse(url: self.endpoint.url("/completions"), status: 200, requestId: nil,
                                                  reason: "no choice 0 in the completion", excerpt: "")
            }
            return choice.text
        }
    }
}
