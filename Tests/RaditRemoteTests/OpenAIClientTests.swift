import Foundation
import RaditBase
@testable import RaditRemote
import RaditTestSupport
import XCTest

/// The OpenAI-compatible client against scripted loopback servers: what it sends, how it
/// reads answers, scoring's token alignment, and a fake hosted fine-tuning service.
final class OpenAIClientTests: XCTestCase {
    func endpoint(_ server: FaultServer, model: String = "m") -> RemoteEndpoint {
        RemoteEndpoint(baseURL: server.baseURL + "/v1/", model: model,
                       http: HTTPClientConfig(timeouts: Timeouts(connect: 2, total: 5), maxConcurrency: 4,
                                              retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01)))
    }

    /// An echo answer for `text` split into `pieces` (token texts) with the given log-probs.
    static func echo(_ pieces: [String], _ logprobs: [Double?]) -> String {
        var offsets: [Int] = [], at = 0
        for p in pieces { offsets.append(at); at += p.unicodeScalars.count }
        let lp = CompletionLogprobs(tokens: pieces, tokenLogprobs: logprobs, topLogprobs: nil, textOffset: offsets)
        let r = CompletionResponse(id: "cmpl-1", created: 1, model: "m",
                                   choices: [.init(index: 0, text: pieces.joined(), logprobs: lp, finishReason: "length")],
                                   usage: OpenAIUsage(promptTokens: pieces.count, completionTokens: 0))
        return String(decoding: try! OpenAIJSON.encoder().encode(r), as: UTF8.self)
    }

    func testScoringSendsEchoLogprobsAndCountsOnlyAnswerTokens() throws {
        let server = try FaultServer { request, _ in
            let body = request.bodyText
            if body.contains("Héllo wörld") {  // boundary inside the token " wörld": refused
                return .json(Self.echo(["Hé", "llo", " wörld"], [nil, -1, -2]))
            }
            return .json(Self.echo(["Q", ":", " 2+2", "?", " A", ":", " four", "!"], [nil, -0.1, -0.2, -0.3, -0.4, -0.5, -1.25, -0.75]))
        }
        defer { server.stop() }
        let client = try OpenAIClient(endpoint: endpoint(server))
        let scores = try client.score([(prompt: "Q: 2+2? A:", answer: " four!")])
        XCTAssertEqual(scores, [[-1.25, -0.75]])
        let sent = try JSONSerialization.jsonObject(with: server.requests[0].body) as! [String: Any]
        XCTAssertEqual(sent["echo"] as? Bool, true)
        XCTAssertEqual(sent["logprobs"] as? Int, 0)
        XCTAssertEqual(sent["max_tokens"] as? Int, 0)
        XCTAssertEqual(sent["prompt"] as? String, "Q: 2+2? A: four!")
        XCTAssertEqual(sent["model"] as? String, "m")
        XCTAssertEqual(server.requests[0].path, "/v1/completions")

        XCTAssertThrowsError(try client.score([(prompt: "Héllo w", answer: "örld")])) { error in
            guard case .invalidRequest(let m)? = error as? RemoteError else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("inside a token"), m)
        }
    }

    func testChatAndCompletionRequestsUseTheAPIsFieldNames() throws {
        let server = try FaultServer { request, _ in
            if request.path.hasSuffix("/chat/completions") {
                return .json(#"{"id":"x","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"#)
            }
            return .json(#"{"id":"y","object":"text_completion","created":5,"model":"m","choices":[{"index":0,"text":" 4","logprobs":null,"finish_reason":"length"}]}"#)
        }
        defer { server.stop() }
        let client = try OpenAIClient(endpoint: endpoint(server))
        let chat = try client.chat(ChatCompletionRequest(model: "m", messages: [OpenAIChatMessage(role: "user", content: "Capital of France?")],
                                                         maxTokens: 8, temperature: 0, seed: 1, stop: ["\n"]))
        XCTAssertEqual(chat.choices[0].message.content, "Paris.")
        XCTAssertEqual(chat.usage, OpenAIUsage(promptTokens: 9, completionTokens: 2))
        let sent = try JSONSerialization.jsonObject(with: server.requests[0].body) as! [String: Any]
        XCTAssertEqual(sent["max_tokens"] as? Int, 8)
        XCTAssertEqual(sent["stop"] as? [String], ["\n"])
        XCTAssertNil(sent["stream"])
        let completion = try client.complete(CompletionRequest(model: "m", prompt: .text("2+2="), maxTokens: 1))
        XCTAssertEqual(completion.choices[0].text, " 4")
        XCTAssertNil(completion.choices[0].logprobs)
    }

    func testEmbeddingsComeBackInInputOrder() throws {
        let server = try FaultServer { _, _ in
            .json(#"{"object":"list","model":"e","data":[{"object":"embedding","index":1,"embedding":[0,1]},{"object":"embedding","index":0,"embedding":[1,0]}]}"#)
        }
        defer { server.stop() }
        let client = try OpenAIClient(endpoint: endpoint(server, model: "e"))
        XCTAssertEqual(try client.embed(["a", "b"]), [[1, 0], [0, 1]])
        XCTAssertThrowsError(try client.embed(["a", "b", "c"]))
    }

    func testFineTuningAgainstAFakeHostedService() throws {
        let jsonl = #"{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}"# + "\n"
        let server = try FaultServer { request, _ in
            switch (request.method, request.path) {
            case ("POST", "/v1/files"):
                return .json(#"{"id":"file-abc","object":"file","bytes":\#(jsonl.utf8.count),"created_at":10,"filename":"train.jsonl","purpose":"fine-tune"}"#)
            case ("POST", "/v1/fine_tuning/jobs"):
                return .json(#"{"id":"ftjob-1","object":"fine_tuning.job","model":"base-m","status":"queued","created_at":11,"training_file":"file-abc","fine_tuned_model":null,"error":{}}"#)
            case ("GET", "/v1/fine_tuning/jobs/ftjob-1"):
                return .json(#"{"id":"ftjob-1","object":"fine_tuning.job","model":"base-m","status":"succeeded","created_at":11,"finished_at":20,"training_file":"file-abc","fine_tuned_model":"ft:base-m:radit","trained_tokens":42}"#)
            case ("GET", let p) where p.hasPrefix("/v1/fine_tuning/jobs/ftjob-1/events"):
                return .json(#"{"object":"list","has_more":false,"data":[{"id":"ev-2","object":"fine_tuning.job.event","created_at":19,"level":"info","message":"done"},{"id":"ev-1","object":"fine_tuning.job.event","created_at":12,"level":"info","message":"started"}]}"#)
            default:
                return .json(#"{"error":{"message":"no route"}}"#, status: 404)
            }
        }
        defer { server.stop() }
        let client = try OpenAIClient(endpoint: endpoint(server, model: "base-m"))
        let file = try client.uploadFile(Data(jsonl.utf8), filename: "train.jsonl")
        XCTAssertEqual(file.id, "file-abc")
        let upload = server.requests[0]
        XCTAssertTrue(upload.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") ?? false)
        XCTAssertTrue(upload.bodyText.contains("name=\"purpose\"\r\n\r\nfine-tune\r\n"))
        XCTAssertTrue(upload.bodyText.contains("filename=\"train.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n" + jsonl + "\r\n"))

        let job = try client.createFineTuningJob(FineTuningJobRequest(model: "base-m", trainingFile: file.id, suffix: "radit", seed: 7,
                                                                      hyperparameters: .init(nEpochs: 2)))
        XCTAssertEqual(job.status, "queued")
        XCTAssertNil(job.error)
        let created = try JSONSerialization.jsonObject(with: server.requests[1].body) as! [String: Any]
        XCTAssertEqual(created["training_file"] as? String, "file-abc")
        XCTAssertEqual(created["model"] as? String, "base-m")
        XCTAssertEqual((created["hyperparameters"] as? [String: Any])?["n_epochs"] as? Int, 2)

        var polls = 0
        let (final, events) = try client.waitForFineTuningJob(id: job.id, interval: 0.01) { _, _ in polls += 1; return .proceed }
        XCTAssertEqual(final.fineTunedModel, "ft:base-m:radit")
        XCTAssertTrue(final.isFinished)
        XCTAssertEqual(events.map(\.message), ["started", "done"])
        XCTAssertEqual(polls, 1)
        XCTAssertThrowsError(try client.fineTuningJob(id: "../../etc"))
    }
}
