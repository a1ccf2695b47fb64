import Foundation
import RaditModels
import RaditRemote
import RaditText

/// Where the service writes its answer; the HTTP layer implements it.
protocol ResponseSink: Sendable {
    func respond(status: Int, body: Data, headers: [(String, String)])
    /// Opens a `text/event-stream` answer; `event` sends one `data:` event.
    func beginEvents()
    func event(_ data: String)
    func endEvents()
}

/// The OpenAI-compatible API over one model, independent of the HTTP machinery: it
/// validates a request (4xx with the API's error shape), admits it to the model's queue
/// (429 when full) and answers through a `ResponseSink`.
final class OpenAIService: Sendable {
    let config: ServeConfig
    let worker: ModelWorker
    let facts: ModelWorker.Facts
    let tokenizer: Tokenizer
    let created = Int(Date().timeIntervalSince1970)
    private let counter = Counter()
    /// What `POST /retrieve` searches (nil: the endpoint answers 404). Used only on the worker.
    nonisolated(unsafe) let search: (any DocumentSearch)?
    let searchCount: Int

    init(bundle: LlamaBundle, config: ServeConfig, search: (any DocumentSearch)? = nil) {
        self.config = config
        self.search = search
        searchCount = search?.count ?? 0
        tokenizer = bundle.tokenizer
        worker = ModelWorker(bundle: bundle, capacity: config.queueCapacity)
        facts = worker.facts()
    }

    func handle(method: String, uri: String, body: Data, sink: any ResponseSink) {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        do {
            switch (method, path) {
            case ("GET", "/v1/models"):
                try json(sink, OpenAIModelList(data: [modelEntry]))
            case ("GET", _) where path.hasPrefix("/v1/models/"):
                let name = String(path.dropFirst("/v1/models/".count)).removingPercentEncoding ?? ""
                guard name == config.modelName else { throw APIError.unknownModel(name, served: config.modelName) }
                try json(sink, modelEntry)
            case ("GET", "/health"):
                sink.respond(status: 200, body: Data(#"{"status":"ok"}"#.utf8), headers: [("Content-Type", "application/json")])
            case ("POST", "/v1/completions"):
                try completions(try decode(CompletionRequest.self, body), sink: sink)
            case ("POST", "/v1/chat/completions"):
                try chat(try decode(ChatCompletionRequest.self, body), sink: sink)
            case ("POST", "/retrieve"):
                try retrieve(try decode(RetrieveRequest.self, body), sink: sink)
            case (_, "/v1/models"), (_, "/v1/completions"), (_, "/v1/chat/completions"), (_, "/health"), (_, "/retrieve"):
                throw APIError(status: 405, message: "Method \(method) is not allowed on \(path).", type: "invalid_request_error")
            default:
                throw APIError.notFound(method, path)
            }
        } catch let e as APIError {
            fail(sink, e)
        } catch {
            fail(sink, .internalError("\(error)"))
        }
    }

    private var modelEntry: OpenAIModel { OpenAIModel(id: config.modelName, created: created, ownedBy: "radit") }

    // MARK: /v1/completions

    private func completions(_ r: CompletionRequest, sink: any ResponseSink) throws {
        try checkModel(r.model)
        if r.stream == true {
            throw APIError.invalid("`stream` is supported on /v1/chat/completions only.", param: "stream")
        }
        let ask = try generationAsk(maxTokens: r.maxTokens ?? 16, temperature: r.temperature, topP: r.topP, seed: r.seed,
                                    n: r.n, stop: r.stop)
        if let lp = r.logprobs, !(0...5).contains(lp) {
            throw APIError.invalid("`logprobs` must be between 0 and 5, got \(lp).", param: "logprobs")
        }
        let prompts = try promptTokens(r.prompt)
        for p in prompts where p.ids.count > facts.contextLength || (ask.maxTokens > 0 && p.ids.count >= facts.contextLength) {
            throw APIError.invalid("The prompt has \(p.ids.count) tokens; this model's context is \(facts.contextLength).",
                                   param: "prompt", code: "context_length_exceeded")
        }
        let echo = r.echo ?? false
        let id = "cmpl-\(counter.next())"
        let model = config.modelName, created = self.created
        try admit(sink) { bundle in
            var choices: [CompletionResponse.Choice] = []
            var completionTokens = 0
            for (i, p) in prompts.enumerated() {
                let (choice, n) = try Inference.complete(bundle, prompt: p, ask: ask, echo: echo, logprobs: r.logprobs, index: i)
                choices.append(choice)
                completionTokens += n
            }
            let usage = OpenAIUsage(promptTokens: prompts.reduce(0) { $0 + $1.ids.count }, completionTokens: completionTokens)
            try self.json(sink, CompletionResponse(id: id, created: created, model: model, choices: choices, usage: usage))
        }
    }

    private func promptTokens(_ prompt: CompletionPrompt) throws -> [PromptTokens] {
        let prompts: [PromptTokens]
        switch prompt {
        case .text(let t): prompts = [textPrompt(t)]
        case .texts(let ts): prompts = ts.map(textPrompt)
        case .tokens(let ids): prompts = [PromptTokens(ids: ids, text: nil, added: 0)]
        case .tokenBatches(let b): prompts = b.map { PromptTokens(ids: $0, text: nil, added: 0) }
        }
        guard !prompts.isEmpty else { throw APIError.invalid("`prompt` is an empty list.", param: "prompt") }
        for p in prompts {
            guard !p.ids.isEmpty, p.text != "" else { throw APIError.invalid("`prompt` is empty: give at least one token of text.", param: "prompt") }
            if let bad = p.ids.first(where: { $0 < 0 || $0 >= facts.vocab }) {
                throw APIError.invalid("Token id \(bad) is outside this model's vocabulary (0..<\(facts.vocab)).", param: "prompt")
            }
        }
        return prompts
    }

    /// A text prompt's tokens as native scoring and generation take them: special tokens
    /// added, but an end token the tokenizer's post-processor appended (the text does not
    /// end with it) dropped, as native prompts drop it (a prompt ending in it asks for nothing).
    private func textPrompt(_ text: String) -> PromptTokens {
        var ids = tokenizer.encode(text).ids
        if let end = facts.endToken, ids.last == end, tokenizer.encode(text, addSpecialTokens: false).ids.last != end {
            ids.removeLast()
        }
        let prefix = tokenizer.prefixIds
        return PromptTokens(ids: ids, text: text, added: !prefix.isEmpty && ids.starts(with: prefix) ? prefix.count : 0)
    }

    // MARK: /v1/chat/completions

    private func chat(_ r: ChatCompletionRequest, sink: any ResponseSink) throws {
        try checkModel(r.model)
        let ask = try generationAsk(maxTokens: r.maxTokens ?? config.defaultChatMaxTokens, temperature: r.temperature,
                                    topP: r.topP, seed: r.seed, n: r.n, stop: r.stop)
        guard facts.hasChatTemplate else {
            throw APIError.invalid("This model has no chat template; use /v1/completions.", param: "messages")
        }
        guard !r.messages.isEmpty else { throw APIError.invalid("`messages` is empty.", param: "messages") }
        let messages = try r.messages.enumerated().map { i, m in
            guard let role = ChatRole(rawValue: m.role) else {
                throw APIError.invalid("Invalid value for `messages[\(i)].role`: \(m.role.debugDescription); supported: system, user, assistant.",
                                       param: "messages[\(i)].role")
            }
            return ChatMessage(role: role, content: m.content)
        }
        let id = "chatcmpl-\(counter.next())"
        let model = config.modelName, created = self.created
        if r.stream == true {
            try admit(sink, streaming: true) { bundle in
                let chunk = { (delta: ChatCompletionChunk.Delta, finish: String?) in
                    let c = ChatCompletionChunk(id: id, created: created, model: model,
                                                choices: [.init(index: 0, delta: delta, finishReason: finish)])
                    sink.event(String(decoding: try OpenAIJSON.encoder().encode(c), as: UTF8.self))
                }
                sink.beginEvents()
                do {
                    try chunk(.init(role: "assistant", content: ""), nil)
                    let out = try Inference.chat(bundle, messages: messages, ask: ask) { delta in
                        try? chunk(.init(content: delta), nil)
                    }
                    try chunk(.init(), out.finish)
                } catch {
                    let e = error as? APIError ?? .internalError("\(error)")
                    sink.event(String(decoding: e.body, as: UTF8.self))
                }
                sink.event("[DONE]")
                sink.endEvents()
            }
        } else {
            try admit(sink) { bundle in
                let out = try Inference.chat(bundle, messages: messages, ask: ask, onDelta: nil)
                let response = ChatCompletionResponse(
                    id: id, created: created, model: model,
                    choices: [.init(index: 0, message: OpenAIChatMessage(role: "assistant", content: out.text), finishReason: out.finish)],
                    usage: OpenAIUsage(promptTokens: out.promptTokens, completionTokens: out.completionTokens))
                try self.json(sink, response)
            }
        }
    }

    // MARK: /retrieve

    private func retrieve(_ r: RetrieveRequest, sink: any ResponseSink) throws {
        guard search != nil else {
            throw APIError(status: 404, message: "This server has no retriever: start `radit serve` with a run folder, or with --retriever and --corpus.",
                           type: "invalid_request_error", code: "no_retriever")
        }
        guard !r.queries.isEmpty, r.queries.count <= retrieveMaxQueries else {
            throw APIError.invalid("`queries` must hold 1 to \(retrieveMaxQueries) queries, got \(r.queries.count).", param: "queries")
        }
        if let i = r.queries.firstIndex(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            throw APIError.invalid("`queries[\(i)]` is empty.", param: "queries[\(i)]")
        }
        let k = r.topk ?? config.defaultTopK
        guard k >= 1, k <= searchCount else {
            throw APIError.invalid("`topk` must be between 1 and \(searchCount) (the documents served), got \(k).", param: "topk")
        }
        let scores = r.returnScores ?? true
        try admit(sink) { [self] _ in
            let hits = try search!.retrieve(r.queries, k: k)
            if scores {
                try json(sink, RetrieveResponse(result: hits.map { $0.map { ScoredDocument(document: $0.document, score: $0.score) } }))
            } else {
                try json(sink, RetrieveResponse(result: hits.map { $0.map(\.document) }))
            }
        }
    }

    // MARK: Shared

    private func checkModel(_ name: String) throws {
        guard name == config.modelName else { throw APIError.unknownModel(name, served: config.modelName) }
    }

    private func generationAsk(maxTokens: Int, temperature: Double?, topP: Double?, seed: UInt64?, n: Int?,
                               stop: StopSequences?) throws -> GenerationAsk {
        guard maxTokens >= 0 else {
            throw APIError.invalid("`max_tokens` must be ≥ 0, got \(maxTokens).", param: "max_tokens", code: "invalid_value")
        }
        let t = temperature ?? 1
        guard t >= 0 && t <= 2 else { throw APIError.invalid("`temperature` must be in [0, 2], got \(t).", param: "temperature") }
        let p = topP ?? 1
        guard p > 0 && p <= 1 else { throw APIError.invalid("`top_p` must be in (0, 1], got \(p).", param: "top_p") }
        if let n, n != 1 { throw APIError.invalid("Only `n` = 1 is supported, got \(n).", param: "n") }
        let stops = stop?.values ?? []
        guard stops.count <= 4, stops.allSatisfy({ !$0.isEmpty }) else {
            throw APIError.invalid("`stop` takes up to 4 non-empty strings.", param: "stop")
        }
        // Unseeded sampling still draws from a fixed seed: the same request gives the same answer.
        return GenerationAsk(maxTokens: maxTokens, sampling: t == 0 ? .greedy : .sample(temperature: t, topP: p),
                             seed: seed ?? 0, stop: stops)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do { return try OpenAIJSON.decoder().decode(T.self, from: body) } catch { throw APIError.decoding(error) }
    }

    /// Queues `job` on the model; 429 when the queue is full. Errors of the job become answers.
    private func admit(_ sink: any ResponseSink, streaming: Bool = false,
                       _ job: @escaping @Sendable (LlamaBundle) throws -> Void) throws {
        let accepted = worker.submit { bundle in
            do { try job(bundle) } catch let e as APIError {
                self.fail(sink, e)
            } catch {
                self.fail(sink, .internalError("\(error)"))
            }
        }
        guard accepted else { throw APIError.busy }
    }

    private func json<T: Encodable>(_ sink: any ResponseSink, _ value: T) throws {
        sink.respond(status: 200, body: try OpenAIJSON.encoder().encode(value), headers: [("Content-Type", "application/json")])
    }

    private func fail(_ sink: any ResponseSink, _ e: APIError) {
        var headers = [("Content-Type", "application/json")]
        if e.status == 429 { headers.append(("Retry-After", "1")) }
        sink.respond(status: e.status, body: e.body, headers: headers)
    }
}

/// A thread-safe counter for response ids.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
