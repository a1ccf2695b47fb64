import Foundation
import RaditTestSupport

/// The fixtures written by tools/reference/tokenizer_fixture.py.
enum TokenizerFixture {
    struct Strings: Decodable { let strings: [String] }
    struct MiniLM: Decodable {
        let ids: [[Int]]
        let ids_truncated_padded: [[Int]]
        let attention_mask: [[Int]]
        let decoded: [String]
    }

    static func strings() throws -> [String] {
        try JSONDecoder().decode(Strings.self, from: Data(contentsOf: Fixtures.file("tokenizers/strings.json"))).strings
    }

    static func miniLM() throws -> MiniLM {
        try JSONDecoder().decode(MiniLM.self, from: Data(contentsOf: Fixtures.file("tokenizers/minilm.json")))
    }
}
