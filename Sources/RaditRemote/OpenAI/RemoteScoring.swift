import Foundation

extension OpenAIClient {
    /// `log p(answer | prompt)` token by token, for each pair, from `/v1/completions` with
    /// `echo` + `logprobs: 0` + `max_tokens: 0` on `prompt + answer`: the server returns
    /// the log-prob of every token of the text and where each token starts; only tokens
    /// starting inside the answer count (the same tokens native scoring sums when the
    /// prompt/answer boundary is a token boundary — a token that straddles it is an error,
    /// not a guess). Per pair: the answer tokens' natural-log probabilities, as
    /// `AnswerScore.tokenLogProbs` holds them. Requests run `endpoint.http.maxConcurrency` at a time.
    public func score(_ pairs: [(prompt: String, answer: String)]) throws -> [[Double]] {
        try concurrentMap(pairs.count, width: endpoint.http.maxConcurrency) { i in
            try self.scoreOne(prompt: pairs[i].prompt, answer: pairs[i].answer)
        }
    }

    func scoreOne(prompt: String, answer: String) throws -> [Double] {
        let url = endpoint.url("/completions")
        let response = try complete(CompletionRequest(model: endpoint.model, prompt: .text(prompt + answer), maxTokens: 0,
                                                      temperature: 0, logprobs: 0, echo: true))
        guard let lp = response.choices.first(where: { $0.index == 0 })?.logprobs,
              lp.textOffset.count == lp.tokenLogprobs.count else {
            throw RemoteError.invalidResponse(url: url, status: 200, requestId: nil,
                                              reason: "no echoed logprobs with text offsets (does the server support echo + logprobs?)",
                                              excerpt: "")
        }
        let start = prompt.unicodeScalars.count
        let end = start + answer.unicodeScalars.count
        // The answer must begin exactly where a token begins.
        let first = lp.textOffset.firstIndex { $0 >= start && $0 < end }
        if !answer.isEmpty && (first == nil || lp.textOffset[first!] != start) {
            throw RemoteError.invalidRequest(
                "the prompt/answer boundary at character \(start) falls inside a token of the server's tokenizer; "
                + "end the prompt with a separator such as a space or newline that the answer does not start with, or start the answer with one")
        }
        var out: [Double] = []
        for (i, offset) in lp.textOffset.enumerated() where offset >= start && offset < end {
            guard let v = lp.tokenLogprobs[i] else {
                throw RemoteError.invalidResponse(url: url, status: 200, requestId: nil,
                                                  reason: "token \(i) of the echoed text has no log-probability", excerpt: "")
            }
            out.append(v)
        }
        return out
    }
}

/// `body(0..<count)` on up to `width` threads; results in index order. The first error
/// (lowest index) is rethrown after every started call has returned.
func concurrentMap<T: Sendable>(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let slots = MapSlots<T>(count)
    let group = DispatchGroup()
    for _ in 0..<min(count, max(1, width)) {
        group.enter()
        let thread = Thread {
            while let i = slots.take() { slots.put(i, Result { try body(i) }) }
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    return try slots.results.map { try $0!.get() }
}

/// The shared work counter and result slots of `concurrentMap`.
private final class MapSlots<T>: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var results: [Result<T, any Error>?]
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < results.count else { return nil }
        next += 1
        return next - 1
    }
    func put(_ i: Int, _ r: Result<T, any Error>) { lock.lock(); results[i] = r; lock.unlock() }
}
