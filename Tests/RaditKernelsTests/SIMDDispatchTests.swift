import Foundation
import RaditKernels
import RaditSIMD
import RaditTensor
import RaditTestSupport
import XCTest

/// Every RaditSIMD path this CPU supports (the baseline always) against the naive twins.
/// Paths the CPU lacks cannot run here; `testStartUpTakesTheWidestPath` names them.
final class SIMDDispatchTests: XCTestCase {
    private var initial = SIMDPath.active

    override func setUp() { initial = SIMDPath.active }
    override func tearDown() { SIMDPath.select(initial) }

    /// Runs `body` once per supported path with that path selected.
    private func onEveryPath(_ body: (SIMDPath) -> Void) {
        XCTAssertTrue(SIMDPath.supported.contains(.baseline))
        for path in SIMDPath.supported {
            XCTAssertTrue(SIMDPath.select(path), "select \(path)")
            XCTAssertEqual(SIMDPath.active, path)
            body(path)
        }
    }

    // Lengths around every lane count (4, 8, 16) and the model widths, so full vectors,
    // multi-accumulator loops and zero-padded tails are all hit.
    private let lengths = [1, 3, 4, 5, 8, 15, 16, 17, 31, 33, 64, 67, 389]

    func testActivationsOnEveryPath() {
        onEveryPath { _ in
            for n in lengths {
                verifyFloatFastMatchesNaive(ActivationCase(count: n, activation: .gelu(.exact)))
                verifyFloatFastMatchesNaive(ActivationCase(count: n, activation: .gelu(.tanh)))
                verifyFloatFastMatchesNaive(ActivationCase(count: n, activation: .silu))
                verifyFloatFastMatchesNaive(SwiGLUCase(count: n))
            }
        }
    }

    func testSoftmaxCrossEntropyAndAttentionOnEveryPath() {
        onEveryPath { _ in
            for c in lengths {
                verifyFloatFastMatchesNaive(SoftmaxCase(rows: 3, cols: c, log: false))
                verifyFloatFastMatchesNaive(SoftmaxCase(rows: 3, cols: c, log: true))
                verifyFloatFastMatchesNaive(CrossEntropyCase(rows: 3, vocab: c, targets: [Int32(c - 1), -100, 0]))
            }
            for t in [3, 17, 40] {
                let mask = (0..<(2 * t)).map { UInt8($0 % t < t - 2 || $0 >= t ? 1 : 0) }
                for causal in [true, false] {
                    verifyFloatFastMatchesNaive(AttentionCase(batch: 2, queryLength: t, keyLength: t, heads: 2, kvHeads: 1,
                                                              headDim: 4, causal: causal, keyMask: mask))
                }
            }
        }
    }

    func testNormsOnEveryPath() {
        onEveryPath { _ in
            for c in lengths {
                verifyFloatFastMatchesNaive(LayerNormCase(rows: 3, dim: c, hasBias: true))
                verifyFloatFastMatchesNaive(LayerNormCase(rows: 2, dim: c, hasBias: false))
                verifyFloatFastMatchesNaive(RMSNormCase(rows: 3, dim: c))
            }
        }
    }

    func testAdamWOnEveryPath() {
        onEveryPath { path in
            for n in lengths {
                var rng = RandomSource(seed: UInt64(n))
                var pf = (0..<n).map { _ in Float(rng.uniform(-1, 1)) }
                var mf = [Float](repeating: 0, count: n), vf = mf
                var pn = pf, mn = mf, vn = vf
                for step in 1...5 {
                    let g = (0..<n).map { _ in Float(rng.uniform(-1, 1)) }
                    adamWUpdate(params: &pf, grads: g, m: &mf, v: &vf, count: n, lr: 0.01, beta1: 0.9, beta2: 0.95,
                                eps: 1e-8, weightDecay: 0.1, step: step)
                    adamWUpdateNaive(params: &pn, grads: g, m: &mn, v: &vn, count: n, lr: 0.01, beta1: 0.9, beta2: 0.95,
                                     eps: 1e-8, weightDecay: 0.1, step: step)
                }
                assertClose(pf, pn, tolerance: Tolerance.float32, "AdamW \(path) n=\(n) params")
                assertClose(mf, mn, tolerance: Tolerance.float32, "AdamW \(path) n=\(n) m")
                assertClose(vf, vn, tolerance: Tolerance.float32, "AdamW \(path) n=\(n) v")
            }
        }
    }

    func testExpAndErfAccuracyOnEveryPath() {
        var xs: [Float] = []
        var x: Float = -87
        while x < 87.8 { xs.append(x); x += 0.0173 }
        var es: [Float] = []
        x = -6
        while x < 6 { es.append(x); x += 0.00123 }
        onEveryPath { path in
            var e = [Float](repeating: 0, count: xs.count)
            _ = radit_exp_shifted_sum(&e, xs, xs.count, 0)
            var worst = 0.0
            for i in xs.indices {
                let exact = Foundation.exp(Double(xs[i]))
                worst = max(worst, abs(Double(e[i]) - exact) / exact)
            }
            XCTAssertLessThan(worst, 3e-7, "\(path): worst relative error of exp")   // ~2.5 ulp
            let edges: [Float] = [-.infinity, -1000, -88, 0, 1, -0.0, 88.7, .infinity]
            var ee = [Float](repeating: 0, count: edges.count)
            _ = radit_exp_shifted_sum(&ee, edges, edges.count, 0)
            XCTAssertEqual(Array(ee[0..<4]), [0, 0, 0, 1], "\(path)")
            XCTAssertEqual(Double(ee[4]), M_E, accuracy: 1e-6)
            XCTAssertEqual(ee[5], 1)
            XCTAssertTrue(ee[6].isFinite && ee[7].isFinite, "\(path) saturates: \(ee)")

            var r = [Float](repeating: 0, count: es.count)
            radit_erf(&r, es, es.count)
            var worstErf = 0.0
            for i in es.indices { worstErf = max(worstErf, abs(Double(r[i]) - Foundation.erf(Double(es[i])))) }
            XCTAssertLessThan(worstErf, 3e-7, "\(path): worst absolute error of erf")
        }
    }

    func testRowReductionsHandleTailsOnEveryPath() {
        onEveryPath { path in
            for n in lengths {
                let x = (0..<n).map { Float($0 % 5) - 2.5 + Float($0) * 0.01 }
                XCTAssertEqual(radit_max(x, n), x.max()!, "\(path) n=\(n)")
                let s = radit_exp_shifted_sum(nil, x, n, 1)
                let expected = x.map { Foundation.exp(Double($0) - 1) }.reduce(0, +)
                XCTAssertEqual(Double(s), expected, accuracy: Tolerance.float32 * expected, "\(path) n=\(n)")
            }
            XCTAssertEqual(radit_max(nil, 0), -.infinity)
        }
    }

    func testStartUpTakesTheWidestPathOrTheForcedOne() {
        let forced = ProcessInfo.processInfo.environment["RADIT_SIMD"]
        // What the constructor did at load time, redone: unset → widest supported.
        XCTAssertEqual(radit_simd_request(nil), 1)
        XCTAssertEqual(SIMDPath.active, SIMDPath.supported.last)
        XCTAssertNil(SIMDPath.refusedRequest)
        XCTAssertEqual(radit_simd_request("baseline"), 1)
        XCTAssertEqual(SIMDPath.active, .baseline)
        XCTAssertEqual(SIMDPath.active.lanes, 4)
        // An unknown name is refused, remembered, and the widest path runs.
        XCTAssertEqual(radit_simd_request("avx9000"), 0)
        XCTAssertEqual(SIMDPath.refusedRequest, "avx9000")
        XCTAssertEqual(SIMDPath.active, SIMDPath.supported.last)
        for path in SIMDPath.allCases where !SIMDPath.supported.contains(path) {
            XCTAssertFalse(SIMDPath.select(path), "\(path) is not supported here and must be refused")
            XCTAssertEqual(radit_simd_request(path.rawValue), 0)
        }
        XCTAssertEqual(radit_simd_request(forced), forced.map { n in SIMDPath.supported.contains { $0.rawValue == n } ? 1 : 0 } ?? 1)
    }
}
