import Foundation
import RaditBase

/// A client for an OpenAI-compatible API (OpenAI, vLLM, llama.cpp server, `radit serve`):
/// models, chat completions (whole or streamed), completions with log-probs, scoring of
/// answers, embeddings, files and fine-tuning jobs. Blocking and thread-safe; the HTTP
/// client underneath bounds concurrency and retries.
public final class OpenAIClient: Sendable {
    public let endpoint: RemoteEndpoint
    let http: HTTPClient

    /// Reads the API key from the variable the endpoint names (`RemoteError.missingAPIKey`
    /// when it is unset); `onRetry` hears of each retry.
    public init(endpoint: RemoteEndpoint, environment: [String: String] = ProcessInfo.processInfo.environment,
                onRetry: (@Sendable (RetryNotice) -> Void)? = nil) throws {
        self.endpoint = endpoint
        let key = try endpoint.apiKeyVariable.map { try APIKey.fromEnvironment($0, environment: environment, names: endpoint.settingNames) }
        http = HTTPClient(config: endpoint.http, apiKey: key, onRetry: onRetry, names: endpoint.settingNames)
    }

    /// New connections opened so far (fewer than requests: connections were reused).
    public var connectionsOpened: Int { http.connectionsOpened }

    // MARK: Models, chat, completions, embeddings

    public func models() throws -> [OpenAIModel] {
        let list: OpenAIModelList = try get("/models")
        return list.data
    }

    public func chat(_ request: ChatCompletionRequest) throws -> ChatCompletionResponse {
        var r = request
        r.stream = nil
        return try post("/chat/completions", r)
    }

    /// Streams a chat completion; `onChunk` sees each chunk as it arrives (answer `.stop`
    /// to end early). Returns the whole text and the finish reason.
    public func chatStream(_ request: ChatCompletionRequest,
                           onChunk: @escaping (ChatCompletionChunk) -> ProgressAction = { _ in .proceed }) throws -> (text: String, finishReason: String?) {
        var r = request
        r.stream = true
        let url = endpoint.url("/chat/completions")
        let decoder = OpenAIJSON.decoder()
        // The callback runs on this thread, inside the transfer.
        final class Collected { var text = ""; var finish: String?; var failure: RemoteError?; var done = false }
        let collected = Collected()
        let request = HTTPRequest(method: .post, url: url, headers: [HTTPHeader("Accept", "text/event-stream")],
                                  body: try OpenAIJSON.encoder().encode(r))
        do {
            _ = try http.stream(request) { event in
                if event.data == "[DONE]" { collected.done = true; return .proceed }
                let bytes = Data(event.data.utf8)
                guard let chunk = try? decoder.decode(ChatCompletionChunk.self, from: bytes) else {
                    let reason = (try? decoder.decode(OpenAIErrorBody.self, from: bytes)).map { "the server reported mid-stream: \($0.error.message)" }
                        ?? "a streamed event is not a chat.completion.chunk"
                    collected.failure = .invalidResponse(url: url, status: 200, requestId: nil, reason: reason,
                                                         excerpt: self.excerpt(bytes))
                    return .stop
                }
                for choice in chunk.choices where choice.index == 0 {
                    collected.text += choice.delta.content ?? ""
                    if let f = choice.finishReason { collected.finish = f }
                }
                return onChunk(chunk)
            }
        } catch RemoteError.stopped(let u) {
            // Our own stop on a malformed event is that event's error, not the caller's stop.
            throw collected.failure ?? RemoteError.stopped(url: u)
        }
        guard collected.done || collected.finish != nil else {
            throw RemoteError.invalidResponse(url: url, status: 200, requestId: nil,
                                              reason: "the stream ended without a finish reason or [DONE]",
                                              excerpt: self.excerpt(Data(collected.text.utf8)))
        }
        return (collected.text, collected.finish)
    }

    public func complete(_ request: CompletionRequest) throws -> CompletionResponse {
        try post("/completions", request)
    }

    /// Embeddings of `texts` in input order.
    public func embed(_ texts: [String]) throws -> [[Double]] {
        let url = endpoint.url("/embeddings")
        let response: EmbeddingResponse = try post("/embeddings", EmbeddingRequest(model: endpoint.model, input: texts))
        guard response.data.count == texts.count, Set(response.data.map(\.index)) == Set(0..<texts.count) else {
            throw RemoteError.invalidResponse(url: url, status: 200, requestId: nil,
                                              reason: "\(response.data.count) embeddings for \(texts.count) inputs", excerpt: "")
        }
        return response.data.sorted { $0.index < $1.index }.map(\.embedding)
    }

    // MARK: Files and fine-tuning

    /// Uploads `data` as `filename` (`purpose`: "fine-tune" for training data).
    public func uploadFile(_ data: Data, filename: String, purpose: String = "fine-tune") throws -> OpenAIFile {
        let form = MultipartForm(fields: [("purpose", purpose)], file: (name: "file", filename: filename, data: data))
        let request = HTTPRequest(method: .post, url: endpoint.url("/files"),
                                  headers: [HTTPHeader("Content-Type", form.contentType)], body: form.body)
        return try decode(try http.send(request), url: request.url)
    }

    public func createFineTuningJob(_ request: FineTuningJobRequest) throws -> FineTuningJob {
        try post("/fine_tuning/jobs", request)
    }

    /// The most recent jobs, newest first (the API's order).
    public func fineTuningJobs(limit: Int = 100) throws -> [FineTuningJob] {
        let list: FineTuningJobList = try get("/fine_tuning/jobs?limit=\(limit)")
        return list.data
    }

    public func fineTuningJob(id: String) throws -> FineTuningJob {
        try get("/fine_tuning/jobs/\(try pathComponent(id))")
    }

    /// Events of a job, oldest first (the API lists newest first), after event `after` when given.
    public func fineTuningEvents(id: String, after: String? = nil, limit: Int = 100) throws -> [FineTuningEvent] {
        var query = "?limit=\(limit)"
        if let after { query += "&after=\(try pathComponent(after))" }
        let list: FineTuningEventList = try get("/fine_tuning/jobs/\(try pathComponent(id))/events" + query)
        return list.data.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Polls a job every `interval` seconds until it finishes; `progress` sees the job and
    /// its new events each time (answer `.stop` to stop waiting: the job keeps running).
    /// Returns the last state and every event seen.
    public func waitForFineTuningJob(id: String, interval: Double = 10,
                                     progress: (FineTuningJob, [FineTuningEvent]) -> ProgressAction = { _, _ in .proceed })
        throws -> (job: FineTuningJob, events: [FineTuningEvent]) {
        var seen: [FineTuningEvent] = []
        var seenIds = Set<String>()
        while true {
            let job = try fineTuningJob(id: id)
            let fresh = try fineTuningEvents(id: id).filter { !seenIds.contains($0.id) }
            seen += fresh
            seenIds.formUnion(fresh.map(\.id))
            if progress(job, fresh) == .stop || job.isFinished { return (job, seen) }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    // MARK: Plumbing

    func get<Response: Decodable>(_ path: String) throws -> Response {
        let request = HTTPRequest(method: .get, url: endpoint.url(path))
        return try decode(try http.send(request), url: request.url)
    }

    func post<Body: Encodable, Response: Decodable>(_ path: String, _ body: Body) throws -> Response {
        let request = HTTPRequest(method: .post, url: endpoint.url(path), body: try OpenAIJSON.encoder().encode(body))
        return try decode(try http.send(request), url: request.url)
    }

    func decode<Response: Decodable>(_ response: HTTPResponse, url: String) throws -> Response {
        do {
            return try OpenAIJSON.decoder().decode(Response.self, from: response.body)
        } catch {
            throw RemoteError.invalidResponse(url: url, status: response.status, requestId: response.requestId,
                                              reason: "not a valid \(Response.self): \(Self.describe(error))",
                                              excerpt: self.excerpt(response.body))
        }
    }

    /// The start of a body for an error message, with the API key blanked out.
    func excerpt(_ body: Data) -> String { http.redact(RemoteError.excerpt(body)) }

    /// A decoding error in a few words (the key path and what was wrong).
    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .dataCorrupted(let c): return "invalid JSON\(c.codingPath.isEmpty ? "" : " at \(path(c))")"
        case .keyNotFound(let k, let c): return "missing key \(path(c).isEmpty ? "" : path(c) + ".")\(k.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "wrong type at \(path(c)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }

    /// An id safe to put into a URL path.
    func pathComponent(_ id: String) throws -> String {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:".contains($0) }), id.allSatisfy(\.isASCII) else {
            throw RemoteError.invalidRequest("id \(id.debugDescription) has characters an API id does not have")
        }
        return id
    }
}
