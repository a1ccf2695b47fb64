import RaditKernels
import RaditTensor
import RaditTestSupport
import Foundation
import XCTest

struct SoftmaxCase: KernelCase {
    let rows: Int, cols: Int, log: Bool
    var name: String { "\(log ? "logSoftmax" : "softmax") \(rows)×\(cols)" }
    var inputCounts: [Int] { [rows * cols] }
    var outCount: Int { rows * cols }
    func makeInputs(_ rng: inout RandomSource) -> [[Double]] { [(0..<(rows * cols)).map { _ in rng.uniform(-3, 3) }] }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let input = Buf(x[0]), out = Buf<S>(zeros: outCount)
        switch (log, naive) {
        case (false, false): softmaxForward(out: out.p, input: input.p, rows: rows, cols: cols)
        case (false, true): softmaxForwardNaive(out: out.p, input: input.p, rows: rows, cols: cols)
        case (true, false): logSoftmaxForward(out: out.p, input: input.p, rows: rows, cols: cols)
        case (true, true): logSoftmaxForwardNaive(out: out.p, input: input.p, rows: rows, cols: cols)
        }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let y = Buf(forward(x, naive: naive)), d = Buf(dOut), dX = Buf(grads[0])
        switch (log, naive) {
        case (false, false): softmaxBackward(dInput: dX.p, dOut: d.p, out: y.p, rows: rows, cols: cols)
        case (false, true): softmaxBackwardNaive(dInput: dX.p, dOut: d.p, out: y.p, rows: rows, cols: cols)
        case (true, false): logSoftmaxBackward(dInput: dX.p, dOut: d.p, out: y.p, rows: rows, cols: cols)
        case (true, true): logSoftmaxBackwardNaive(dInput: dX.p, dOut: d.p, out: y.p, rows: rows, cols: cols)
        }
        grads[0] = dX.array
    }
}

final class SoftmaxTests: XCTestCase {
    func testSoftmaxAllChecks() {
        for (n, c) in [(1, 1), (3, 5), (17, 33), (2, 7)] {
            verifyKernel(SoftmaxCase(rows: n, cols: c, log: false))
            verifyKernel(SoftmaxCase(rows: n, cols: c, log: true))
        }
    }

    func testStableForLargeLogits() {
        let x: [Float] = [1000, 1001, 999, -1000]
        var p = [Float](repeating: 0, count: 4), lp = p
        softmaxForward(out: &p, input: x, rows: 1, cols: 4)
        logSoftmaxForward(out: &lp, input: x, rows: 1, cols: 4)
        XCTAssertFalse(p.contains { !$0.isFinite } || lp.contains { !$0.isFinite })
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-6)
        // log Σ exp(0, 1, −1) about the max 1001: lse = 1001 + log(1 + e⁻¹ + e⁻²).
        let lse = 1001 + Foundation.log(1 + Foundation.exp(-1.0) + Foundation.exp(-2.0))
        XCTAssertEqual(Double(lp[1]), 1001 - lse, accuracy: 1e-4)   // Float ulp at 1000 is 6e-5
        XCTAssertEqual(p[3], 0)
    }
}
