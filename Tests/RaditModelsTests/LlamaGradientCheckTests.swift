import RaditKernels
import RaditModels
import RaditTensor
import RaditTestSupport
import XCTest

/// Central differences in Double for every parameter of a small tied model, in full
/// fine-tuning and in LoRA mode (all linear targets), on a left-padded batch.
final class LlamaGradientCheckTests: XCTestCase {
    static let config = LlamaConfig(layers: 2, width: 8, heads: 2, kvHeads: 1, mlpWidth: 12, vocab: 11,
                                    ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, ropeLayout: .interleaved)

    func batch() throws -> LlamaBatch {
        try LlamaBatch(sequences: [[1, 4, 7, 2, 9], [3, 5, 10]], scoredFrom: [2, 1], padding: .left)
    }

    /// Larger-than-default init so every path carries signal.
    func model() throws -> LlamaModel<Double> {
        let m = try LlamaModel<Double>(config: Self.config, seed: 7)
        var rng = RandomSource(seed: 11)
        for i in 0..<m.arena.count { m.arena.values[i] += rng.normal(mean: 0, std: 0.3) }
        return m
    }

    func check(_ m: LlamaModel<Double>, _ batch: LlamaBatch) {
        m.lossAndGradients(batch)
        for slot in m.arena.slots {
            let analytic = Array(UnsafeBufferPointer(start: m.arena.grads + slot.offset, count: slot.count))
            if !slot.spec.trainable {
                XCTAssertTrue(analytic.allSatisfy { $0 == 0 }, "frozen \(slot.name) got a gradient")
                continue
            }
            let x = m.arena.array(slot.name)
            checkGradient(slot.name, at: x, analytic: analytic, tolerance: 1e-6) { probe in
                try! m.arena.setValues(slot.name, probe)
                let l = m.forwardLoss(batch).loss
                try! m.arena.setValues(slot.name, x)
                return l
            }
        }
    }

    func testEveryParameterFullFineTuning() throws {
        check(try model(), try batch())
    }

    func testEveryLoRAParameter() throws {
        let m = try model()
        try m.enableLoRA(LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: .allLinear, seed: 3))
        // B starts at zero (no gradient reaches A); give it values for the check.
        var rng = RandomSource(seed: 5)
        for name in m.loraParameterNames where name.contains("lora_B") {
            try m.arena.setValues(name, (0..<m.arena.slot(name)!.count).map { _ in rng.normal(mean: 0, std: 0.5) })
        }
        check(m, try batch())
    }
}
