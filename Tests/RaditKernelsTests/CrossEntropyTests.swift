import RaditKernels
import RaditTensor
import RaditTestSupport
import Foundation
import XCTest

/// Output: the mean loss (one value) followed by the per-row losses, so the projection
/// loss exercises both; only the mean has a backward, so the per-row part gets r = 0.
struct CrossEntropyCase: KernelCase {
    let rows: Int, vocab: Int, targets: [Int32]
    var name: String { "crossEntropy \(rows)×\(vocab) ignored=\(targets.filter { $0 < 0 }.count)" }
    var inputCounts: [Int] { [rows * vocab] }
    var outCount: Int { 1 }
    func makeInputs(_ rng: inout RandomSource) -> [[Double]] { [(0..<(rows * vocab)).map { _ in rng.uniform(-3, 3) }] }

    func losses<S: BLASScalar>(_ x: [[S]], naive: Bool) -> (mean: S, counted: Int, rows: [S]) {
        let logits = Buf(x[0]), t = Buf(targets), l = Buf<S>(zeros: rows)
        let r = naive ? crossEntropyForwardNaive(losses: l.p, logits: logits.p, targets: t.p, rows: rows, vocab: vocab)
                      : crossEntropyForward(losses: l.p, logits: logits.p, targets: t.p, rows: rows, vocab: vocab)
        return (r.mean, r.counted, l.array)
    }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] { [losses(x, naive: naive).mean] }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let logits = Buf(x[0]), t = Buf(targets), dX = Buf(grads[0])
        if naive {
            crossEntropyBackwardNaive(dLogits: dX.p, logits: logits.p, targets: t.p, rows: rows, vocab: vocab, dLoss: dOut[0])
        } else {
            crossEntropyBackward(dLogits: dX.p, logits: logits.p, targets: t.p, rows: rows, vocab: vocab, dLoss: dOut[0])
        }
        grads[0] = dX.array
    }
}

final class CrossEntropyTests: XCTestCase {
    func testCrossEntropyAllChecks() {
        verifyKernel(CrossEntropyCase(rows: 1, vocab: 1, targets: [0]))
        verifyKernel(CrossEntropyCase(rows: 3, vocab: 5, targets: [4, -100, 0]))
        verifyKernel(CrossEntropyCase(rows: 17, vocab: 33, targets: randomInts(17, in: -3..<33, seed: 12).map { max($0, -1) }))
        verifyKernel(CrossEntropyCase(rows: 2, vocab: 7, targets: [-100, -100]))
    }

    func testIgnoredRowsContributeNothing() {
        var rng = RandomSource(seed: 13)
        let c = CrossEntropyCase(rows: 4, vocab: 6, targets: [2, -100, 5, -1])
        let x = c.makeInputs(&rng)
        let full = c.losses(x, naive: false)
        XCTAssertEqual(full.counted, 2)
        XCTAssertEqual(full.rows[1], 0)
        XCTAssertEqual(full.rows[3], 0)
        assertClose(full.mean, (full.rows[0] + full.rows[2]) / 2, tolerance: 1e-15, "mean over counted rows")
        // Changing the logits of ignored rows changes neither loss nor gradient elsewhere.
        var y = x
        for j in 0..<6 { y[0][6 + j] = 50; y[0][18 + j] = -7 }
        XCTAssertEqual(c.losses(y, naive: false).mean, full.mean)
        var g = [[Double](repeating: 0, count: 24)]
        c.backward(y, dOut: [1], grads: &g, naive: false)
        XCTAssertEqual(Array(g[0][6..<12]), [Double](repeating: 0, count: 6))
        XCTAssertEqual(Array(g[0][18..<24]), [Double](repeating: 0, count: 6))
        // Gradient rows of counted targets sum to zero (softmax minus one-hot).
        XCTAssertEqual(g[0][0..<6].reduce(0, +), 0, accuracy: 1e-15)
    }

    func testUniformLogitsGiveLogV() {
        let logits = [Float](repeating: 0.25, count: 3 * 10)
        var l = [Float](repeating: 0, count: 3)
        let r = crossEntropyForward(losses: &l, logits: logits, targets: [1, 9, 0], rows: 3, vocab: 10)
        XCTAssertEqual(Double(r.mean), Foundation.log(10.0), accuracy: 1e-6)
        XCTAssertEqual(r.counted, 3)
    }

    func testPerRowLossesFastVsNaive() {
        var rng = RandomSource(seed: 14)
        let c = CrossEntropyCase(rows: 9, vocab: 41, targets: randomInts(9, in: -1..<41, seed: 15))
        let x = c.makeInputs(&rng).map { $0.map { Float($0) } }
        assertClose(c.losses(x, naive: false).rows, c.losses(x, naive: true).rows, tolerance: Tolerance.float32, "per-row")
    }
}
