import Foundation
import RaditBase
@testable import RaditRemote
import RaditTestSupport
import XCTest

/// The API key is sent to the server and appears nowhere else: not in errors, retry
/// notices, descriptions of the client or endpoint, nor in anything written to disk.
final class APIKeyLeakTests: XCTestCase {
    let secret = "sk-radit-test-9f8e7d6c5b4a39281706"

    func testKeyIsSentButNeverInMessagesOrFiles() throws {
        // The server checks the bearer token, and its errors echo the request headers back,
        // as a careless server might.
        let secret = self.secret
        let server = try FaultServer { request, i in
            let auth = request.headers["authorization"] ?? ""
            if auth != "Bearer \(secret)" { return .json(#"{"error":{"message":"no key"}}"#, status: 401) }
            switch request.path {
            case "/v1/models" where i < 2:
                return .json(#"{"error":{"message":"busy; you sent \#(auth)"}}"#, status: 503, headers: [("Retry-After", "0")])
            case "/v1/models":
                return .json(#"{"object":"list","data":[{"id":"m","object":"model","created":1,"owned_by":"x"}]}"#)
            default:
                return .json(#"{"error":{"message":"unknown path; headers were \#(auth)"}}"#, status: 404)
            }
        }
        defer { server.stop() }
        let variable = "RADIT_TEST_REMOTE_KEY"
        let endpoint = RemoteEndpoint(baseURL: server.baseURL + "/v1", model: "m", apiKeyVariable: variable,
                                      http: HTTPClientConfig(timeouts: Timeouts(connect: 2, total: 5),
                                                             retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
        let notices = HTTPClientFaultTests.Notices()
        let client = try OpenAIClient(endpoint: endpoint, environment: [variable: secret], onRetry: { notices.add($0) })
        var texts: [String] = []

        XCTAssertEqual(try client.models().map(\.id), ["m"])
        XCTAssertEqual(notices.all.count, 2)
        do {
            _ = try client.embed(["x"])
            XCTFail("the server has no embeddings")
        } catch {
            texts.append("\(error)")
            texts.append(String(reflecting: error))
            XCTAssertTrue("\(error)".contains("<redacted>"), "the echoed header should be blanked: \(error)")
        }
        texts += notices.all.map(\.description)
        texts += notices.all.map(\.detail)
        texts.append(String(describing: client))
        texts.append(String(reflecting: endpoint))
        var dumped = ""
        dump(client, to: &dumped)
        dump(try APIKey.fromEnvironment(variable, environment: [variable: secret]), to: &dumped)
        texts.append(dumped)

        // Everything the client and the tests wrote.
        let folder = Fixtures.temporaryDirectory("remote-key")
        defer { try? FileManager.default.removeItem(at: folder) }
        try texts.joined(separator: "\n").write(to: folder.appendingPathComponent("messages.log"), atomically: true, encoding: .utf8)
        for text in texts { XCTAssertFalse(text.contains(secret), "key leaked into: \(text)") }
        for case let file as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)! {
            let bytes = try Data(contentsOf: file)
            XCTAssertNil(bytes.range(of: Data(secret.utf8)), "key leaked into \(file.lastPathComponent)")
        }
        // The server did see it on every request.
        XCTAssertTrue(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(secret)" })
    }

    func testMissingKeyVariableNamesTheVariable() {
        let endpoint = RemoteEndpoint(baseURL: "http://127.0.0.1:1/v1", model: "m", apiKeyVariable: "RADIT_NO_SUCH_KEY")
        XCTAssertThrowsError(try OpenAIClient(endpoint: endpoint, environment: [:])) { error in
            XCTAssertEqual(error as? RemoteError, .missingAPIKey(variable: "RADIT_NO_SUCH_KEY"))
            XCTAssertTrue("\(error)".contains("RADIT_NO_SUCH_KEY"))
        }
    }
}
