@testable import RaditIndex
import RaditSIMD
import RaditTensor
import RaditTestSupport
import XCTest

/// The index's distance kernels on every RaditSIMD path this CPU supports, against their
/// naive Double twins.
final class SimilarityTests: XCTestCase {
    func testDotAndL2OnEveryPath() {
        let initial = radit_simd_active()
        defer { radit_simd_select(initial) }
        var rng = RandomSource(seed: 5)
        for raw in [RADIT_SIMD_BASELINE, RADIT_SIMD_AVX2, RADIT_SIMD_AVX512] where radit_simd_supported(raw) != 0 {
            XCTAssertEqual(radit_simd_select(raw), 1)
            for n in [1, 3, 4, 5, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 384, 389] {
                let a = (0..<n).map { _ in Float(rng.uniform(-1, 1)) }, b = (0..<n).map { _ in Float(rng.uniform(-1, 1)) }
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        let (x, y) = (pa.baseAddress!, pb.baseAddress!)
                        // Float summation error grows with Σ|terms|; the limit scales with it.
                        let magnitude = zip(a, b).reduce(1.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                        let dot = innerProduct(x, y, n), dotNaive = innerProductNaive(x, y, n)
                        XCTAssertEqual(Double(dot), dotNaive, accuracy: Tolerance.float32 * magnitude, "dot path \(raw) n=\(n)")
                        let l2 = squaredDistance(x, y, n), l2Naive = squaredDistanceNaive(x, y, n)
                        XCTAssertEqual(Double(l2), l2Naive, accuracy: Tolerance.float32 * max(1, l2Naive), "l2 path \(raw) n=\(n)")
                        // Four at a time: a against b, a, b and a, each checked against its naive twin.
                        let others = [y, x, y, x]
                        var four = [Float](repeating: 0, count: 4)
                        for metric in [VectorMetric.innerProduct, .l2] {
                            similarity4(metric, &four, x, others[0], others[1], others[2], others[3], n)
                            for j in 0..<4 {
                                let naive = metric == .innerProduct ? innerProductNaive(x, others[j], n) : -squaredDistanceNaive(x, others[j], n)
                                let scale = metric == .innerProduct ? magnitude + innerProductNaive(x, x, n) : max(1, -naive)
                                XCTAssertEqual(Double(four[j]), naive, accuracy: Tolerance.float32 * scale, "\(metric) ×4 path \(raw) n=\(n) j=\(j)")
                            }
                        }
                    }
                }
            }
        }
    }
}
