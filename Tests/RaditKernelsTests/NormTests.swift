import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

struct LayerNormCase: KernelCase {
    let rows: Int, dim: Int, hasBias: Bool
    var name: String { "layerNorm \(rows)×\(dim) bias=\(hasBias)" }
    var inputCounts: [Int] { [rows * dim, dim] + (hasBias ? [dim] : []) }
    var outCount: Int { rows * dim }

    func run<S: BLASScalar>(_ x: [[S]], naive: Bool) -> (out: Buf<S>, mean: Buf<S>, rstd: Buf<S>) {
        let input = Buf(x[0]), w = Buf(x[1]), b = hasBias ? Buf(x[2]) : nil
        let out = Buf<S>(zeros: outCount), mean = Buf<S>(zeros: rows), rstd = Buf<S>(zeros: rows)
        let bp = b.map { UnsafePointer($0.p) }
        if naive {
            layerNormForwardNaive(out: out.p, mean: mean.p, rstd: rstd.p, input: input.p, weight: w.p, bias: bp, rows: rows, dim: dim, eps: 1e-5)
        } else {
            layerNormForward(out: out.p, mean: mean.p, rstd: rstd.p, input: input.p, weight: w.p, bias: bp, rows: rows, dim: dim, eps: 1e-5)
        }
        return (out, mean, rstd)
    }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] { run(x, naive: naive).out.array }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let saved = run(x, naive: naive)
        let input = Buf(x[0]), w = Buf(x[1]), d = Buf(dOut)
        let dX = Buf(grads[0]), dW = Buf(grads[1]), dB = hasBias ? Buf(grads[2]) : nil
        if naive {
            layerNormBackwardNaive(dInput: dX.p, dWeight: dW.p, dBias: dB?.p, dOut: d.p, input: input.p, weight: w.p,
                                   mean: saved.mean.p, rstd: saved.rstd.p, rows: rows, dim: dim)
        } else {
            layerNormBackward(dInput: dX.p, dWeight: dW.p, dBias: dB?.p, dOut: d.p, input: input.p, weight: w.p,
                              mean: saved.mean.p, rstd: saved.rstd.p, rows: rows, dim: dim)
        }
        grads[0] = dX.array
        grads[1] = dW.array
        if let dB { grads[2] = dB.array }
    }
}

struct RMSNormCase: KernelCase {
    let rows: Int, dim: Int
    var name: String { "rmsNorm \(rows)×\(dim)" }
    var inputCounts: [Int] { [rows * dim, dim] }
    var outCount: Int { rows * dim }

    func run<S: BLASScalar>(_ x: [[S]], naive: Bool) -> (out: Buf<S>, rstd: Buf<S>) {
        let input = Buf(x[0]), w = Buf(x[1])
        let out = Buf<S>(zeros: outCount), rstd = Buf<S>(zeros: rows)
        if naive {
            rmsNormForwardNaive(out: out.p, rstd: rstd.p, input: input.p, weight: w.p, rows: rows, dim: dim, eps: 1e-5)
        } else {
            rmsNormForward(out: out.p, rstd: rstd.p, input: input.p, weight: w.p, rows: rows, dim: dim, eps: 1e-5)
        }
        return (out, rstd)
    }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] { run(x, naive: naive).out.array }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let saved = run(x, naive: naive)
        let input = Buf(x[0]), w = Buf(x[1]), d = Buf(dOut)
        let dX = Buf(grads[0]), dW = Buf(grads[1])
        if naive {
            rmsNormBackwardNaive(dInput: dX.p, dWeight: dW.p, dOut: d.p, input: input.p, weight: w.p, rstd: saved.rstd.p, rows: rows, dim: dim)
        } else {
            rmsNormBackward(dInput: dX.p, dWeight: dW.p, dOut: d.p, input: input.p, weight: w.p, rstd: saved.rstd.p, rows: rows, dim: dim)
        }
        grads[0] = dX.array
        grads[1] = dW.array
    }
}

final class NormTests: XCTestCase {
    func testLayerNormAllChecks() {
        for (n, c) in [(1, 1), (3, 5), (17, 33), (2, 2)] {
            for bias in [true, false] { verifyKernel(LayerNormCase(rows: n, dim: c, hasBias: bias)) }
        }
    }

    func testRMSNormAllChecks() {
        for (n, c) in [(1, 1), (3, 5), (17, 33), (1, 64)] { verifyKernel(RMSNormCase(rows: n, dim: c)) }
    }

    func testLayerNormStatistics() {
        // Normalised rows have mean 0 and (biased) variance 1 / (1 + eps/var).
        var rng = RandomSource(seed: 11)
        let x: [Double] = rng.normalTensor([4 * 9], mean: 3, std: 2).scalars
        var out = [Double](repeating: 0, count: 36), mean = [Double](repeating: 0, count: 4), rstd = mean
        layerNormForward(out: &out, mean: &mean, rstd: &rstd, input: x, weight: [Double](repeating: 1, count: 9),
                         bias: nil, rows: 4, dim: 9, eps: 0)
        for r in 0..<4 {
            let row = out[(r * 9)..<(r * 9 + 9)]
            assertClose(row.reduce(0, +) / 9, 0.0, tolerance: 1e-12, "row \(r) mean")
            assertClose(row.map { $0 * $0 }.reduce(0, +) / 9, 1.0, tolerance: 1e-12, "row \(r) variance")
        }
    }

    func testRMSNormKnownValue() {
        // x = (3, 4): mean(x²) = 12.5, rstd = 1/√12.5.
        var out = [Double](repeating: 0, count: 2), rstd = [0.0]
        rmsNormForward(out: &out, rstd: &rstd, input: [3, 4], weight: [1, 2], rows: 1, dim: 2, eps: 0)
        let r = 1 / 12.5.squareRoot()
        assertClose(out, [3 * r, 8 * r], tolerance: 1e-15, "rmsNorm")
    }
}
