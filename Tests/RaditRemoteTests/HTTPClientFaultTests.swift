import Foundation
import RaditBase
@testable import RaditRemote
import RaditTestSupport
import XCTest

/// The HTTP client against a loopback server that misbehaves on purpose: each fault is
/// retried or reported as `RetryPolicy` and `RemoteError` specify.
final class HTTPClientFaultTests: XCTestCase {
    /// Collects retry notices from the client's threads.
    final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [RetryNotice] = []
        func add(_ n: RetryNotice) { lock.lock(); items.append(n); lock.unlock() }
        var all: [RetryNotice] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func client(attempts: Int = 4, total: Double = 5, concurrency: Int = 4, notices: Notices? = nil,
                key: APIKey? = nil) -> HTTPClient {
        var onRetry: (@Sendable (RetryNotice) -> Void)?
        if let notices { onRetry = { notices.add($0) } }
        return HTTPClient(config: HTTPClientConfig(timeouts: Timeouts(connect: 2, total: total), maxConcurrency: concurrency,
                                                   retry: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01, maxDelay: 0.05, seed: 7)),
                          apiKey: key, onRetry: onRetry)
    }

    func get(_ server: FaultServer, _ path: String = "/v1/models") -> HTTPRequest {
        HTTPRequest(method: .get, url: server.baseURL + path)
    }

    func test429WithRetryAfterWaitsTheServersDelayThenSucceeds() throws {
        let server = try FaultServer { _, i in
            i == 0 ? .json(#"{"error":{"message":"slow down","type":"rate_limit"}}"#, status: 429,
                           headers: [("Retry-After", "1"), ("x-request-id", "rl-1")])
                   : .json(#"{"ok":true}"#)
        }
        defer { server.stop() }
        let notices = Notices()
        let response = try client(notices: notices).send(get(server))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 2)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(notices.all.count, 1)
        XCTAssertEqual(notices.all[0].status, 429)
        XCTAssertEqual(notices.all[0].delay, 1)
        XCTAssertTrue(notices.all[0].fromRetryAfter)
    }

    func testRetryAfterBeyondTheLimitIsReportedNotWaited() throws {
        let server = try FaultServer { _, _ in .json("{}", status: 503, headers: [("Retry-After", "3600"), ("x-request-id", "r-9")]) }
        defer { server.stop() }
        XCTAssertThrowsError(try client().send(get(server))) { error in
            guard case .retryAfterTooLong(_, 503, 3600, 120, "r-9")? = error as? RemoteError else {
                return XCTFail("expected retryAfterTooLong, got \(error)")
            }
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func test500ThenSuccessBacksOffWithSeededJitter() throws {
        let server = try FaultServer { _, i in i < 2 ? .json(#"{"error":"boom"}"#, status: 500) : .json(#"{"ok":true}"#) }
        defer { server.stop() }
        let notices = Notices()
        let c = client(notices: notices)
        let response = try c.send(get(server))
        XCTAssertEqual(response.attempts, 3)
        XCTAssertEqual(notices.all.map(\.status), [500, 500])
        // The waits are the policy's, drawn from its seed for request number 1.
        let policy = c.config.retry
        XCTAssertEqual(notices.all.map(\.delay), [policy.backoff(afterAttempt: 1, sequence: 1), policy.backoff(afterAttempt: 2, sequence: 1)])
        XCTAssertFalse(notices.all[0].fromRetryAfter)
    }

    func testPersistent500IsReportedWithStatusExcerptAndRequestId() throws {
        let server = try FaultServer { _, _ in .json(#"{"error":{"message":"engine crashed"}}"#, status: 500, headers: [("x-request-id", "req-500")]) }
        defer { server.stop() }
        XCTAssertThrowsError(try client(attempts: 3).send(get(server))) { error in
            guard let e = error as? RemoteError, case .http(500, _, "req-500", let excerpt, 3) = e else {
                return XCTFail("expected HTTP 500 after 3 attempts, got \(error)")
            }
            XCTAssertTrue(excerpt.contains("engine crashed"))
            XCTAssertEqual(e.status, 500)
            XCTAssertEqual(e.requestId, "req-500")
            XCTAssertTrue(e.message.contains("req-500"))
        }
        XCTAssertEqual(server.requests.count, 3)
    }

    func testClientErrorIsNotRetried() throws {
        let server = try FaultServer { _, _ in .json(#"{"error":{"message":"bad field"}}"#, status: 400, headers: [("x-request-id", "abc")]) }
        defer { server.stop() }
        XCTAssertThrowsError(try client().send(get(server))) { error in
            guard case .http(400, _, "abc", _, 1)? = error as? RemoteError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testTruncatedBodyIsRetriedThenSucceeds() throws {
        let server = try FaultServer { _, i in
            i == 0 ? .truncated(declared: 100, body: Data(#"{"ok":"#.utf8)) : .json(#"{"ok":true}"#)
        }
        defer { server.stop() }
        let notices = Notices()
        let response = try client(notices: notices).send(get(server))
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"ok":true}"#)
        XCTAssertEqual(notices.all.first?.curlCode, 18)  // CURLE_PARTIAL_FILE
    }

    func testAlwaysTruncatedBodyIsReportedAsTransportError() throws {
        let server = try FaultServer { _, _ in .truncated(declared: 100, body: Data("{".utf8)) }
        defer { server.stop() }
        XCTAssertThrowsError(try client(attempts: 2).send(get(server))) { error in
            guard case .transport(_, 18, _, 2, _)? = error as? RemoteError else { return XCTFail("\(error)") }
        }
    }

    func testInvalidJSONIsReportedWithExcerptAndNotRetried() throws {
        let server = try FaultServer { _, _ in .json("{not json at all", headers: [("x-request-id", "bad-json-1")]) }
        defer { server.stop() }
        let api = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL + "/v1", model: "m",
                                                            http: client().config))
        XCTAssertThrowsError(try api.models()) { error in
            guard case .invalidResponse(_, 200, "bad-json-1", let reason, let excerpt)? = error as? RemoteError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(reason.contains("invalid JSON"), reason)
            XCTAssertTrue(excerpt.hasPrefix("{not json"))
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    func testServerSlowerThanTheTimeoutIsRetriedThenReported() throws {
        let server = try FaultServer { _, _ in .delayed(seconds: 1.5, then: .json("{}")) }
        defer { server.stop() }
        let notices = Notices()
        XCTAssertThrowsError(try client(attempts: 2, total: 0.3, notices: notices).send(get(server))) { error in
            guard case .transport(_, 28, _, 2, _)? = error as? RemoteError else { return XCTFail("\(error)") }  // CURLE_OPERATION_TIMEDOUT
        }
        XCTAssertEqual(notices.all.map(\.curlCode), [28])
    }

    func testConnectionRefusedIsRetriedThenReported() throws {
        let port = try FaultServer.closedPort()
        XCTAssertThrowsError(try client(attempts: 3).send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/v1/models"))) { error in
            guard let e = error as? RemoteError, case .transport(_, 7, _, 3, _) = e else { return XCTFail("\(error)") }  // CURLE_COULDNT_CONNECT
            XCTAssertTrue(e.message.contains("127.0.0.1:\(port)"))
        }
    }

    func testHangUpWithoutAnswerIsRetried() throws {
        let server = try FaultServer { _, i in i == 0 ? .hangUp : .json("{}") }
        defer { server.stop() }
        XCTAssertEqual(try client().send(get(server)).attempts, 2)
    }

    func testConnectionsAreReusedAcrossRequests() throws {
        let server = try FaultServer { _, _ in .json(#"{"ok":true}"#) }
        defer { server.stop() }
        let c = client(concurrency: 1)
        for _ in 0..<5 { _ = try c.send(get(server)) }
        XCTAssertEqual(server.requests.count, 5)
        XCTAssertEqual(server.connections, 1)
        XCTAssertEqual(c.connectionsOpened, 1)
    }

    func testConcurrencyIsBounded() throws {
        let server = try FaultServer { _, _ in .delayed(seconds: 0.15, then: .json("{}")) }
        defer { server.stop() }
        let c = client(concurrency: 2)
        let request = get(server)
        let results = try concurrentMap(8, width: 8) { _ in try c.send(request).status }
        XCTAssertEqual(results, Array(repeating: 200, count: 8))
        XCTAssertEqual(c.peakConcurrency, 2)
        XCTAssertLessThanOrEqual(server.peakConcurrency, 2)
        XCTAssertEqual(server.requests.count, 8)
    }

    func testGzipBodiesAreDecoded() throws {
        // gzip of {"object":"list","data":[{"id":"gz-model",…}]} (Python gzip.compress, mtime=0).
        let gz: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 202, 79, 202, 74, 77, 46, 81, 178, 82, 202, 201, 44, 46, 81, 210, 81, 74, 73, 44, 73, 84, 178, 138, 174, 86, 202, 76, 1, 10, 166, 87, 233, 230, 230, 167, 164, 230, 0, 37, 224, 10, 97, 2, 201, 69, 169, 137, 37, 169, 64, 85, 134, 64, 201, 242, 188, 212, 148, 248, 164, 74, 160, 116, 73, 42, 208, 156, 218, 216, 90, 0, 16, 167, 57, 73, 91, 0, 0, 0]
        let server = try FaultServer { _, _ in
            .respond(status: 200, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: Data(gz))
        }
        defer { server.stop() }
        let api = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL + "/v1", model: "m", http: client().config))
        XCTAssertEqual(try api.models().map(\.id), ["gz-model"])
        XCTAssertTrue(server.requests[0].headers["accept-encoding"]?.contains("gzip") ?? false)
    }

    func testServerSentEventsArriveInOrderAndCanStop() throws {
        let chunk: @Sendable (String, String?) -> String = { text, finish in
            #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(text)"},"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
        }
        let server = try FaultServer { _, _ in .events([chunk("Hel", nil), chunk("lo ", nil), chunk("world", "stop"), "[DONE]"]) }
        defer { server.stop() }
        let api = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL + "/v1", model: "m", http: client().config))
        var seen: [String] = []
        let request = ChatCompletionRequest(model: "m", messages: [OpenAIChatMessage(role: "user", content: "hi")])
        let (text, finish) = try api.chatStream(request) { seen.append($0.choices[0].delta.content ?? ""); return .proceed }
        XCTAssertEqual(text, "Hello world")
        XCTAssertEqual(finish, "stop")
        XCTAssertEqual(seen, ["Hel", "lo ", "world"])
        XCTAssertEqual(server.requests[0].headers["accept"], "text/event-stream")
        XCTAssertTrue(server.requests[0].bodyText.contains(#""stream":true"#))

        var count = 0
        XCTAssertThrowsError(try api.chatStream(request) { _ in count += 1; return count == 2 ? .stop : .proceed }) { error in
            guard case .stopped? = error as? RemoteError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(count, 2)
        XCTAssertEqual(server.requests.count, 2)  // a stopped stream is not retried
    }

    func testAStreamThatBreaksOffIsReported() throws {
        let server = try FaultServer { _, _ in
            .events([#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}"#])
        }
        defer { server.stop() }
        let api = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL + "/v1", model: "m", http: client().config))
        XCTAssertThrowsError(try api.chatStream(ChatCompletionRequest(model: "m", messages: []))) { error in
            guard case .invalidResponse(_, 200, _, let reason, _)? = error as? RemoteError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("without a finish reason"))
        }
        XCTAssertEqual(server.requests.count, 1)  // events were delivered: no retry
    }
}
