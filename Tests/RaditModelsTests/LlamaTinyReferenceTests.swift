import RaditKernels
import RaditModels
import RaditTensor
import RaditTestSupport
import XCTest

/// Tiny config (L=2, C=32, H=4, Hkv=2, F=64, V=64, untied) against the PyTorch float64
/// reference: logits, loss, every gradient, a 10-step AdamW trajectory.
final class LlamaTinyReferenceTests: XCTestCase {
    func testLogitsLossAndGradientsMatchReferenceInDouble() throws {
        let ref = try TinyReference.load()
        let model = try ref.model(Double.self)
        let batch = try ref.batch()
        let logits = model.logits(batch)
        // Compare real (non-padding) slots only: padding logits are unspecified.
        let T = batch.length, V = ref.config.V
        for b in 0..<batch.batch {
            let n = ref.lengths[b] * V
            assertClose(Array(logits.scalars[(b * T * V)..<(b * T * V + n)]),
                        Array(ref.logits[(b * T * V)..<(b * T * V + n)]), tolerance: 1e-9, "logits seq \(b)")
        }
        let loss = model.lossAndGradients(batch)
        assertClose(loss.loss, ref.loss, tolerance: 1e-10, "loss")
        XCTAssertEqual(loss.tokens, 6)
        for slot in model.arena.slots {
            let g = Array(UnsafeBufferPointer(start: model.arena.grads + slot.offset, count: slot.count))
            assertClose(g, ref.grads[slot.name]!, tolerance: 1e-9, "grad \(slot.name)")
        }
    }

    func testFloatMatchesReference() throws {
        let ref = try TinyReference.load()
        let model = try ref.model(Float.self)
        let batch = try ref.batch()
        let loss = model.lossAndGradients(batch)
        assertClose(loss.loss, ref.loss, tolerance: 1e-5, "loss")
        for slot in model.arena.slots {
            let g = Array(UnsafeBufferPointer(start: model.arena.grads + slot.offset, count: slot.count))
            assertClose(g, ref.grads[slot.name]!, tolerance: 1e-4, "grad \(slot.name)")
        }
    }

    func testTenStepAdamWTrajectory() throws {
        let ref = try TinyReference.load()
        let model = try ref.model(Float.self)
        let batch = try ref.batch()
        let a = ref.adamw
        let train = LlamaTrainingConfig(schedule: .constant(peak: a.lr),
                                        adamW: AdamWConfig(beta1: a.beta1, beta2: a.beta2, eps: a.eps, weightDecay: a.weight_decay),
                                        clipNorm: a.clip)
        var losses: [Double] = []
        for _ in 0..<a.steps { losses.append(model.trainStep([batch], config: train).loss) }
        assertClose(losses, ref.trajectory, tolerance: 1e-4, "trajectory")
    }

    func testGradientAccumulationEqualsOneBigBatch() throws {
        let ref = try TinyReference.load()
        let model = try ref.model(Double.self)
        let whole = try ref.batch()
        model.lossAndGradients(whole)
        let full = Array(UnsafeBufferPointer(start: model.arena.grads, count: model.arena.count))
        // Same two sequences as two micro-batches: pooled token-mean gradient.
        let parts = try (0..<2).map { b in
            try LlamaBatch(sequences: [ref.sequences[b]], scoredFrom: [ref.scoredFrom[b]])
        }
        let total = parts.reduce(0) { $0 + $1.targetCount }
        model.arena.zeroGradients()
        for p in parts {
            let l = model.forwardLoss(p)
            model.backward(scale: Double(l.tokens) / Double(total))
        }
        let accumulated = Array(UnsafeBufferPointer(start: model.arena.grads, count: model.arena.count))
        assertClose(accumulated, full, tolerance: 1e-12, "accumulated gradient")
    }

    func testBackwardTwiceGivesTwiceTheGradient() throws {
        let ref = try TinyReference.load()
        let model = try ref.model(Double.self)
        let batch = try ref.batch()
        model.lossAndGradients(batch)
        let once = Array(UnsafeBufferPointer(start: model.arena.grads, count: model.arena.count))
        model.backward()
        let twice = Array(UnsafeBufferPointer(start: model.arena.grads, count: model.arena.count))
        assertClose(twice, once.map { 2 * $0 }, tolerance: 1e-12, "2× gradient")
    }
}
