import Foundation
import RaditTestSupport
import RaditText
import XCTest
@testable import RaditModels

final class ByteLevelBPEReferenceTests: XCTestCase {
    struct Reference: Decodable { let ids: [[Int]]; let decoded: [String] }
    struct Strings: Decodable { let strings: [String] }

    func loadSmolLM2() throws -> Tokenizer {
        let url = try Fixtures.model("SmolLM2-135M-Instruct").appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        return try GGUFFile(url: url).tokenizer()
    }

    func testIdsEqualPythonTokenizersAndDecodeRoundTrips() throws {
        let tok = try loadSmolLM2()
        let strings = try JSONDecoder().decode(Strings.self, from: Data(contentsOf: Fixtures.file("tokenizers/strings.json"))).strings
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.file("tokenizers/smollm2.json")))
        XCTAssertGreaterThanOrEqual(strings.count, 300)
        let batch = tok.encodeBatch(strings)
        var mismatches = 0, roundTrips = 0
        for (i, s) in strings.enumerated() {
            if batch[i].ids != ref.ids[i] {
                mismatches += 1
                if mismatches <= 10 { XCTFail("string #\(i) \(s.debugDescription): got \(batch[i].ids), expected \(ref.ids[i])") }
            }
            XCTAssertEqual(tok.encode(s).ids, batch[i].ids, "encode and encodeBatch differ on #\(i)")
            let d = tok.decode(batch[i].ids, skipSpecialTokens: false)
            XCTAssertEqual(d, ref.decoded[i], "decode #\(i)")
            if d == s { roundTrips += 1 }
        }
        XCTAssertEqual(mismatches, 0)
        // The one string that cannot round-trip holds byte 0x1D, whose byte token the
        // SmolLM2 vocabulary lacks (Python drops it too).
        XCTAssertEqual(roundTrips, strings.count - 1)
    }

    func testSpecialTokensAndMetadata() throws {
        let tok = try loadSmolLM2()
        XCTAssertEqual(tok.bosId, 1)
        XCTAssertEqual(tok.eosId, 2)
        XCTAssertEqual(tok.vocabularySize, 49152)
        XCTAssertEqual(tok.encode("<|im_start|>user\nHi<|im_end|>").ids.first, 1)
        XCTAssertEqual(tok.decode(tok.encode("<|im_start|>x<|im_end|>").ids), "x")
        XCTAssertEqual(tok.id(of: "<|im_end|>"), 2)
    }
}
