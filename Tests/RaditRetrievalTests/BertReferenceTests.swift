import Foundation
import RaditBase
import RaditModels
import RaditRetrieval
import RaditTestSupport
import XCTest

/// all-MiniLM-L6-v2 against sentence-transformers (tools/reference/bert_minilm_embeddings.py):
/// 103 sentences — short, unicode, and 13 truncated at 256 tokens.
final class BertReferenceTests: XCTestCase {
    struct Reference: Decodable {
        struct Item: Decodable { let text: String; let ids: [Int]; let embedding: [Float] }
        let max_seq_length: Int
        let dimension: Int
        let items: [Item]
    }

    static func reference() throws -> Reference {
        let data = try Data(contentsOf: Fixtures.file("bert/minilm_reference.json"))
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    func testMiniLMEmbeddingsMatchSentenceTransformers() throws {
        let model = try Fixtures.model("all-MiniLM-L6-v2")
        let encoder = try BertEncoder<Float>.load(directory: model)
        let ref = try Self.reference()
        XCTAssertGreaterThanOrEqual(ref.items.count, 100)
        XCTAssertTrue(ref.items.contains { $0.ids.count == ref.max_seq_length })
        let out = try encoder.encode(ref.items.map(\.ids), batchSize: 16)
        let d = ref.dimension
        var worst = (cosine: 1.0, index: -1)
        for (i, item) in ref.items.enumerated() {
            let cosine = cosineSimilarity((0..<d).map { out[i * d + $0] }, item.embedding)
            if cosine < worst.cosine { worst = (cosine, i) }
            XCTAssertGreaterThanOrEqual(cosine, 0.99999, "sentence \(i) '\(item.text.prefix(40))'")
        }
        print("MiniLM reference: worst cosine \(worst.cosine) at \(worst.index)")
    }

    func testTokenizerPathGivesTheSameIdsAndEmbeddings() throws {
        let model = try Fixtures.model("all-MiniLM-L6-v2")
        let sentence = try SentenceEncoder<Float>.load(directory: model)
        let ref = try Self.reference()
        let ids = sentence.tokenize(ref.items.map(\.text))
        for (i, item) in ref.items.enumerated() {
            XCTAssertEqual(ids[i], item.ids, "sentence \(i) '\(item.text.prefix(40))'")
        }
        // Text in, embedding out, on a slice (the ids test above covers the rest).
        let some = Array(ref.items.prefix(24))
        let out = try sentence.encode(some.map(\.text))
        let d = ref.dimension
        for (i, item) in some.enumerated() {
            let dotp = (0..<d).reduce(0.0) { $0 + Double(out[i * d + $1]) * Double(item.embedding[$1]) }
            XCTAssertGreaterThanOrEqual(dotp, 0.99999, "sentence \(i)")
        }
    }

    func testLoadRejectsMissingFolder() {
        XCTAssertThrowsError(try BertEncoder<Float>.load(directory: URL(fileURLWithPath: "/nonexistent"))) { error in
            XCTAssertTrue("\(error)".contains("config.json"), "\(error)")
        }
    }
}
