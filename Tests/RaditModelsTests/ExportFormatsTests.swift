import Foundation
import RaditKernels
@testable import RaditModels
import RaditTensor
import RaditTestSupport
import RaditText
import RaditTuning
import XCTest

/// The writers behind `radit export`: tokenizer.json from GGUF metadata, the transformers
/// LM folder, the sentence-transformers folder. Each reloads into Radit to the same ids,
/// logits and embeddings (tools/check_exports.py checks the Python side).
final class ExportFormatsTests: XCTestCase {
    /// SmolLM2's GGUF tokenizer written as tokenizer.json and read back gives the ids of
    /// the GGUF path and of the Python `tokenizers` reference on every fixture string.
    func testSmolLM2TokenizerJSONGivesTheSameIds() throws {
        let url = try Fixtures.model("SmolLM2-135M-Instruct").appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        let gguf = try GGUFFile(url: url).tokenizer()
        let written = try Tokenizer(tokenizerJSON: gguf.huggingFaceJSON(), path: "exported/tokenizer.json")
        let strings = try JSONDecoder().decode(ByteLevelBPEReferenceTests.Strings.self,
                                               from: Data(contentsOf: Fixtures.file("tokenizers/strings.json"))).strings
        let ref = try JSONDecoder().decode(ByteLevelBPEReferenceTests.Reference.self,
                                           from: Data(contentsOf: Fixtures.file("tokenizers/smollm2.json")))
        let extra = ["<|im_start|>user\nhi<|im_end|>\n", "12345 + 678", "Ünïcödé 🚀  \t x"]
        for (i, s) in (strings + extra).enumerated() {
            let expected = gguf.encode(s).ids
            XCTAssertEqual(written.encode(s).ids, expected, "string #\(i) \(s.debugDescription)")
            if i < ref.ids.count { XCTAssertEqual(expected, ref.ids[i], "GGUF path vs Python reference, #\(i)") }
        }
        XCTAssertEqual(written.vocabularySize, gguf.vocabularySize)
        XCTAssertEqual(written.addedTokens.sorted { $0.id < $1.id }, gguf.addedTokens.sorted { $0.id < $1.id })
    }

    func testByteCodecTokenizerEqualsByteCodec() throws {
        let tok = ByteCodec.tokenizer()
        let reread = try Tokenizer(tokenizerJSON: tok.huggingFaceJSON())
        for s in ["", "abc", "Ünïcödé 🚀\n\ttabs", "Question: who?\nAnswer:"] {
            XCTAssertEqual(tok.encode(s).ids, ByteCodec().encode(s, special: true), s)
            XCTAssertEqual(tok.encode(s, addSpecialTokens: false).ids, ByteCodec().encode(s, special: false), s)
            XCTAssertEqual(reread.encode(s).ids, ByteCodec().encode(s, special: true), s)
            XCTAssertEqual(reread.decode(reread.encode(s).ids), s)
        }
    }

    /// A LoRA-tuned model exported with its tokenizer reloads (as `lm generate --model`
    /// loads it) to the logits of the live model's adapter path, and keeps its chat template.
    func testLlamaFolderReloadsToTheSameLogitsAndTemplate() throws {
        let c = LlamaConfig(layers: 2, width: 32, heads: 4, kvHeads: 2, mlpWidth: 64, vocab: 259,
                            tiedEmbeddings: true, ropeLayout: .interleaved, maxPositions: 128, bosToken: 1, eosToken: 2)
        let model = try LlamaModel<Float>(config: c, seed: 3)
        try model.enableLoRA(LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: .allLinear, seed: 5))
        var rng = RandomSource(seed: 9)
        for name in model.loraParameterNames where name.contains("lora_B") {
            let p = model.arena.value(name)
            for i in 0..<model.arena.slot(name)!.count { p[i] = Float(rng.normal(mean: 0, std: 0.05)) }
        }
        let tokenizer = ByteCodec.tokenizer()
        let ids = tokenizer.encode("Question: where?\nAnswer:").ids
        let before = model.logits(try LlamaBatch(sequences: [ids])).scalars
        let folder = Fixtures.temporaryDirectory("llama-export")
        try model.exportHuggingFace(to: folder, tokenizer: tokenizer, chatTemplate: "{{ chatml placeholder }}")
        XCTAssertEqual(model.logits(try LlamaBatch(sequences: [ids])).scalars, before, "export leaves the live model unchanged")
        for f in ["model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(f).path), f)
        }
        let settings = try HFTokenizerConfig.load(folder: folder)
        XCTAssertEqual(settings, HFTokenizerConfig(bosToken: "<s>", eosToken: "</s>", chatTemplate: "{{ chatml placeholder }}"))
        let reloaded = try LlamaModel<Float>(huggingFace: folder)
        let reTokenizer = try Tokenizer(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"))
        XCTAssertEqual(reTokenizer.encode("Question: where?\nAnswer:").ids, ids)
        let after = reloaded.logits(try LlamaBatch(sequences: [ids])).scalars
        let range = (before.max()! - before.min()!)
        var worst: Float = 0
        for i in before.indices { worst = max(worst, abs(after[i] - before[i])) }
        XCTAssertLessThanOrEqual(worst, 1e-5 * range, "merged, half-split export vs live adapter path")
    }

    /// A sentence-transformers folder of a random tiny BERT over bytes reloads (as `bench
    /// retrieval --query-encoder` loads it) to the same weights and embeddings.
    func testSentenceTransformersFolderReloads() throws {
        let c = BertConfig(vocabSize: 259, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                           intermediateSize: 64, maxPositionEmbeddings: 64)
        let encoder = BertEncoder<Float>.random(config: c, seed: 4, trainable: .none)
        let folder = Fixtures.temporaryDirectory("st-export")
        let tokenizer = ByteCodec.tokenizer()
        try encoder.exportSentenceTransformers(to: folder, tokenizer: tokenizer, tokenizerFolder: nil, maxSeqLength: 48)
        for f in ["modules.json", "sentence_bert_config.json", "1_Pooling/config.json", "config.json", "model.safetensors",
                  "tokenizer.json", "tokenizer_config.json", "config_sentence_transformers.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(f).path), f)
        }
        let modules = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("modules.json"))) as! [[String: Any]]
        XCTAssertEqual(modules.map { $0["type"] as! String }, ["sentence_transformers.models.Transformer",
                                                                "sentence_transformers.models.Pooling",
                                                                "sentence_transformers.models.Normalize"])
        let reloaded = try BertEncoder<Float>.load(directory: folder)
        XCTAssertEqual(reloaded.weightsDigest(), encoder.weightsDigest())
        let re = try Tokenizer(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"))
        let texts = ["a query", "Ünïcödé"]
        XCTAssertEqual(try reloaded.encode(texts.map { re.encode($0).ids }), try encoder.encode(texts.map { tokenizer.encode($0).ids }))
        XCTAssertNoThrow(try BertEncoder<Float>.checkSentenceTransformersPipeline(directory: folder))
    }

    /// A sentence-transformers folder that pools by CLS, adds a Dense module or does not
    /// normalise is refused, naming the file and key: Radit would embed it differently.
    func testFoldersRaditDoesNotComputeAsWrittenAreRefused() throws {
        let c = BertConfig(vocabSize: 259, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 4,
                           intermediateSize: 64, maxPositionEmbeddings: 64)
        let folder = Fixtures.temporaryDirectory("st-pipeline")
        try BertEncoder<Float>.random(config: c, seed: 4, trainable: .none)
            .exportSentenceTransformers(to: folder, tokenizer: ByteCodec.tokenizer(), tokenizerFolder: nil, maxSeqLength: 48)
        let modulesURL = folder.appendingPathComponent("modules.json"), poolingURL = folder.appendingPathComponent("1_Pooling/config.json")
        let modules = try Data(contentsOf: modulesURL), pooling = try Data(contentsOf: poolingURL)
        func refusal(_ path: URL, _ key: String, _ file: StaticString = #filePath, _ line: UInt = #line) {
            XCTAssertThrowsError(try BertEncoder<Float>.checkSentenceTransformersPipeline(directory: folder), file: file, line: line) { e in
                let m = (e as? BertError)?.message ?? "\(e)"
                XCTAssertTrue(m.contains(path.path) && m.contains(key), m, file: file, line: line)
            }
        }
        // CLS pooling (BGE, DRAGON-style).
        var cls = try JSONSerialization.jsonObject(with: pooling) as! [String: Any]
        cls["pooling_mode_cls_token"] = true
        cls["pooling_mode_mean_tokens"] = false
        try JSONSerialization.data(withJSONObject: cls).write(to: poolingURL)
        refusal(poolingURL, "pooling_mode_cls_token")
        try pooling.write(to: poolingURL)
        // No Normalize module (a dot-product model).
        var list = try JSONSerialization.jsonObject(with: modules) as! [[String: Any]]
        try JSONSerialization.data(withJSONObject: Array(list.prefix(2))).write(to: modulesURL)
        refusal(modulesURL, "Normalize")
        // An extra Dense module.
        list.insert(["idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"], at: 2)
        try JSONSerialization.data(withJSONObject: list).write(to: modulesURL)
        refusal(modulesURL, "Dense")
        // Restored, it loads; without modules.json (a plain folder) too.
        try modules.write(to: modulesURL)
        XCTAssertNoThrow(try BertEncoder<Float>.checkSentenceTransformersPipeline(directory: folder))
        try FileManager.default.removeItem(at: modulesURL)
        XCTAssertNoThrow(try BertEncoder<Float>.checkSentenceTransformersPipeline(directory: folder))
    }

    /// MiniLM's own tokenizer files travel with the folder, without the fixed 128-token padding.
    func testMiniLMFolderDropsFixedPadding() throws {
        let source = try Fixtures.model("all-MiniLM-L6-v2")
        let encoder = try BertEncoder<Float>.load(directory: source)
        let tokenizer = try Tokenizer(tokenizerJSON: source.appendingPathComponent("tokenizer.json"))
        let folder = Fixtures.temporaryDirectory("st-minilm")
        try encoder.exportSentenceTransformers(to: folder, tokenizer: tokenizer, tokenizerFolder: source, maxSeqLength: 128)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("tokenizer.json"))) as! [String: Any]
        XCTAssertTrue(json["padding"] is NSNull)
        XCTAssertEqual((json["truncation"] as? [String: Any])?["max_length"] as? Int, 128)
        let re = try Tokenizer(tokenizerJSON: folder.appendingPathComponent("tokenizer.json"))
        XCTAssertNil(re.padding)
        var unpadded = tokenizer
        unpadded.padding = nil
        XCTAssertEqual(re.encode("Where is the observatory?").ids, unpadded.encode("Where is the observatory?").ids)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path))
        XCTAssertEqual(try BertEncoder<Float>.load(directory: folder).weightsDigest(), encoder.weightsDigest())
    }
}
