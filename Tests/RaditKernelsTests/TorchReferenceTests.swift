import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

/// Kernels against PyTorch (float64) values from `tools/reference/kernels_reference.py`.
final class TorchReferenceTests: XCTestCase {
    func testRopeLayoutsMatchHFAndMeta() throws {
        let r = try Reference.load().rope
        for (layout, expected) in [(RopeLayout.halfSplit, r.half_split), (.interleaved, r.interleaved)] {
            var out = [Double](repeating: 0, count: r.x.count)
            ropeForward(out: &out, input: r.x, positions: r.positions, batch: r.B, seqLen: r.T, heads: r.H, headDim: r.Dh,
                        theta: r.theta, layout: layout)
            assertClose(out, expected, tolerance: 1e-12, "rope \(layout) vs torch")
        }
    }

    func testAttentionMatchesTorch() throws {
        let a = try Reference.load().attention
        let c = AttentionCase(batch: a.B, queryLength: a.T, keyLength: a.T, heads: a.H, kvHeads: a.Hkv, headDim: a.Dh,
                              causal: true, keyMask: a.key_mask)
        for naive in [false, true] {
            assertClose(c.forward([a.q, a.k, a.v], naive: naive), a.out, tolerance: 1e-12, "attention out naive=\(naive)")
            var g = c.inputCounts.map { [Double](repeating: 0, count: $0) }
            c.backward([a.q, a.k, a.v], dOut: a.r, grads: &g, naive: naive)
            assertClose(g[0], a.dq, tolerance: 1e-12, "dq naive=\(naive)")
            assertClose(g[1], a.dk, tolerance: 1e-12, "dk naive=\(naive)")
            assertClose(g[2], a.dv, tolerance: 1e-12, "dv naive=\(naive)")
        }
    }

    func testCrossEntropyMatchesTorch() throws {
        let ce = try Reference.load().cross_entropy
        let r = crossEntropyForward(losses: nil, logits: ce.logits, targets: ce.targets, rows: ce.N, vocab: ce.V)
        assertClose(r.mean, ce.loss, tolerance: 1e-12, "loss")
        XCTAssertEqual(r.counted, 4)
        var d = [Double](repeating: 0, count: ce.logits.count)
        crossEntropyBackward(dLogits: &d, logits: ce.logits, targets: ce.targets, rows: ce.N, vocab: ce.V, dLoss: 1)
        assertClose(d, ce.dlogits, tolerance: 1e-12, "dlogits")
    }
}
