import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

struct LinearCase: KernelCase {
    let rows: Int, inF: Int, outF: Int, hasBias: Bool
    var name: String { "linear \(rows)×\(inF)→\(outF) bias=\(hasBias)" }
    var inputCounts: [Int] { [rows * inF, outF * inF] + (hasBias ? [outF] : []) }
    var outCount: Int { rows * outF }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let input = Buf(x[0]), weight = Buf(x[1]), bias = hasBias ? Buf(x[2]) : nil
        let out = Buf<S>(zeros: outCount)
        let bp = bias.map { UnsafePointer($0.p) }
        if naive {
            linearForwardNaive(out: out.p, input: input.p, weight: weight.p, bias: bp, rows: rows, inFeatures: inF, outFeatures: outF)
        } else {
            linearForward(out: out.p, input: input.p, weight: weight.p, bias: bp, rows: rows, inFeatures: inF, outFeatures: outF)
        }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let input = Buf(x[0]), weight = Buf(x[1]), d = Buf(dOut)
        let dIn = Buf(grads[0]), dW = Buf(grads[1]), dB = hasBias ? Buf(grads[2]) : nil
        if naive {
            linearBackwardNaive(dInput: dIn.p, dWeight: dW.p, dBias: dB?.p, dOut: d.p, input: input.p, weight: weight.p,
                                rows: rows, inFeatures: inF, outFeatures: outF)
        } else {
            linearBackward(dInput: dIn.p, dWeight: dW.p, dBias: dB?.p, dOut: d.p, input: input.p, weight: weight.p,
                           rows: rows, inFeatures: inF, outFeatures: outF)
        }
        grads[0] = dIn.array
        grads[1] = dW.array
        if let dB { grads[2] = dB.array }
    }
}

final class LinearTests: XCTestCase {
    func testLinearAllChecks() {
        // One row takes the matrix-vector path (batch-1 decoding); the others the matrix product.
        for (n, i, o) in [(1, 1, 1), (1, 33, 9), (1, 64, 130), (3, 5, 7), (17, 33, 9), (4, 1, 6)] {
            for bias in [true, false] { verifyKernel(LinearCase(rows: n, inF: i, outF: o, hasBias: bias)) }
        }
    }

    func testLinearKnownValues() {
        // out = [1 2; 3 4] · [[1 0], [1 1], [0 2]]ᵀ + [0.5, 0, -1]
        let x: [Float] = [1, 2, 3, 4], w: [Float] = [1, 0, 1, 1, 0, 2], b: [Float] = [0.5, 0, -1]
        var out = [Float](repeating: 0, count: 6)
        linearForward(out: &out, input: x, weight: w, bias: b, rows: 2, inFeatures: 2, outFeatures: 3)
        XCTAssertEqual(out, [1.5, 3, 3, 3.5, 7, 7])
    }

    func testNilGradientsAreSkipped() {
        // A frozen weight (LoRA base) passes dWeight: nil; dInput still matches the full call.
        var rng = RandomSource(seed: 3)
        let x: [Double] = rng.uniformTensor([3 * 4]).scalars, w: [Double] = rng.uniformTensor([5 * 4]).scalars
        let g: [Double] = rng.uniformTensor([3 * 5]).scalars
        var dIn1 = [Double](repeating: 0, count: 12), dIn2 = dIn1, dW = [Double](repeating: 0, count: 20)
        linearBackward(dInput: &dIn1, dWeight: nil, dBias: nil, dOut: g, input: x, weight: w, rows: 3, inFeatures: 4, outFeatures: 5)
        linearBackward(dInput: &dIn2, dWeight: &dW, dBias: nil, dOut: g, input: x, weight: w, rows: 3, inFeatures: 4, outFeatures: 5)
        assertClose(dIn1, dIn2, tolerance: Tolerance.exact, "dInput with and without dWeight")
    }
}
