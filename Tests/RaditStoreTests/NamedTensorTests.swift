import Foundation
import RaditStore
import RaditTensor
import RaditTestSupport
import XCTest

/// Checkpoint groups of named tensors: keys and shapes are verified on load.
final class NamedTensorTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store-tensors") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    let specs = [TensorSpec(name: "wte", shape: [5, 3]), TensorSpec(name: "ln.bias", shape: [3]),
                 TensorSpec(name: "scale", shape: [])]

    func writeCheckpoint(_ url: URL) throws -> [Float] {
        let flat = (0..<19).map { Float($0) / 4 }
        try StoreFile.writeAtomically(to: url, format: .checkpoint, version: 1) { file in
            try file.writeTensors(CheckpointLayout.params, specs: specs, flat: flat)
            try file.writeTensors(CheckpointLayout.optimM, specs: specs, flat: flat.map { -$0 })
        }
        return flat
    }

    func testFlatArenaAndTensorListRoundTrip() throws {
        let url = directory.appendingPathComponent(CheckpointLayout.fileName(step: 42))
        XCTAssertEqual(url.lastPathComponent, "ckpt-00000042.h5")
        let flat = try writeCheckpoint(url)
        let file = try StoreFile.open(url, expecting: .checkpoint, versions: 1...1)
        var arena = [Float](repeating: .nan, count: 19)
        try file.readTensors(CheckpointLayout.params, expecting: specs, into: &arena)
        XCTAssertEqual(arena, flat)
        let tensors = try file.readTensors(CheckpointLayout.optimM, expecting: specs)
        XCTAssertEqual(tensors.map(\.shape), specs.map(\.shape))
        XCTAssertEqual(tensors.flatMap(\.scalars), flat.map { -$0 })
        XCTAssertEqual(try file.tensorSpecs(CheckpointLayout.params), specs.sorted { $0.name < $1.name })
        let listed = try file.readTensors("/params")
        XCTAssertEqual(listed.map(\.name), ["ln.bias", "scale", "wte"])

        let other = directory.appendingPathComponent("list.h5")
        let file2 = try StoreFile.create(other, format: .checkpoint, version: 1)
        try file2.writeTensors("params", listed)
        XCTAssertEqual(try file2.readTensors("params").map(\.tensor), listed.map(\.tensor))
    }

    func testMissingExtraAndMisshapenTensorsAreNamed() throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        _ = try writeCheckpoint(url)
        let file = try StoreFile.open(url)
        var missing = specs
        missing.append(TensorSpec(name: "lm_head", shape: [3, 5]))
        XCTAssertThrowsError(try file.readTensors("params", expecting: missing)) { error in
            XCTAssertTrue("\(error)".contains("\(url.path): no tensor at /params/lm_head"), "\(error)")
        }
        XCTAssertThrowsError(try file.readTensors("params", expecting: Array(specs.dropLast()))) { error in
            XCTAssertTrue("\(error)".contains("unexpected tensor /params/scale"), "\(error)")
        }
        var misshapen = specs
        misshapen[0].shape = [3, 5]
        XCTAssertThrowsError(try file.readTensors("params", expecting: misshapen)) { error in
            XCTAssertTrue("\(error)".contains("/params/wte has shape (5, 3), expected (3, 5)"), "\(error)")
        }
        var arena = [Float](repeating: 0, count: 3)
        XCTAssertThrowsError(try file.readTensors("params", expecting: specs, into: &arena))
        let writable = try StoreFile.create(directory.appendingPathComponent("bad.h5"), format: .checkpoint, version: 1)
        XCTAssertThrowsError(try writable.writeTensors("params", specs: [TensorSpec(name: "a/b", shape: [1])], flat: [1])) { error in
            XCTAssertTrue("\(error)".contains("invalid name \"a/b\""), "\(error)")
        }
    }
}
