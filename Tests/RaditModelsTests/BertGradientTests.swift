import RaditKernels
import RaditModels
import RaditTensor
import RaditTestSupport
import XCTest

final class BertGradientTests: XCTestCase {
    static let tiny = BertConfig(vocabSize: 30, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                 intermediateSize: 32, maxPositionEmbeddings: 12)
    /// Two sequences of different lengths, so padding and the mask are exercised.
    let sequences = [[1, 5, 7, 9, 11, 2], [1, 8, 3, 2]]

    func lossAndGradient(_ e: BertEncoder<Double>, _ r: [Double]) -> Double {
        let batch = try! BertBatch(sequences, vocabSize: 30, maxPositions: 12)
        let a = e.forward(batch, training: true)
        let out = a.embeddings
        r.withUnsafeBufferPointer { e.backward(a, dEmbeddings: $0.baseAddress!) }
        return zip(out, r).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func loss(_ e: BertEncoder<Double>, _ r: [Double]) -> Double {
        let out = e.forward(try! BertBatch(sequences, vocabSize: 30, maxPositions: 12)).embeddings
        return zip(out, r).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func testEveryParameterTensorGradient() {
        let e = BertEncoder<Double>.random(config: Self.tiny, seed: 7, std: 0.3)
        // Non-trivial LayerNorm gains and biases so their gradients are not special cases.
        var rng = RandomSource(seed: 8)
        for slot in e.parameters.slots where slot.shape.count == 1 {
            for i in 0..<slot.count { e.parameters.values[slot.offset + i] += rng.normal() * 0.1 }
        }
        let r = projection(2 * 16, seed: 9)
        e.parameters.zeroGradients()
        _ = lossAndGradient(e, r)
        XCTAssertEqual(e.parameters.slots.count, 5 + 2 * 16)
        for slot in e.parameters.slots {
            let base = e.parameters.array(slot.name)
            let analytic = (0..<slot.count).map { e.parameters.grads[slot.offset + $0] }
            // The key bias adds a per-query constant to every score, which softmax removes:
            // its true gradient is 0, so only the absolute size of the noise is meaningful.
            let isKeyBias = slot.name.hasSuffix("attention.self.key.bias")
            checkGradient(slot.name, at: base, analytic: analytic, floor: isKeyBias ? 1e-4 : 1e-7) { x in
                try! e.parameters.setValues(slot.name, x)
                return loss(e, r)
            }
            try! e.parameters.setValues(slot.name, base)
            // Every tensor the sequences touch has a non-zero gradient somewhere.
            if isKeyBias {
                XCTAssertTrue(analytic.allSatisfy { abs($0) < 1e-12 }, "\(slot.name) should have zero gradient")
            } else {
                XCTAssertTrue(analytic.contains { $0 != 0 }, "\(slot.name) has an all-zero gradient")
            }
        }
    }

    func testBackwardAddsAndFrozenTensorsGetNothing() {
        let e = BertEncoder<Double>.random(config: Self.tiny, seed: 3, trainable: .topLayers(1), std: 0.3)
        let r = projection(32, seed: 4)
        e.parameters.zeroGradients()
        _ = lossAndGradient(e, r)
        let once = Array(UnsafeBufferPointer(start: e.parameters.grads, count: e.parameters.count))
        _ = lossAndGradient(e, r)
        let twice = Array(UnsafeBufferPointer(start: e.parameters.grads, count: e.parameters.count))
        assertClose(twice, once.map { 2 * $0 }, tolerance: 1e-12, "backward adds")
        for slot in e.parameters.slots {
            let g = (0..<slot.count).map { once[slot.offset + $0] }
            if slot.spec.trainable {
                XCTAssertTrue(slot.name.hasPrefix("encoder.layer.1."), slot.name)
                XCTAssertTrue(g.contains { $0 != 0 }, slot.name)
            } else {
                XCTAssertTrue(g.allSatisfy { $0 == 0 }, "frozen \(slot.name) got a gradient")
            }
        }
        // AdamW never moves frozen tensors.
        let before = e.parameters.array(BertParameterNames.wordEmbeddings)
        let trainedBefore = e.parameters.array(BertParameterNames.Layer(1).query)
        e.parameters.adamWStep(lr: 0.1, config: AdamWConfig())
        XCTAssertEqual(e.parameters.array(BertParameterNames.wordEmbeddings), before)
        XCTAssertNotEqual(e.parameters.array(BertParameterNames.Layer(1).query), trainedBefore)
    }

    func testPaddingAndBatchingDoNotChangeEmbeddings() throws {
        let e = BertEncoder<Double>.random(config: Self.tiny, seed: 5, std: 0.3)
        let alone = try e.encode([sequences[1]])
        let batched = try e.encode(sequences, batchSize: 2)
        assertClose(Array(batched[16..<32]), alone, tolerance: 1e-12, "padded row")
        let norm = alone.reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(norm, 1, accuracy: 1e-12)
        XCTAssertThrowsError(try e.encode([[1, 30, 2]]))
        XCTAssertThrowsError(try e.encode([Array(repeating: 1, count: 13)]))
    }
}
