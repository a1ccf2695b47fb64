import Foundation
import RaditRemote
@testable import RaditServe
import XCTest

/// Pieces of the server that need no model.
final class ServeUnitTests: XCTestCase {
    func testDeltaStreamNeverTakesTextBackAndHoldsBackForStopStrings() {
        var s = DeltaStream(holdBack: 2)
        XCTAssertNil(s.advance(to: "ab"))
        XCTAssertEqual(s.advance(to: "abcd"), "ab")
        XCTAssertNil(s.advance(to: "abcd\u{FFFD}"))     // incomplete character: wait
        XCTAssertEqual(s.advance(to: "abcdéf"), "cd")
        XCTAssertEqual(s.finish(with: "abcdé"), "é")    // cut at a stop string
        var plain = DeltaStream(holdBack: 0)
        XCTAssertEqual([plain.advance(to: "He"), plain.advance(to: "Hello"), plain.finish(with: "Hello")], ["He", "llo", nil])
    }

    func testDecodingErrorsBecomeOpenAIShaped400s() throws {
        func error(_ json: String) -> APIError {
            do {
                _ = try OpenAIJSON.decoder().decode(CompletionRequest.self, from: Data(json.utf8))
                return .invalid("decoded")
            } catch { return .decoding(error) }
        }
        XCTAssertEqual(error("{").status, 400)
        XCTAssertEqual(error(#"{"prompt":"x"}"#).param, "model")
        XCTAssertEqual(error(#"{"model":"m","prompt":"x","echo":"yes"}"#).param, "echo")
        let body = try OpenAIJSON.decoder().decode(OpenAIErrorBody.self, from: error(#"{"model":"m"}"#).body)
        XCTAssertEqual(body.error.type, "invalid_request_error")
        XCTAssertEqual(body.error.code, "missing_required_parameter")
    }
}
