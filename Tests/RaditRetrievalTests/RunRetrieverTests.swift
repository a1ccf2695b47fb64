import Foundation
import RaditExperiments
import RaditModels
import RaditRetrieval
import RaditTestSupport
import XCTest

/// Issue 11's padding bug: `radit run` built its encoder's tokenizer from tokenizer.json
/// with the file's fixed padding left on (MiniLM's pads every text to 128 `[PAD]`s), so
/// queries and chunks were embedded with padding counted as tokens. The retriever a run
/// builds from its config must read text exactly as `SentenceEncoder` does.
final class RunRetrieverTests: XCTestCase {
    func config(model: URL, maxLength: Int) throws -> ExperimentConfig {
        try ExperimentConfig.parse("[retriever]\nmodel = \"\(model.path)\"\nmax_length = \(maxLength)\n", file: "loader.toml")
    }

    /// The tiny BERT fixture (random weights, the 123-token tokenizer) with the padding and
    /// truncation a sentence-transformers export writes into tokenizer.json.
    func paddedTinyModel() throws -> URL {
        let dir = Fixtures.temporaryDirectory("radit-loader")
        let config = BertConfig(vocabSize: 123, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                intermediateSize: 32, maxPositionEmbeddings: 64)
        try BertEncoder<Float>.random(config: config, seed: 3, std: 0.5).save(directory: dir)
        let data = try Data(contentsOf: Fixtures.file("bert/tiny-tokenizer.json"))
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        json["padding"] = ["strategy": ["Fixed": 32], "direction": "Right", "pad_to_multiple_of": NSNull(), "pad_id": 0,
                           "pad_type_id": 0, "pad_token": "[PAD]"] as [String: Any]
        json["truncation"] = ["max_length": 32, "strategy": "LongestFirst", "stride": 0] as [String: Any]
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("tokenizer.json"))
        return dir
    }

    /// Ids and embeddings of both sides of the run's bi-encoder equal SentenceEncoder's,
    /// bit for bit, and no sequence holds a [PAD] (id 0 in both vocabularies).
    func assertRunReadsLikeSentenceEncoder(_ model: URL, maxLength: Int, texts: [String],
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try NativeBackend.retriever(try config(model: model, maxLength: maxLength).settings(), root: URL(fileURLWithPath: "/"))
        let reference = try SentenceEncoder<Float>.load(directory: model, maxLength: maxLength)
        let ids = reference.tokenize(texts)
        XCTAssertFalse(ids.contains { $0.contains(0) }, "a [PAD] id in an unpadded sequence", file: file, line: line)
        XCTAssertEqual(run.tokenize(texts), ids, "query-side ids", file: file, line: line)
        XCTAssertEqual(run.documents.tokenize(texts), ids, "document-side ids", file: file, line: line)
        let embeddings = try reference.encode(texts)
        XCTAssertTrue(try run.embed(texts).scalars == embeddings, "query embeddings differ", file: file, line: line)
        XCTAssertTrue(try run.embedDocuments(texts).scalars == embeddings, "document embeddings differ", file: file, line: line)
    }

    func testTinyFixtureRunRetrieverReadsLikeSentenceEncoder() throws {
        let model = try paddedTinyModel()
        defer { try? FileManager.default.removeItem(at: model) }
        let long = Array(repeating: "the river museum protein galaxy", count: 30).joined(separator: " ")
        try assertRunReadsLikeSentenceEncoder(model, maxLength: 64,
                                              texts: ["the river museum", "Zürich café protein galaxy algorithm", "a", long])
    }

    /// Real MiniLM: the run's ids also equal sentence-transformers' (the committed
    /// reference, max_seq_length 256), truncated sentences included.
    func testMiniLMRunRetrieverReadsLikeSentenceEncoder() throws {
        let model = try Fixtures.model("all-MiniLM-L6-v2")
        let ref = try BertReferenceTests.reference()
        let run = try NativeBackend.retriever(try config(model: model, maxLength: ref.max_seq_length).settings(), root: URL(fileURLWithPath: "/"))
        XCTAssertEqual(run.tokenize(ref.items.map(\.text)), ref.items.map(\.ids))
        try assertRunReadsLikeSentenceEncoder(model, maxLength: 128, texts: ref.items.prefix(12).map(\.text)
                                              + ref.items.filter { $0.ids.count == ref.max_seq_length }.prefix(2).map(\.text))
    }
}
