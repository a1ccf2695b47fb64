import Foundation
import RaditBase
import XCTest

final class JSONTextTests: XCTestCase {
    /// Every string, control characters and non-ASCII included, reads back through Foundation's
    /// JSON parser to itself.
    func testQuotedStringsReadBackThroughJSONSerialization() throws {
        let strings = ["", "plain", "quote \" and \\ backslash", "lines\nand\ttabs\r", "\u{0}\u{1}\u{1f}\u{7f}",
                       "Ünïcödé — 東京 🧪", "a\u{1e}b"]
        for s in strings {
            let json = "[" + jsonQuoted(s) + "]"
            let back = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
            XCTAssertEqual(back, [s], json)
        }
        XCTAssertEqual(jsonQuoted("a\u{1}"), "\"a\\u0001\"")
    }
}
