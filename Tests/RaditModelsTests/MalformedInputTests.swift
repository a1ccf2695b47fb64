import Foundation
import RaditTestSupport
import RaditText
import XCTest
@testable import RaditModels

/// Builds small GGUF files byte by byte, valid or deliberately broken.
struct GGUFBuilder {
    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(String, GGUFValue)] = []
    var tensors: [(name: String, dims: [Int], rawType: UInt32, offset: UInt64)] = []
    var data: [UInt8] = []

    func bytes() -> [UInt8] {
        var out = magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): out.append(x)
            case .int8(let x): out.append(UInt8(bitPattern: x))
            case .uint16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .int16(let x): withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
            case .uint32(let x): u32(x)
            case .int32(let x): u32(UInt32(bitPattern: x))
            case .uint64(let x): u64(x)
            case .int64(let x): u64(UInt64(bitPattern: x))
            case .float32(let x): u32(x.bitPattern)
            case .float64(let x): u64(x.bitPattern)
            case .bool(let x): out.append(x ? 1 : 0)
            case .string(let s): str(s)
            case .array(let t, let items):
                u32(t.rawValue); u64(UInt64(items.count))
                for i in items { value(i) }
            }
        }
        u32(version)
        u64(UInt64(tensors.count))
        u64(UInt64(metadata.count))
        for (k, v) in metadata { str(k); u32(v.type.rawValue); value(v) }
        for t in tensors {
            str(t.name); u32(UInt32(t.dims.count))
            for d in t.dims { u64(UInt64(d)) }
            u32(t.rawType); u64(t.offset)
        }
        while out.count % 32 != 0 { out.append(0) }
        return out + data
    }

    /// A valid file: metadata of every value type and one F16 and one Q8_0 tensor.
    static func valid() -> GGUFBuilder {
        var b = GGUFBuilder()
        b.metadata = [
            ("general.architecture", .string("llama")), ("u8", .uint8(200)), ("i8", .int8(-5)),
            ("u16", .uint16(60000)), ("i16", .int16(-300)), ("u32", .uint32(4_000_000_000)), ("i32", .int32(-7)),
            ("u64", .uint64(1 << 40)), ("i64", .int64(-(1 << 40))), ("f32", .float32(0.5)), ("f64", .float64(-2.25)),
            ("flag", .bool(true)), ("names", .array(elementType: .string, [.string("a"), .string("bc")])),
            ("nested", .array(elementType: .array, [.array(elementType: .int32, [.int32(1), .int32(2)])])),
            ("empty", .array(elementType: .float32, [])),
        ]
        // F16 [2, 3] (dims [3, 2]) at 0: 12 bytes, padded to 32; Q8_0 [1, 32] at 32: 34 bytes.
        b.tensors = [("w16", [3, 2], 1, 0), ("w8", [32, 1], 8, 32)]
        var data: [UInt8] = []
        for v: Float16 in [1, -2, 0.5, 3, 0, -0.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        data += [UInt8](repeating: 0, count: 20)
        withUnsafeBytes(of: Float16(0.5).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        for i in 0..<32 { data.append(UInt8(bitPattern: Int8(i - 16))) }
        b.data = data
        return b
    }

    func file(_ name: String = "test.gguf") throws -> GGUFFile {
        try GGUFFile(file: MappedFile(bytes: bytes(), path: name))
    }
}

final class MalformedInputTests: XCTestCase {
    func assertThrows(_ expected: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected the error: \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func testValidSmallGGUFWithEveryValueType() throws {
        let f = try GGUFBuilder.valid().file()
        XCTAssertEqual(f.metadataKeys.count, 15)
        XCTAssertEqual(f.metadata["u8"], .uint8(200))
        XCTAssertEqual(f.metadata["i64"], .int64(-(1 << 40)))
        XCTAssertEqual(f.metadata["f64"], .float64(-2.25))
        XCTAssertEqual(try f.strings("names"), ["a", "bc"])
        XCTAssertEqual(f.metadata["nested"], .array(elementType: .array, [.array(elementType: .int32, [.int32(1), .int32(2)])]))
        XCTAssertEqual(f.metadata["empty"], .array(elementType: .float32, []))
        XCTAssertEqual(try f.tensorInfo("w16").shape, [2, 3])
        XCTAssertEqual(try f.tensor("w16").scalars, [1, -2, 0.5, 3, 0, -0.25])
        XCTAssertEqual(try f.dequantize("w8"), (0..<32).map { Float($0 - 16) * 0.5 })
        assertThrows("test.gguf: no tensor named 'nope'; list the tensors with `GGUFFile.tensors`") { _ = try f.tensorInfo("nope") }
        assertThrows("test.gguf: metadata key 'u8' has type string, expected string".replacingOccurrences(of: "type string,", with: "type uint8,")) { _ = try f.string("u8") }
    }

    func testTruncatedGGUF() {
        let bytes = GGUFBuilder.valid().bytes()
        assertThrows("t.gguf: GGUF file is truncated: reading length of general.architecture needs 8 bytes at offset 56 but the file has 60 bytes; re-download it (`radit models fetch`)") {
            _ = try GGUFFile(file: MappedFile(bytes: Array(bytes.prefix(60)), path: "t.gguf"))
        }
        // A count larger than the bytes left fails as truncation, not as a huge allocation.
        assertThrows("t.gguf: GGUF file is truncated: reading metadata count (15 items) needs 15 bytes at offset 16 but the file has 30 bytes; re-download it (`radit models fetch`)") {
            _ = try GGUFFile(file: MappedFile(bytes: Array(bytes.prefix(30)), path: "t.gguf"))
        }
        assertThrows("t.gguf: GGUF file is truncated: reading magic needs 4 bytes at offset 0 but the file has 0 bytes; re-download it (`radit models fetch`)") {
            _ = try GGUFFile(file: MappedFile(bytes: [], path: "t.gguf"))
        }
        // Cut inside the tensor data: the table parses, the last tensor's bytes are missing.
        assertThrows("t.gguf: tensor 'w8' data spans bytes \(bytes.count - 34)..<\(bytes.count) but the file has \(bytes.count - 1) bytes; the file is truncated or corrupt") {
            _ = try GGUFFile(file: MappedFile(bytes: Array(bytes.dropLast()), path: "t.gguf"))
        }
    }

    func testWrongMagic() {
        var b = GGUFBuilder.valid()
        b.magic = Array("GGML".utf8)
        assertThrows("test.gguf: not a GGUF file: magic bytes are [47 47 4d 4c], expected \"GGUF\" (47 47 55 46); pass a .gguf model file") { _ = try b.file() }
    }

    func testUnsupportedVersion() {
        var b = GGUFBuilder.valid()
        b.version = 7
        assertThrows("test.gguf: GGUF version 7 is not supported (Radit reads versions 2 and 3); convert the model with a current llama.cpp") { _ = try b.file() }
    }

    func testUnknownTensorType() {
        var b = GGUFBuilder.valid()
        b.tensors[1].rawType = 99
        assertThrows("test.gguf: tensor 'w8' has unknown ggml type 99; the file is corrupt or uses a type newer than Radit knows") { _ = try b.file() }
        var c = GGUFBuilder.valid()
        c.tensors[1].rawType = GGMLType.iq2_XXS.rawValue
        c.tensors[1].dims = [256, 1]
        c.data += [UInt8](repeating: 0, count: 100)
        assertThrows("test.gguf: tensor 'w8' has type IQ2_XXS, which Radit cannot dequantise (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K); re-quantise the model to one of these") {
            _ = try c.file().dequantize("w8")
        }
    }

    func testTensorDataOutOfBounds() {
        var b = GGUFBuilder.valid()
        b.tensors[0].offset = 1 << 20
        let n = b.bytes().count
        let start = n - b.data.count + (1 << 20)
        assertThrows("test.gguf: tensor 'w16' data spans bytes \(start)..<\(start + 12) but the file has \(n) bytes; the file is truncated or corrupt") { _ = try b.file() }
    }

    func testSafetensorsHeaderLongerThanFile() {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(1000).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += Array("{\"a\":{}}".utf8)
        assertThrows("m.safetensors: safetensors header length is 1000 bytes but the file has only 16 bytes; the file is truncated or not safetensors") {
            _ = try SafetensorsFile(file: MappedFile(bytes: bytes, path: "m.safetensors"))
        }
        var bad: [UInt8] = []
        let header = Array("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}".utf8)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bad.append(contentsOf: $0) }
        bad += header + [UInt8](repeating: 0, count: 8)
        assertThrows("m.safetensors: tensor 'w' data_offsets [0, 16] lie outside the 8-byte data section; the file is truncated or corrupt") {
            _ = try SafetensorsFile(file: MappedFile(bytes: bad, path: "m.safetensors"))
        }
    }

    func testTokenizerJSONOfUnsupportedModelType() {
        let json = Data(#"{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}, "pre_tokenizer": null}"#.utf8)
        assertThrows("my/tokenizer.json: tokenizer model type 'Unigram' is not supported; Radit reads 'BPE' (byte-level) and 'WordPiece' tokenizer.json files") {
            _ = try Tokenizer(tokenizerJSON: json, path: "my/tokenizer.json")
        }
        let metaspace = Data(#"{"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}, "pre_tokenizer": {"type": "Metaspace"}}"#.utf8)
        assertThrows("my/tokenizer.json: pre_tokenizer of type 'Metaspace' is not supported by Radit's tokenizer pipeline") {
            _ = try Tokenizer(tokenizerJSON: metaspace, path: "my/tokenizer.json")
        }
    }
}
