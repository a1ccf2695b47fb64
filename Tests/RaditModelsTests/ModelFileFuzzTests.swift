import Foundation
import RaditBase
import RaditTestSupport
import XCTest
@testable import RaditModels

/// Acceptance (issue 16): 1,000 seeded mutations each of a small GGUF and a safetensors
/// file give a typed error or a correct load (every tensor converts), never a crash,
/// an untyped error or a hang.
final class ModelFileFuzzTests: XCTestCase {
    func testMutatedGGUF() {
        let original = GGUFBuilder.valid().bytes()
        let counts = Fuzzer(seed: 16).run(original, label: "gguf", isTyped: { $0 is RaditError }) { bytes in
            let gguf = try GGUFFile(file: MappedFile(bytes: bytes, path: "fuzz.gguf"))
            for t in gguf.tensors where t.type.canDequantize {
                XCTAssertEqual(try gguf.tensor(t.name).scalars.count, t.elementCount)
            }
        }
        XCTAssertEqual(counts.total, 1000)
    }

    func testMutatedSafetensors() throws {
        let original = [UInt8](try Data(contentsOf: Fixtures.file("safetensors/dtypes.safetensors")))
        let counts = Fuzzer(seed: 16).run(original, label: "safetensors", isTyped: { $0 is RaditError }) { bytes in
            let file = try SafetensorsFile(file: MappedFile(bytes: bytes, path: "fuzz.safetensors"))
            for t in file.tensors {
                XCTAssertEqual(try file.floats(t.name).count, t.elementCount)
            }
        }
        XCTAssertEqual(counts.total, 1000)
    }
}
