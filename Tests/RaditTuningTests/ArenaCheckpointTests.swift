import RaditKernels
import RaditTensor
@testable import RaditTuning
import XCTest

/// Checkpoint I/O of a ParameterArena: a resumed run loads into a fresh arena that has
/// never stepped, and must continue exactly as the uninterrupted one.
final class ArenaCheckpointTests: XCTestCase {
    let specs = [ParameterSpec(name: "w", shape: [2, 3]), ParameterSpec(name: "b", shape: [3]),
                 ParameterSpec(name: "frozen", shape: [2], trainable: false)]

    func arena() -> ParameterArena<Float> {
        let a = ParameterArena<Float>(specs)
        for i in 0..<a.count { a.values[i] = Float(i) * 0.1 - 0.3 }
        return a
    }

    func step(_ a: ParameterArena<Float>, _ k: Int) {
        a.zeroGradients()
        for i in 0..<a.count { a.grads[i] = Float((i * 7 + k * 3) % 5) - 2 }
        a.adamWStep(lr: 0.05, config: AdamWConfig())
    }

    func testRestoreIntoAFreshArenaContinuesBitIdentically() throws {
        let original = arena()
        step(original, 1)
        step(original, 2)
        let saved = Dictionary(uniqueKeysWithValues: ArenaCheckpoint.tensors(original, prefix: "lm.").map { ($0.key, $0.tensor) })

        let resumed = arena()  // never stepped: no moments allocated yet
        try ArenaCheckpoint.restore(resumed, prefix: "lm.", from: saved)
        step(original, 3)
        step(resumed, 3)
        let a = original.exportState(), b = resumed.exportState()
        XCTAssertEqual(a.step, b.step)
        XCTAssertEqual(a.values.flatMap { $0 }.map(\.bitPattern), b.values.flatMap { $0 }.map(\.bitPattern))
        XCTAssertEqual(a.m.flatMap { $0 }.map(\.bitPattern), b.m.flatMap { $0 }.map(\.bitPattern))
        XCTAssertEqual(a.v.flatMap { $0 }.map(\.bitPattern), b.v.flatMap { $0 }.map(\.bitPattern))
    }

    func testCheckpointWithoutMomentsResetsThem() throws {
        let before = Dictionary(uniqueKeysWithValues: ArenaCheckpoint.tensors(arena(), prefix: "lm.").map { ($0.key, $0.tensor) })
        XCTAssertFalse(before.keys.contains { $0.hasPrefix(CheckpointSection.optimM.rawValue) })
        let trained = arena()
        step(trained, 1)
        try ArenaCheckpoint.restore(trained, prefix: "lm.", from: before)
        XCTAssertEqual(trained.exportState().m.flatMap { $0 }.filter { $0 != 0 }, [])
        XCTAssertEqual(trained.exportState().step, 0)
    }

    func testMissingMomentOfOneTensorIsAnError() throws {
        let a = arena()
        step(a, 1)
        var saved = Dictionary(uniqueKeysWithValues: ArenaCheckpoint.tensors(a, prefix: "lm.").map { ($0.key, $0.tensor) })
        saved.removeValue(forKey: "\(CheckpointSection.optimV.rawValue)/lm.b")
        XCTAssertThrowsError(try ArenaCheckpoint.restore(arena(), prefix: "lm.", from: saved)) { error in
            XCTAssertTrue("\(error)".contains("lm.b"), "\(error)")
        }
    }
}
