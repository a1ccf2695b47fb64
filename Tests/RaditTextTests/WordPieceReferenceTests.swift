import Foundation
import RaditTestSupport
import XCTest
@testable import RaditText

final class WordPieceReferenceTests: XCTestCase {
    func loadMiniLM() throws -> Tokenizer {
        try Tokenizer(tokenizerJSON: Fixtures.model("all-MiniLM-L6-v2").appendingPathComponent("tokenizer.json"))
    }

    func testIdsEqualPythonTokenizersOnEveryFixtureString() throws {
        var tok = try loadMiniLM()
        let strings = try TokenizerFixture.strings()
        let ref = try TokenizerFixture.miniLM()
        XCTAssertGreaterThanOrEqual(strings.count, 300)
        // With the file's own truncation (128) and fixed padding (128).
        let batch = tok.encodeBatch(strings)
        var mismatches = 0
        for (i, s) in strings.enumerated() {
            if batch[i].ids != ref.ids_truncated_padded[i] || batch[i].attentionMask != ref.attention_mask[i] {
                mismatches += 1
                if mismatches <= 5 { XCTFail("string #\(i) \(s.debugDescription): got \(batch[i].ids.prefix(40)), expected \(ref.ids_truncated_padded[i].prefix(40))") }
            }
        }
        // Without truncation and padding.
        tok.truncation = nil
        tok.padding = nil
        for (i, s) in strings.enumerated() {
            let e = tok.encode(s)
            if e.ids != ref.ids[i] {
                mismatches += 1
                if mismatches <= 10 { XCTFail("string #\(i) \(s.debugDescription) untruncated: got \(e.ids), expected \(ref.ids[i])") }
            }
            let d = tok.decode(e.ids)
            if d != ref.decoded[i] {
                mismatches += 1
                if mismatches <= 10 { XCTFail("decode #\(i): got \(d.debugDescription), expected \(ref.decoded[i].debugDescription)") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testSpecialTokensTruncationPaddingAndMasks() throws {
        var tok = try loadMiniLM()
        tok.padding = Padding(length: .longest, padId: 0)
        tok.truncation = Truncation(maxLength: 6)
        let b = tok.encodeBatch(["Hello world", "a b c d e f g h"])
        XCTAssertEqual(b[0].ids, [101, 7592, 2088, 102, 0, 0])
        XCTAssertEqual(b[0].attentionMask, [1, 1, 1, 1, 0, 0])
        XCTAssertEqual(b[0].specialTokensMask, [1, 0, 0, 1, 1, 1])
        XCTAssertEqual(b[1].count, 6)
        XCTAssertEqual(b[1].ids.first, 101)
        XCTAssertEqual(b[1].ids.last, 102)
        XCTAssertEqual(tok.encode("Hello world", addSpecialTokens: false).ids, [7592, 2088])
        XCTAssertEqual(tok.id(of: "[CLS]"), 101)
        XCTAssertEqual(tok.token(102), "[SEP]")
    }

    func testBertNormalizerStages() {
        let n = BertNormalizer()
        var out: [Unicode.Scalar] = []
        n.normalize(ArraySlice("Héllo\tWÖRLD\u{0}中文".unicodeScalars), into: &out)
        var v = String.UnicodeScalarView()
        v.append(contentsOf: out)
        XCTAssertEqual(String(v), "hello world 中  文 ")
    }
}
