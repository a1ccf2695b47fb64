import Foundation
import RaditBase
import RaditModels
import RaditRemote
@testable import RaditServe
import RaditTestSupport
import XCTest

/// `radit serve` as a real server on loopback, driven by Radit's own OpenAI client and
/// compared with the native model: scoring to 1e-4, greedy generation exactly, 200
/// concurrent scoring requests, bad requests answered with 4xx while serving goes on.
final class ServeAcceptanceTests: XCTestCase {
    static let modelName = "smollm2-test"
    nonisolated(unsafe) static var server: OpenAIServer?
    nonisolated(unsafe) static var native: LlamaBundle?

    static func modelFile() throws -> URL {
        try Fixtures.model("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    }

    /// One server and one native twin (a second load: the server's copy belongs to its worker).
    func started() throws -> (OpenAIServer, LlamaBundle) {
        if let s = Self.server, let n = Self.native { return (s, n) }
        let file = try Self.modelFile()
        let s = try OpenAIServer(bundle: try LlamaBundle(path: file), config: ServeConfig(port: 0, modelName: Self.modelName))
        let n = try LlamaBundle(path: file)
        Self.server = s
        Self.native = n
        return (s, n)
    }

    override class func tearDown() {
        server?.shutdown()
        server = nil
        native = nil
        super.tearDown()
    }

    func client(_ server: OpenAIServer, concurrency: Int = 4, retry: RetryPolicy = RetryPolicy(maxAttempts: 1)) throws -> OpenAIClient {
        try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL, model: Self.modelName,
                                                  http: HTTPClientConfig(timeouts: Timeouts(connect: 5, total: 600),
                                                                         maxConcurrency: concurrency, retry: retry)))
    }

    /// (prompt, answer) pairs whose boundary is a token boundary: the prompt ends where a
    /// word or a chat turn ends, the answer starts a word.
    func pairs(_ native: LlamaBundle) -> [(prompt: String, answer: String)] {
        let background = "Background: The Varnholt bridge was finished in 1873 by the engineer Ilse Marr.\n\n"
        return [
            (background + "Question: Who finished the Varnholt bridge?\nAnswer:", " Ilse Marr"),
            (background + "Question: When was the Varnholt bridge finished?\nAnswer:", " In 1873."),
            ("Question: What is the capital of France?\nAnswer:", " Paris"),
            ("Question: What is the capital of France?\nAnswer:", " Lyon, I think"),
            (native.promptText("What is 2 + 2?", chat: true), "4"),
            (native.promptText(background + "Who built it?", chat: true), "Ilse Marr built it in 1873."),
        ]
    }

    func testModelsListsTheServedModel() throws {
        let (server, _) = try started()
        XCTAssertEqual(try client(server).models().map(\.id), [Self.modelName])
    }

    func testRemoteScoringEqualsNativeScoring() throws {
        let (server, native) = try started()
        let pairs = pairs(native)
        let expected = try native.score(pairs, chat: false)
        let remote = try client(server).score(pairs)
        for (i, (e, r)) in zip(expected, remote).enumerated() {
            XCTAssertEqual(r.count, e.tokenLogProbs.count, "pair \(i): answer token counts differ")
            for (j, (a, b)) in zip(e.tokenLogProbs, r).enumerated() {
                XCTAssertEqual(b, a, accuracy: 1e-4, "pair \(i) token \(j)")
            }
            XCTAssertEqual(r.reduce(0, +), e.total, accuracy: 1e-4, "pair \(i) total")
        }
    }

    func testEchoLogprobsCoverEveryPromptTokenWithOffsetsAndAlternatives() throws {
        let (server, native) = try started()
        let text = "Question: What is the capital of France?\nAnswer: Paris"
        let response = try client(server).complete(CompletionRequest(model: Self.modelName, prompt: .text(text), maxTokens: 0,
                                                                     logprobs: 2, echo: true))
        let choice = response.choices[0]
        XCTAssertEqual(choice.text, text)
        let lp = try XCTUnwrap(choice.logprobs)
        let ids = native.tokenizer.encode(text).ids
        XCTAssertEqual(lp.tokens.count, ids.count)
        XCTAssertEqual(lp.tokens.joined(), text)
        XCTAssertNil(lp.tokenLogprobs[0])
        for (i, offset) in lp.textOffset.enumerated() {
            let start = text.unicodeScalars.index(text.unicodeScalars.startIndex, offsetBy: offset)
            XCTAssertTrue(String(text.unicodeScalars[start...]).hasPrefix(lp.tokens[i]), "token \(i) offset")
        }
        let tops = try XCTUnwrap(lp.topLogprobs)
        for t in 1..<ids.count {
            let top = try XCTUnwrap(tops[t])
            XCTAssertEqual(top.count, 2)
            // The best alternative is at least as likely as the actual token.
            XCTAssertGreaterThanOrEqual(top.values.max()! + 1e-4, lp.tokenLogprobs[t]!)
        }
        XCTAssertEqual(response.usage?.promptTokens, ids.count)
        XCTAssertEqual(response.usage?.completionTokens, 0)
    }

    func testRemoteGreedyGenerationEqualsNative() throws {
        let (server, native) = try started()
        let api = try client(server)
        let greedy = GenerationConfig(maxTokens: 12, sampling: .greedy)

        let prompt = "The three primary colours are"
        let completion = try api.complete(CompletionRequest(model: Self.modelName, prompt: .text(prompt), maxTokens: 12, temperature: 0))
        XCTAssertEqual(completion.choices[0].text, try native.generate(promptText: prompt, config: greedy).text)

        let question = "Name a planet of the solar system."
        let nativeChat = try native.generate(question, chat: true, config: greedy)
        let request = ChatCompletionRequest(model: Self.modelName, messages: [OpenAIChatMessage(role: "user", content: question)],
                                            maxTokens: 12, temperature: 0)
        let chat = try api.chat(request)
        XCTAssertEqual(chat.choices[0].message.content, nativeChat.text)
        XCTAssertEqual(chat.usage?.completionTokens, nativeChat.result.tokens.count)
        XCTAssertEqual(chat.choices[0].finishReason, nativeChat.result.stopReason == .maxTokens ? "length" : "stop")

        var deltas: [String] = []
        let streamed = try api.chatStream(request) { chunk in
            deltas.append(chunk.choices.first?.delta.content ?? "")
            return .proceed
        }
        XCTAssertEqual(streamed.text, nativeChat.text)
        XCTAssertEqual(streamed.finishReason, chat.choices[0].finishReason)
        XCTAssertGreaterThan(deltas.filter { !$0.isEmpty }.count, 1, "the answer should arrive in pieces")

        let stopped = try api.complete(CompletionRequest(model: Self.modelName, prompt: .text(prompt), maxTokens: 12, temperature: 0,
                                                         stop: [","]))
        let nativeStopped = try native.generate(promptText: prompt, config: GenerationConfig(maxTokens: 12, stopStrings: [","]))
        XCTAssertEqual(stopped.choices[0].text, nativeStopped.text)
    }

    func test200ConcurrentScoringRequestsAllAnswerCorrectly() throws {
        let (server, native) = try started()
        // Short pairs: the model serves one request at a time, so this measures the
        // server's concurrency handling, not the model's speed.
        let base: [(prompt: String, answer: String)] = (0..<10).map { i in ("Q: \(i) + \(i) =", " \(2 * i)") }
        let expected = try native.score(base, chat: false).map(\.tokenLogProbs)
        let api = try client(server, concurrency: 200, retry: RetryPolicy(maxAttempts: 5, baseDelay: 0.2))
        let n = 200
        let answers = try api.score((0..<n).map { base[$0 % base.count] })
        XCTAssertEqual(answers.count, n)
        for (i, got) in answers.enumerated() {
            let want = expected[i % base.count]
            XCTAssertEqual(got.count, want.count, "request \(i)")
            for (a, b) in zip(got, want) where abs(a - b) > 1e-4 { XCTFail("request \(i): \(a) vs \(b)"); break }
        }
    }

    func testBadRequestsGet4xxAndTheServerKeepsServing() throws {
        let (server, _) = try started()
        let http = HTTPClient(config: HTTPClientConfig(timeouts: Timeouts(connect: 5, total: 120), retry: .none))
        let base = server.baseURL
        let m = Self.modelName
        let cases: [(String, HTTPMethod, String, String?, Int, String?)] = [
            ("bad JSON", .post, "/completions", #"{"model": "#, 400, nil),
            ("not an object", .post, "/completions", "[1,2]", 400, nil),
            ("missing model", .post, "/completions", #"{"prompt":"hi"}"#, 400, "model"),
            ("missing prompt", .post, "/completions", #"{"model":"\#(m)"}"#, 400, "prompt"),
            ("missing messages", .post, "/chat/completions", #"{"model":"\#(m)"}"#, 400, "messages"),
            ("negative max_tokens", .post, "/completions", #"{"model":"\#(m)","prompt":"hi","max_tokens":-1}"#, 400, "max_tokens"),
            ("negative chat max_tokens", .post, "/chat/completions",
             #"{"model":"\#(m)","messages":[{"role":"user","content":"hi"}],"max_tokens":-5}"#, 400, "max_tokens"),
            ("wrong type", .post, "/completions", #"{"model":"\#(m)","prompt":"hi","max_tokens":"ten"}"#, 400, "max_tokens"),
            ("unknown model", .post, "/completions", #"{"model":"gpt-9","prompt":"hi"}"#, 404, "model"),
            ("unknown model (chat)", .post, "/chat/completions", #"{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}"#, 404, "model"),
            ("logprobs too many", .post, "/completions", #"{"model":"\#(m)","prompt":"hi","logprobs":9}"#, 400, "logprobs"),
            ("n > 1", .post, "/completions", #"{"model":"\#(m)","prompt":"hi","n":3}"#, 400, "n"),
            ("temperature", .post, "/completions", #"{"model":"\#(m)","prompt":"hi","temperature":-1}"#, 400, "temperature"),
            ("empty prompt", .post, "/completions", #"{"model":"\#(m)","prompt":""}"#, 400, "prompt"),
            ("token out of range", .post, "/completions", #"{"model":"\#(m)","prompt":[1,99999999]}"#, 400, "prompt"),
            ("empty messages", .post, "/chat/completions", #"{"model":"\#(m)","messages":[]}"#, 400, "messages"),
            ("unknown role", .post, "/chat/completions", #"{"model":"\#(m)","messages":[{"role":"robot","content":"x"}]}"#, 400, "messages[0].role"),
            ("stream on completions", .post, "/completions", #"{"model":"\#(m)","prompt":"hi","stream":true}"#, 400, "stream"),
            ("unknown route", .post, "/embeddings", #"{"model":"\#(m)","input":"x"}"#, 404, nil),
            ("wrong method", .get, "/completions", nil, 405, nil),
            ("unknown model by id", .get, "/models/gpt-9", nil, 404, "model"),
        ]
        for (name, method, path, body, status, param) in cases {
            let request = HTTPRequest(method: method, url: base + path, body: body.map { Data($0.utf8) })
            XCTAssertThrowsError(try http.send(request), name) { error in
                guard case .http(let s, _, let id, let excerpt, 1)? = error as? RemoteError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(s, status, "\(name): \(excerpt)")
                XCTAssertNotNil(id, "\(name): x-request-id")
                guard let e = try? OpenAIJSON.decoder().decode(OpenAIErrorBody.self, from: Data(excerpt.utf8)) else {
                    return XCTFail("\(name): not an OpenAI error body: \(excerpt)")
                }
                XCTAssertFalse(e.error.message.isEmpty)
                if let param { XCTAssertEqual(e.error.param, param, name) }
            }
        }
        // Still serving.
        let ok = try client(server).complete(CompletionRequest(model: m, prompt: .text("Hello"), maxTokens: 2, temperature: 0))
        XCTAssertEqual(ok.choices.count, 1)
        XCTAssertEqual(ok.usage?.completionTokens, 2)
    }

    func testAFullQueueAnswers429WithRetryAfter() throws {
        let file = try Self.modelFile()
        let small = try OpenAIServer(bundle: try LlamaBundle(path: file),
                                     config: ServeConfig(port: 0, modelName: Self.modelName, queueCapacity: 1))
        defer { small.shutdown() }
        let http = HTTPClient(config: HTTPClientConfig(timeouts: Timeouts(connect: 5, total: 300), maxConcurrency: 6, retry: .none))
        let body = Data(#"{"model":"\#(Self.modelName)","prompt":"Once upon a time","max_tokens":16,"temperature":0}"#.utf8)
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock(); var statuses: [Int] = []; var retryAfter: [String?] = []
            func add(_ s: Int, _ r: String?) { lock.lock(); statuses.append(s); retryAfter.append(r); lock.unlock() }
        }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let r = try http.send(HTTPRequest(method: .post, url: small.baseURL + "/completions", body: body))
                outcomes.add(r.status, nil)
            } catch RemoteError.http(let s, _, _, _, _) {
                outcomes.add(s, "429")
            } catch {
                outcomes.add(-1, "\(error)")
            }
        }
        XCTAssertEqual(outcomes.statuses.count, 6)
        XCTAssertTrue(outcomes.statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(outcomes.statuses) \(outcomes.retryAfter)")
        XCTAssertGreaterThanOrEqual(outcomes.statuses.filter { $0 == 200 }.count, 1)
        XCTAssertGreaterThanOrEqual(outcomes.statuses.filter { $0 == 429 }.count, 1, "a queue of 1 cannot hold 6 requests")
        // The client's retries (which honour Retry-After) get every request through.
        let patient = HTTPClient(config: HTTPClientConfig(timeouts: Timeouts(connect: 5, total: 300), maxConcurrency: 3,
                                                          retry: RetryPolicy(maxAttempts: 30, baseDelay: 0.2, maxDelay: 1)))
        let statuses = try (0..<2).map { _ in try patient.send(HTTPRequest(method: .post, url: small.baseURL + "/completions", body: body)).status }
        XCTAssertEqual(statuses, [200, 200])
    }
}

