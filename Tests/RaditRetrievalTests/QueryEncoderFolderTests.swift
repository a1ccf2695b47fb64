import Foundation
import RaditExperiments
import RaditModels
import RaditRetrieval
import RaditTestSupport
import XCTest

/// `bench retrieval --query-encoder FOLDER` reads a sentence-transformers folder through
/// `SentenceEncoder`: its `sentence_bert_config.json` `max_seq_length` included.
final class QueryEncoderFolderTests: XCTestCase {
    /// A tiny BERT in sentence-transformers layout (weights, tokenizer, pooling config).
    func writeFolder(_ dir: URL, maxSeqLength: Int) throws {
        let config = BertConfig(vocabSize: 123, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2,
                                intermediateSize: 32, maxPositionEmbeddings: 64)
        try BertEncoder<Float>.random(config: config, seed: 5, std: 0.5).save(directory: dir)
        try FileManager.default.copyItem(at: Fixtures.file("bert/tiny-tokenizer.json"), to: dir.appendingPathComponent("tokenizer.json"))
        try Data("{\"max_seq_length\": \(maxSeqLength), \"do_lower_case\": false}".utf8)
            .write(to: dir.appendingPathComponent("sentence_bert_config.json"))
        try Data(#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}, {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]"#.utf8)
            .write(to: dir.appendingPathComponent("modules.json"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        try Data(#"{"word_embedding_dimension": 16, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false}"#.utf8)
            .write(to: dir.appendingPathComponent("1_Pooling/config.json"))
    }

    func testMaxSeqLengthComesFromTheFolder() throws {
        let dir = Fixtures.temporaryDirectory("radit-st-folder")
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeFolder(dir, maxSeqLength: 8)
        let encoder = try SentenceEncoder<Float>.load(directory: dir)
        XCTAssertEqual(encoder.maxLength, 8)
        XCTAssertEqual(encoder.tokenize(["the river museum protein galaxy algorithm election harvest melody"])[0].count, 8)
        XCTAssertEqual(try SentenceEncoder<Float>.load(directory: dir, maxLength: 16).maxLength, 16, "an explicit length wins")
        try Data("[1]".utf8).write(to: dir.appendingPathComponent("sentence_bert_config.json"))
        XCTAssertThrowsError(try SentenceEncoder<Float>.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("sentence_bert_config.json"), "\(error)")
        }
    }

    /// The dense-tuned row over a query-encoder folder equal to the document encoder is the
    /// dense row.
    func testBenchDenseTunedRowReadsTheFolder() throws {
        let dir = Fixtures.temporaryDirectory("radit-bench-tuned")
        defer { try? FileManager.default.removeItem(at: dir) }
        let documents = dir.appendingPathComponent("documents"), queries = dir.appendingPathComponent("queries")
        try writeFolder(documents, maxSeqLength: 256)
        try writeFolder(queries, maxSeqLength: 256)
        let kb = try SynthKB.generate(SynthKBConfig(entities: 30, seed: 1))
        let data = dir.appendingPathComponent("synthkb")
        try kb.write(to: data)
        var bench = RetrievalBench(data: data.path)
        bench.retrievers = [.dense, .denseTuned]
        bench.ks = [1, 5]
        bench.model = documents.path
        bench.queryEncoder = queries.path
        let result = try bench.run()
        XCTAssertEqual(result.rows.map(\.retriever), ["dense", "dense-tuned"])
        XCTAssertEqual(result.rows[0].values.count, result.rows[1].values.count)
        for (a, b) in zip(result.rows[0].values, result.rows[1].values) where !a.isNaN {
            XCTAssertEqual(a, b)
        }
    }
}
