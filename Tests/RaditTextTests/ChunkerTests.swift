import RaditText
import XCTest

final class ChunkerTests: XCTestCase {
    func testPacksParagraphsAndSplitsLongOnesWithOverlap() throws {
        let text = "aa bb\n\ncc dd\n\n\nee ff gg hh ii jj kk"
        let c = try Chunker(size: .characters(12), overlap: 5)
        // "aa bb\n\ncc dd" is 12 characters: both paragraphs fit in one chunk.
        // "ee ff gg hh ii jj kk" (20) is cut at spaces; windows share ≤ 5 characters.
        XCTAssertEqual(c.chunks(text).map(String.init), ["aa bb\n\ncc dd", "ee ff gg hh", "gg hh ii jj", "ii jj kk"])
        for piece in c.chunks(text) { XCTAssertLessThanOrEqual(piece.count, 12) }
    }

    func testTokenUnitUsesCounter() throws {
        // One token per word: size 3 tokens, overlap 1 token.
        let words: @Sendable (Substring) -> Int = { $0.split(whereSeparator: \.isWhitespace).count }
        let c = try Chunker(size: .tokens(3), overlap: 1, tokenCount: words)
        XCTAssertEqual(c.chunks("a b c d e f g").map(String.init), ["a b c", "c d e", "e f g"])
        XCTAssertEqual(c.chunks("   \n\n  "), [])
    }

    func testLongWordIsCutByCharacters() throws {
        let c = try Chunker(size: .characters(4))
        XCTAssertEqual(c.chunks("abcdefghij").map(String.init), ["abcd", "efgh", "ij"])
    }

    func testSettingsAreChecked() {
        XCTAssertThrowsError(try Chunker(size: .characters(0)))
        XCTAssertThrowsError(try Chunker(size: .characters(5), overlap: 5))
        XCTAssertThrowsError(try Chunker(size: .tokens(5)))
    }
}
