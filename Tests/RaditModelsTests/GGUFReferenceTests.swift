import Foundation
import RaditTestSupport
import XCTest
@testable import RaditModels

/// The fixture written by tools/reference/gguf_checksums.py.
struct GGUFReference: Decodable {
    struct TensorRecord: Decodable {
        let name: String
        let type: String
        let dims: [Int]
        let shape: [Int]
        let numpy_shape: [Int]
        let wsum: String
        let xor: String
        let samples: [[UInt64]]
    }
    struct Synthetic: Decodable {
        let type: String
        let bytes: String
        let bits: [UInt32]
    }
    let alignment: Int
    let data_offset: Int
    let token_count: Int
    let merge_count: Int
    let tensors: [TensorRecord]
    let synthetic: [Synthetic]

    static func load() throws -> GGUFReference {
        let data = try Data(contentsOf: Fixtures.file("gguf/smollm2_q4_1.json"))
        return try JSONDecoder().decode(GGUFReference.self, from: data)
    }
}

/// The checksum of the reference script: Σ bits_i·(2i+1) mod 2⁶⁴ and XOR of bits.
func ggufChecksum(_ values: [Float]) -> (UInt64, UInt64) {
    var wsum: UInt64 = 0, xor: UInt64 = 0
    for (i, v) in values.enumerated() {
        let b = UInt64(v.bitPattern)
        wsum &+= b &* (2 &* UInt64(i) &+ 1)
        xor ^= b
    }
    return (wsum, xor)
}

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count / 2)
    var hi: UInt8 = 0
    for (i, c) in s.utf8.enumerated() {
        let v = c <= 57 ? c - 48 : c - 87
        if i % 2 == 0 { hi = v } else { out.append(hi << 4 | v) }
    }
    return out
}

final class GGUFReferenceTests: XCTestCase {
    func testEveryTensorOfSmolLM2DequantisesBitIdentically() throws {
        let url = try Fixtures.model("SmolLM2-135M-Instruct").appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        let ref = try GGUFReference.load()
        let gguf = try GGUFFile(url: url)
        XCTAssertEqual(gguf.version, 3)
        XCTAssertEqual(gguf.alignment, ref.alignment)
        XCTAssertEqual(gguf.dataOffset, ref.data_offset)
        XCTAssertEqual(gguf.tensors.count, 272)
        XCTAssertEqual(ref.tensors.count, 272)
        for (t, r) in zip(gguf.tensors, ref.tensors) {
            XCTAssertEqual(t.name, r.name)
            XCTAssertEqual(t.type.name, r.type, t.name)
            XCTAssertEqual(t.dims, r.dims, t.name)
            XCTAssertEqual(t.shape, r.shape, t.name)
            XCTAssertEqual(t.shape.reduce(1, *), r.numpy_shape.reduce(1, *), t.name)
            let values = try gguf.dequantize(t.name)
            let (wsum, xor) = ggufChecksum(values)
            XCTAssertEqual(String(wsum), r.wsum, "checksum of \(t.name) (\(t.type.name))")
            XCTAssertEqual(String(xor), r.xor, "xor of \(t.name)")
            for s in r.samples {
                XCTAssertEqual(UInt64(values[Int(s[0])].bitPattern), s[1], "\(t.name)[\(s[0])]")
            }
        }
    }

    func testMetadataOfSmolLM2() throws {
        let url = try Fixtures.model("SmolLM2-135M-Instruct").appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        let ref = try GGUFReference.load()
        let gguf = try GGUFFile(url: url)
        let raw = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.file("gguf/smollm2_q4_1.json"))) as! [String: Any]
        let meta = raw["metadata"] as! [String: Any]
        for (key, expected) in meta {
            let v = try gguf.value(key)
            switch expected {
            case let s as String: XCTAssertEqual(v.string, s, key)
            case let a as [String]: XCTAssertEqual(try gguf.strings(key), a, key)
            case let n as NSNumber:
                if case .float32(let f) = v { XCTAssertEqual(Double(f), n.doubleValue, key) }
                else if case .bool(let b) = v { XCTAssertEqual(b, n.boolValue, key) }
                else { XCTAssertEqual(v.int, n.intValue, key) }
            default: XCTFail("unexpected fixture value for \(key)")
            }
        }
        XCTAssertEqual(try gguf.strings("tokenizer.ggml.tokens").count, ref.token_count)
        XCTAssertEqual(try gguf.strings("tokenizer.ggml.merges").count, ref.merge_count)
        XCTAssertEqual(try gguf.int("llama.embedding_length"), 576)
        XCTAssertEqual(try gguf.tensorInfo("token_embd.weight").shape, [49152, 576])
        let t = try gguf.tensor("blk.0.attn_norm.weight")
        XCTAssertEqual(t.shape, [576])
    }

    func testSyntheticBlocksOfEverySupportedType() throws {
        let ref = try GGUFReference.load()
        XCTAssertEqual(Set(ref.synthetic.map(\.type)), ["F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q4_K", "Q6_K"])
        for s in ref.synthetic {
            let type = try XCTUnwrap(GGMLType.allCases.first { $0.name == s.type }, s.type)
            XCTAssertTrue(type.canDequantize)
            let bytes = hexBytes(s.bytes)
            var out = [Float](repeating: .nan, count: s.bits.count)
            bytes.withUnsafeBytes { src in
                out.withUnsafeMutableBufferPointer { GGMLDequantize.run(type: type, from: src, to: $0) }
            }
            for i in 0..<out.count where out[i].bitPattern != s.bits[i] {
                XCTFail("\(s.type)[\(i)]: got \(out[i]) (\(out[i].bitPattern)), expected \(Float(bitPattern: s.bits[i])) (\(s.bits[i]))")
                break
            }
        }
    }
}
