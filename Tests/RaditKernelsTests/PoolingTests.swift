import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

struct MeanPoolCase: KernelCase {
    let batch: Int, seqLen: Int, dim: Int
    var mask: [UInt8]? = nil
    var name: String { "meanPool B=\(batch) T=\(seqLen) C=\(dim) mask=\(mask != nil)" }
    var inputCounts: [Int] { [batch * seqLen * dim] }
    var outCount: Int { batch * dim }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let input = Buf(x[0]), out = Buf<S>(zeros: outCount), m = mask.map { Buf($0) }
        let mp = m.map { UnsafePointer($0.p) }
        if naive { meanPoolForwardNaive(out: out.p, input: input.p, mask: mp, batch: batch, seqLen: seqLen, dim: dim) }
        else { meanPoolForward(out: out.p, input: input.p, mask: mp, batch: batch, seqLen: seqLen, dim: dim) }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let d = Buf(dOut), dX = Buf(grads[0]), m = mask.map { Buf($0) }
        let mp = m.map { UnsafePointer($0.p) }
        if naive { meanPoolBackwardNaive(dInput: dX.p, dOut: d.p, mask: mp, batch: batch, seqLen: seqLen, dim: dim) }
        else { meanPoolBackward(dInput: dX.p, dOut: d.p, mask: mp, batch: batch, seqLen: seqLen, dim: dim) }
        grads[0] = dX.array
    }
}

struct L2NormalizeCase: KernelCase {
    let rows: Int, dim: Int
    var name: String { "l2Normalize \(rows)×\(dim)" }
    var inputCounts: [Int] { [rows * dim] }
    var outCount: Int { rows * dim }

    func run<S: BLASScalar>(_ x: [[S]], naive: Bool) -> (out: Buf<S>, norms: Buf<S>) {
        let input = Buf(x[0]), out = Buf<S>(zeros: outCount), norms = Buf<S>(zeros: rows)
        if naive { l2NormalizeForwardNaive(out: out.p, norms: norms.p, input: input.p, rows: rows, dim: dim) }
        else { l2NormalizeForward(out: out.p, norms: norms.p, input: input.p, rows: rows, dim: dim) }
        return (out, norms)
    }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] { run(x, naive: naive).out.array }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let saved = run(x, naive: naive)
        let input = Buf(x[0]), d = Buf(dOut), dX = Buf(grads[0])
        if naive {
            l2NormalizeBackwardNaive(dInput: dX.p, dOut: d.p, input: input.p, norms: saved.norms.p, rows: rows, dim: dim)
        } else {
            l2NormalizeBackward(dInput: dX.p, dOut: d.p, input: input.p, norms: saved.norms.p, rows: rows, dim: dim)
        }
        grads[0] = dX.array
    }
}

final class PoolingTests: XCTestCase {
    func testMeanPoolAllChecks() {
        verifyKernel(MeanPoolCase(batch: 1, seqLen: 1, dim: 1))
        verifyKernel(MeanPoolCase(batch: 3, seqLen: 5, dim: 7))
        verifyKernel(MeanPoolCase(batch: 3, seqLen: 5, dim: 7,
                                  mask: [1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]))  // row 2: no tokens
        verifyKernel(MeanPoolCase(batch: 2, seqLen: 17, dim: 33, mask: (0..<34).map { UInt8(($0 * 7) % 3 == 0 ? 0 : 1) }))
    }

    func testMaskedMeanPoolIgnoresPadding() {
        // Row 0 tokens 0, 1 real: mean of (1, 2) and (3, 4); padding (100, 100) ignored.
        var out = [Float](repeating: 9, count: 4)
        meanPoolForward(out: &out, input: [1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10], mask: [1, 1, 0, 0, 0, 0],
                        batch: 2, seqLen: 3, dim: 2)
        XCTAssertEqual(out, [2, 3, 0, 0])
    }

    func testL2NormalizeAllChecks() {
        for (n, c) in [(1, 1), (3, 5), (17, 33), (2, 384)] { verifyKernel(L2NormalizeCase(rows: n, dim: c)) }
    }

    func testL2NormalizeUnitNormsAndZeroRow() {
        var out = [Double](repeating: 0, count: 6), norms = [0.0, 0.0]
        l2NormalizeForward(out: &out, norms: &norms, input: [3, 4, 0, 0, 0, 0], rows: 2, dim: 3)
        assertClose(out, [0.6, 0.8, 0, 0, 0, 0], tolerance: 1e-15, "normalised")
        XCTAssertEqual(norms, [5, 0])
    }
}
