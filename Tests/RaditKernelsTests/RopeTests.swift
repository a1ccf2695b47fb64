import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

struct RopeCase: KernelCase {
    let batch: Int, seqLen: Int, heads: Int, headDim: Int, layout: RopeLayout, positions: [Int32]
    var theta = 10_000.0
    var name: String { "rope \(layout) B=\(batch) T=\(seqLen) H=\(heads) Dh=\(headDim)" }
    var inputCounts: [Int] { [batch * seqLen * heads * headDim] }
    var outCount: Int { inputCounts[0] }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let input = Buf(x[0]), out = Buf<S>(zeros: outCount), pos = Buf(positions)
        if naive {
            ropeForwardNaive(out: out.p, input: input.p, positions: pos.p, batch: batch, seqLen: seqLen, heads: heads,
                             headDim: headDim, theta: theta, layout: layout)
        } else {
            ropeForward(out: out.p, input: input.p, positions: pos.p, batch: batch, seqLen: seqLen, heads: heads,
                        headDim: headDim, theta: theta, layout: layout)
        }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let d = Buf(dOut), dX = Buf(grads[0]), pos = Buf(positions)
        if naive {
            ropeBackwardNaive(dInput: dX.p, dOut: d.p, positions: pos.p, batch: batch, seqLen: seqLen, heads: heads,
                              headDim: headDim, theta: theta, layout: layout)
        } else {
            ropeBackward(dInput: dX.p, dOut: d.p, positions: pos.p, batch: batch, seqLen: seqLen, heads: heads,
                         headDim: headDim, theta: theta, layout: layout)
        }
        grads[0] = dX.array
    }
}

final class RopeTests: XCTestCase {
    func testRopeAllChecksBothLayouts() {
        for layout in [RopeLayout.interleaved, .halfSplit] {
            verifyKernel(RopeCase(batch: 1, seqLen: 1, heads: 1, headDim: 2, layout: layout, positions: [3]))
            // Padded batch: row 1 is left-padded, its positions start later.
            verifyKernel(RopeCase(batch: 2, seqLen: 5, heads: 3, headDim: 8, layout: layout,
                                  positions: [0, 1, 2, 3, 4, 0, 0, 0, 1, 2]))
            verifyKernel(RopeCase(batch: 3, seqLen: 7, heads: 2, headDim: 6, layout: layout,
                                  positions: randomInts(21, in: 0..<2048, seed: 9), theta: 100_000))
        }
    }

    func testKnownRotation() {
        // Dh = 2: one pair with frequency θ⁰ = 1, so position p rotates by p radians.
        for layout in [RopeLayout.interleaved, .halfSplit] {
            var out = [Double](repeating: 0, count: 4)
            ropeForward(out: &out, input: [1, 0, 0.5, 2], positions: [1, 2], batch: 1, seqLen: 2, heads: 1, headDim: 2,
                        theta: 10_000, layout: layout)
            let expected = [Double.cos(1), Double.sin(1),
                            0.5 * Double.cos(2) - 2 * Double.sin(2), 0.5 * Double.sin(2) + 2 * Double.cos(2)]
            assertClose(out, expected, tolerance: 1e-15, "rope \(layout)")
        }
        // Dh = 4, position 1: pair 1 has frequency θ^(−2/4) = 0.01 for θ = 10⁴.
        var out = [Double](repeating: 0, count: 4)
        ropeForward(out: &out, input: [0, 0, 1, 0], positions: [1], batch: 1, seqLen: 1, heads: 1, headDim: 4,
                    theta: 10_000, layout: .interleaved)
        assertClose(out, [0, 0, Double.cos(0.01), Double.sin(0.01)], tolerance: 1e-15, "interleaved pair 1")
        ropeForward(out: &out, input: [0, 1, 0, 0], positions: [1], batch: 1, seqLen: 1, heads: 1, headDim: 4,
                    theta: 10_000, layout: .halfSplit)
        assertClose(out, [0, Double.cos(0.01), 0, Double.sin(0.01)], tolerance: 1e-15, "halfSplit pair 1")
    }

    func testLayoutsAreRelatedByTheGGUFPermutation() {
        // Half-split coordinate i ↔ interleaved 2i, i + Dh/2 ↔ 2i + 1 (llama.cpp's converter
        // permutes HF Q/K rows this way). So halfSplit(x) = P⁻¹ interleaved(P x).
        let dh = 8, heads = 3, tokens = 4, half = dh / 2
        var rng = RandomSource(seed: 21)
        let x: [Double] = rng.uniformTensor([tokens * heads * dh]).scalars
        let positions: [Int32] = [0, 5, 17, 300]
        func toInterleaved(_ v: [Double]) -> [Double] {
            var out = v
            for base in stride(from: 0, to: v.count, by: dh) {
                for i in 0..<half {
                    out[base + 2 * i] = v[base + i]
                    out[base + 2 * i + 1] = v[base + i + half]
                }
            }
            return out
        }
        func toHalfSplit(_ v: [Double]) -> [Double] {
            var out = v
            for base in stride(from: 0, to: v.count, by: dh) {
                for i in 0..<half {
                    out[base + i] = v[base + 2 * i]
                    out[base + i + half] = v[base + 2 * i + 1]
                }
            }
            return out
        }
        var viaHalf = x, viaInter = x
        ropeForward(out: &viaHalf, input: x, positions: positions, batch: 1, seqLen: tokens, heads: heads, headDim: dh,
                    theta: 10_000, layout: .halfSplit)
        ropeForward(out: &viaInter, input: toInterleaved(x), positions: positions, batch: 1, seqLen: tokens, heads: heads,
                    headDim: dh, theta: 10_000, layout: .interleaved)
        assertClose(viaHalf, toHalfSplit(viaInter), tolerance: 1e-14, "halfSplit vs permuted interleaved")
        assertClose(toHalfSplit(toInterleaved(x)), x, tolerance: Tolerance.exact, "permutation round trip")
    }

    func testScoresDependOnRelativePositionOnly() {
        // ⟨R(m) q, R(n) k⟩ depends on m − n only: the property RoPE exists for.
        var rng = RandomSource(seed: 4)
        let q: [Double] = rng.uniformTensor([16]).scalars, k: [Double] = rng.uniformTensor([16]).scalars
        for layout in [RopeLayout.interleaved, .halfSplit] {
            func score(_ m: Int32, _ n: Int32) -> Double {
                var rq = q, rk = k
                ropeForward(out: &rq, input: q, positions: [m], batch: 1, seqLen: 1, heads: 1, headDim: 16, theta: 10_000, layout: layout)
                ropeForward(out: &rk, input: k, positions: [n], batch: 1, seqLen: 1, heads: 1, headDim: 16, theta: 10_000, layout: layout)
                return zip(rq, rk).map { $0 * $1 }.reduce(0, +)
            }
            assertClose(score(7, 3), score(104, 100), tolerance: 1e-12, "\(layout) relative")
            XCTAssertGreaterThan(abs(score(7, 3) - score(7, 5)), 1e-6)
        }
    }

    func testInPlace() {
        var rng = RandomSource(seed: 8)
        let x: [Float] = rng.uniformTensor([2 * 3 * 4]).scalars
        var inPlace = x, out = x
        ropeForward(out: &out, input: x, positions: [1, 2], batch: 1, seqLen: 2, heads: 3, headDim: 4, theta: 10_000, layout: .halfSplit)
        inPlace.withUnsafeMutableBufferPointer { b in
            ropeForward(out: b.baseAddress!, input: b.baseAddress!, positions: [1, 2], batch: 1, seqLen: 2, heads: 3, headDim: 4,
                        theta: 10_000, layout: .halfSplit)
        }
        XCTAssertEqual(inPlace, out)
    }
}
