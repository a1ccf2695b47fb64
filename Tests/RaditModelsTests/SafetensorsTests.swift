import Foundation
import RaditTensor
import RaditTestSupport
import XCTest
@testable import RaditModels

final class SafetensorsTests: XCTestCase {
    struct MiniLMReference: Decodable {
        struct Entry: Decodable { let name: String; let dtype: String; let shape: [Int]; let wsum: String; let xor: String; let samples: [[UInt64]] }
        let tensors: [Entry]
    }
    struct DTypesReference: Decodable {
        struct Entry: Decodable { let shape: [Int]; let bits: [UInt32] }
        struct Round: Decodable { let f32: [UInt32]; let f16: [UInt16]; let bf16: [UInt16] }
        let tensors: [String: Entry]
        let round: Round
    }

    func testMiniLMTensorsLoadWithNamesShapesAndValues() throws {
        let dir = try Fixtures.model("all-MiniLM-L6-v2")
        let ref = try JSONDecoder().decode(MiniLMReference.self, from: Data(contentsOf: Fixtures.file("safetensors/minilm.json")))
        let file = try SafetensorsFile(url: dir.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(file.tensors.map(\.name).sorted(), ref.tensors.map(\.name))
        for r in ref.tensors {
            let info = try file.info(r.name)
            XCTAssertEqual(info.dtype.rawValue, r.dtype, r.name)
            XCTAssertEqual(info.shape, r.shape, r.name)
            let values = try file.floats(r.name)
            let (wsum, xor) = ggufChecksum(values)
            XCTAssertEqual(String(wsum), r.wsum, r.name)
            XCTAssertEqual(String(xor), r.xor, r.name)
            for s in r.samples { XCTAssertEqual(UInt64(values[Int(s[0])].bitPattern), s[1], "\(r.name)[\(s[0])]") }
        }
        XCTAssertEqual(try file.tensor("embeddings.word_embeddings.weight").shape, [30522, 384])
    }

    func testMiniLMConfig() throws {
        let dir = try Fixtures.model("all-MiniLM-L6-v2")
        let c = try BertConfig.load(url: dir.appendingPathComponent("config.json"))
        XCTAssertEqual(c.modelType, "bert")
        XCTAssertEqual(c.hiddenSize, 384)
        XCTAssertEqual(c.numHiddenLayers, 6)
        XCTAssertEqual(c.numAttentionHeads, 12)
        XCTAssertEqual(c.intermediateSize, 1536)
        XCTAssertEqual(c.vocabSize, 30522)
        XCTAssertEqual(c.maxPositionEmbeddings, 512)
        XCTAssertEqual(c.typeVocabSize, 2)
        XCTAssertEqual(c.layerNormEps, 1e-12)
        XCTAssertEqual(c.hiddenAct, "gelu")
        XCTAssertEqual(c.padTokenId, 0)
        XCTAssertThrowsError(try LlamaHFConfig.load(url: dir.appendingPathComponent("config.json"))) { e in
            XCTAssertTrue("\(e)".contains("'bert, BertModel' is not a Llama-family model"), "\(e)")
        }
    }

    func testReadsF32F16BF16WrittenByTheSafetensorsPackage() throws {
        let ref = try JSONDecoder().decode(DTypesReference.self, from: Data(contentsOf: Fixtures.file("safetensors/dtypes.json")))
        let file = try SafetensorsFile(url: Fixtures.file("safetensors/dtypes.safetensors"))
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(Set(file.tensors.map(\.name)), Set(ref.tensors.keys))
        XCTAssertEqual(try file.info("b.f16").dtype, .f16)
        XCTAssertEqual(try file.info("c.bf16").dtype, .bf16)
        XCTAssertEqual(try file.info("d.scalar").shape, [])
        for (name, r) in ref.tensors {
            XCTAssertEqual(try file.info(name).shape, r.shape, name)
            XCTAssertEqual(try file.floats(name).map(\.bitPattern), r.bits, name)
        }
    }

    func testWriterRoundTripsAndRoundsLikePyTorch() throws {
        let ref = try JSONDecoder().decode(DTypesReference.self, from: Data(contentsOf: Fixtures.file("safetensors/dtypes.json")))
        let x = ref.round.f32.map { Float(bitPattern: $0) }
        let dir = Fixtures.temporaryDirectory("safetensors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.safetensors")
        let w = Tensor<Float>(shape: [8, 8], scalars: x)
        let b = Tensor<Float>(shape: [3], scalars: [1, -2, 0.5])
        for dtype in [SafetensorsDType.f32, .f16, .bf16] {
            try SafetensorsWriter.write([("layer.weight", w), ("layer.bias", b)], dtype: dtype, metadata: ["format": "pt"], to: url)
            let file = try SafetensorsFile(url: url)
            XCTAssertEqual(file.tensors.map(\.name), ["layer.weight", "layer.bias"])
            XCTAssertEqual(file.metadata["format"], "pt")
            XCTAssertEqual(try file.info("layer.weight").shape, [8, 8])
            let got = try file.floats("layer.weight")
            switch dtype {
            case .f32: XCTAssertEqual(got.map(\.bitPattern), ref.round.f32)
            case .f16: XCTAssertEqual(got.map { Float16($0).bitPattern }, ref.round.f16)
            case .bf16: XCTAssertEqual(got.map { UInt16($0.bitPattern >> 16) }, ref.round.bf16)
            default: XCTFail("not writable")
            }
            XCTAssertEqual(try file.floats("layer.bias"), [1, -2, 0.5])
        }
        XCTAssertThrowsError(try SafetensorsWriter.write([("a", b), ("a", b)], to: url)) { e in
            XCTAssertEqual("\(e)", "safetensors writer: tensor name 'a' is given twice")
        }
    }
}
