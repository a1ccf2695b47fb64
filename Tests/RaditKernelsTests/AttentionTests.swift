import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

struct AttentionCase: KernelCase {
    let batch: Int, queryLength: Int, keyLength: Int, heads: Int, kvHeads: Int, headDim: Int
    let causal: Bool
    var keyMask: [UInt8]? = nil
    var name: String {
        "attention B=\(batch) Tq=\(queryLength) Tk=\(keyLength) H=\(heads) Hkv=\(kvHeads) Dh=\(headDim) causal=\(causal) mask=\(keyMask != nil)"
    }
    var inputCounts: [Int] {
        [batch * queryLength * heads * headDim, batch * keyLength * kvHeads * headDim, batch * keyLength * kvHeads * headDim]
    }
    var outCount: Int { inputCounts[0] }

    func run<S: BLASScalar>(_ x: [[S]], naive: Bool) -> (out: Buf<S>, probs: Buf<S>) {
        let q = Buf(x[0]), k = Buf(x[1]), v = Buf(x[2])
        let out = Buf<S>(zeros: outCount), probs = Buf<S>(zeros: batch * heads * queryLength * keyLength)
        let mask = keyMask.map { Buf($0) }
        let mp = mask.map { UnsafePointer($0.p) }
        if naive {
            attentionForwardNaive(out: out.p, probs: probs.p, q: q.p, k: k.p, v: v.p, keyMask: mp, batch: batch,
                                  queryLength: queryLength, keyLength: keyLength, heads: heads, kvHeads: kvHeads,
                                  headDim: headDim, causal: causal)
        } else {
            attentionForward(out: out.p, probs: probs.p, q: q.p, k: k.p, v: v.p, keyMask: mp, batch: batch,
                             queryLength: queryLength, keyLength: keyLength, heads: heads, kvHeads: kvHeads,
                             headDim: headDim, causal: causal)
        }
        return (out, probs)
    }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] { run(x, naive: naive).out.array }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let saved = run(x, naive: naive)
        let q = Buf(x[0]), k = Buf(x[1]), v = Buf(x[2]), d = Buf(dOut)
        let dQ = Buf(grads[0]), dK = Buf(grads[1]), dV = Buf(grads[2])
        if naive {
            attentionBackwardNaive(dQ: dQ.p, dK: dK.p, dV: dV.p, dOut: d.p, q: q.p, k: k.p, v: v.p, probs: saved.probs.p,
                                   batch: batch, queryLength: queryLength, keyLength: keyLength, heads: heads,
                                   kvHeads: kvHeads, headDim: headDim)
        } else {
            let scratch = Buf<S>(zeros: queryLength * keyLength)
            attentionBackward(dQ: dQ.p, dK: dK.p, dV: dV.p, dOut: d.p, q: q.p, k: k.p, v: v.p, probs: saved.probs.p,
                              scratch: scratch.p, batch: batch, queryLength: queryLength, keyLength: keyLength,
                              heads: heads, kvHeads: kvHeads, headDim: headDim)
        }
        grads[0] = dQ.array
        grads[1] = dK.array
        grads[2] = dV.array
    }
}

final class AttentionTests: XCTestCase {
    func testAttentionAllChecks() {
        // (B, T, H, Hkv, Dh): MHA, GQA (Hkv < H), MQA (Hkv = 1), degenerate 1×1.
        let shapes = [(1, 1, 1, 1, 1), (2, 5, 4, 2, 3), (1, 7, 6, 1, 4), (3, 4, 3, 3, 5)]
        for (b, t, h, hkv, dh) in shapes {
            for causal in [true, false] {
                verifyKernel(AttentionCase(batch: b, queryLength: t, keyLength: t, heads: h, kvHeads: hkv, headDim: dh,
                                           causal: causal))
            }
        }
    }

    func testAttentionWithPaddingMaskAllChecks() {
        // Row 0 right-padded (3 of 5 real), row 1 left-padded (2 of 5 real): under the causal
        // mask its first queries see no key at all and must give zeros.
        let mask: [UInt8] = [1, 1, 1, 0, 0, 0, 0, 0, 1, 1]
        for causal in [true, false] {
            verifyKernel(AttentionCase(batch: 2, queryLength: 5, keyLength: 5, heads: 4, kvHeads: 2, headDim: 3,
                                       causal: causal, keyMask: mask))
        }
    }

    func testKVCacheShapeAllChecks() {
        // Tq < Tk: queries are the last Tq positions (decoding with a cache).
        verifyKernel(AttentionCase(batch: 2, queryLength: 2, keyLength: 6, heads: 4, kvHeads: 2, headDim: 3, causal: true))
        verifyKernel(AttentionCase(batch: 1, queryLength: 1, keyLength: 5, heads: 2, kvHeads: 1, headDim: 4, causal: true,
                                   keyMask: [0, 1, 1, 1, 1]))
    }

    func testCausalMaskZeroesFutureKeysAndFutureValuesDoNotMatter() {
        let c = AttentionCase(batch: 2, queryLength: 6, keyLength: 6, heads: 4, kvHeads: 2, headDim: 3, causal: true)
        var rng = RandomSource(seed: 31)
        var x = c.makeInputs(&rng)
        let (out, probs) = c.run(x, naive: false)
        let p = probs.array
        for bh in 0..<(2 * 4) {
            for i in 0..<6 {
                let row = p[(bh * 6 + i) * 6..<(bh * 6 + i + 1) * 6]
                XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12)
                for j in (i + 1)..<6 { XCTAssertEqual(row[row.startIndex + j], 0, "future key \(j) for query \(i)") }
                for j in 0...i { XCTAssertGreaterThan(row[row.startIndex + j], 0) }
            }
        }
        // Change k and v at the last position: every earlier query's output is unchanged.
        let kRow = 2 * 3
        for b in 0..<2 {
            for i in 0..<kRow { x[1][(b * 6 + 5) * kRow + i] += 3; x[2][(b * 6 + 5) * kRow + i] -= 2 }
        }
        let changed = c.run(x, naive: false).out.array
        let before = out.array
        let qRow = 4 * 3
        for b in 0..<2 {
            for t in 0..<5 {
                for i in 0..<qRow { XCTAssertEqual(changed[(b * 6 + t) * qRow + i], before[(b * 6 + t) * qRow + i]) }
            }
            XCTAssertNotEqual(changed[(b * 6 + 5) * qRow], before[(b * 6 + 5) * qRow])
        }
    }

    func testPaddedKeysGetZeroProbabilityAndTheirValuesChangeNothing() {
        let mask: [UInt8] = [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]
        for causal in [false, true] {
            let c = AttentionCase(batch: 2, queryLength: 5, keyLength: 5, heads: 2, kvHeads: 1, headDim: 4, causal: causal,
                                  keyMask: mask)
            var rng = RandomSource(seed: 41)
            var x = c.makeInputs(&rng)
            let (out, probs) = c.run(x, naive: false)
            let p = probs.array
            for h in 0..<2 {
                for i in 0..<5 {
                    for j in 3..<5 { XCTAssertEqual(p[((0 * 2 + h) * 5 + i) * 5 + j], 0, "padded key \(j)") }
                }
            }
            // Padded keys/values of row 0 replaced by junk: outputs identical, bit for bit.
            for t in 3..<5 {
                for i in 0..<4 { x[1][t * 4 + i] = 1e3; x[2][t * 4 + i] = -1e3 }
            }
            XCTAssertEqual(c.run(x, naive: false).out.array, out.array)
            // A padded key under the gradient: zero dK and dV.
            var g = c.inputCounts.map { [Double](repeating: 0, count: $0) }
            c.backward(x, dOut: projection(c.outCount, seed: 2), grads: &g, naive: false)
            for t in 3..<5 {
                for i in 0..<4 { XCTAssertEqual(g[1][t * 4 + i], 0); XCTAssertEqual(g[2][t * 4 + i], 0) }
            }
        }
    }

    func testFullyMaskedQueryRowIsZeroNotNaN() {
        let c = AttentionCase(batch: 1, queryLength: 3, keyLength: 3, heads: 1, kvHeads: 1, headDim: 2, causal: true,
                              keyMask: [0, 1, 1])
        var rng = RandomSource(seed: 5)
        let x = c.makeInputs(&rng)
        for naive in [false, true] {
            let (out, probs) = c.run(x, naive: naive)
            XCTAssertEqual(Array(out.array[0..<2]), [0, 0])
            XCTAssertEqual(Array(probs.array[0..<3]), [0, 0, 0])
            XCTAssertFalse(out.array.contains { $0.isNaN })
        }
    }

    func testKVCacheMatchesFullSequence() {
        // Causal attention over T tokens, restricted to its last 2 queries, equals attention
        // of those 2 queries against all T keys (Tq = 2, Tk = T).
        let t = 6, h = 4, hkv = 2, dh = 3
        let full = AttentionCase(batch: 1, queryLength: t, keyLength: t, heads: h, kvHeads: hkv, headDim: dh, causal: true)
        var rng = RandomSource(seed: 17)
        let x = full.makeInputs(&rng)
        let outFull = full.run(x, naive: false).out.array
        let tail = AttentionCase(batch: 1, queryLength: 2, keyLength: t, heads: h, kvHeads: hkv, headDim: dh, causal: true)
        let qTail = Array(x[0][((t - 2) * h * dh)...])
        let outTail = tail.run([qTail, x[1], x[2]], naive: false).out.array
        assertClose(outTail, Array(outFull[((t - 2) * h * dh)...]), tolerance: 1e-14, "cache vs full")
    }

    func testGroupedQueryEqualsRepeatedKV() {
        // GQA with Hkv = 2, H = 6 equals MHA with each kv head repeated H/Hkv = 3 times
        // consecutively (HF repeat_kv).
        let b = 2, t = 4, h = 6, hkv = 2, dh = 3
        let gqa = AttentionCase(batch: b, queryLength: t, keyLength: t, heads: h, kvHeads: hkv, headDim: dh, causal: true)
        let mha = AttentionCase(batch: b, queryLength: t, keyLength: t, heads: h, kvHeads: h, headDim: dh, causal: true)
        var rng = RandomSource(seed: 23)
        let x = gqa.makeInputs(&rng)
        func repeatKV(_ a: [Double]) -> [Double] {
            var out: [Double] = []
            for n in 0..<(b * t) {
                for head in 0..<h {
                    let src = (n * hkv + head / (h / hkv)) * dh
                    out += a[src..<(src + dh)]
                }
            }
            return out
        }
        assertClose(gqa.run(x, naive: false).out.array, mha.run([x[0], repeatKV(x[1]), repeatKV(x[2])], naive: true).out.array,
                    tolerance: 1e-14, "GQA vs repeated-KV MHA")
    }
}
