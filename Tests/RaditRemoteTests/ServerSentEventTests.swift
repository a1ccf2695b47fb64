@testable import RaditRemote
import XCTest

final class ServerSentEventTests: XCTestCase {
    func testEventsSurviveArbitraryChunkBoundaries() {
        let stream = "data: {\"a\":\"é\"}\r\n\r\n: keep-alive\n\nevent: note\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n"
        let bytes = Array(stream.utf8)
        let expected = [ServerSentEvent(data: "{\"a\":\"é\"}"), ServerSentEvent(event: "note", data: "line one\nline two"),
                        ServerSentEvent(data: "[DONE]")]
        for size in [1, 2, 3, 5, 7, bytes.count] {
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                events += parser.feed(bytes[start..<min(bytes.count, start + size)])
            }
            XCTAssertNil(parser.finish())
            XCTAssertEqual(events, expected, "chunk size \(size)")
        }
    }

    func testAStreamWithoutTheFinalBlankLineStillDeliversItsLastEvent() {
        var parser = ServerSentEventParser()
        XCTAssertEqual(parser.feed(Array("data: x\n\ndata: y".utf8)), [ServerSentEvent(data: "x")])
        XCTAssertEqual(parser.finish(), ServerSentEvent(data: "y"))
    }
}
