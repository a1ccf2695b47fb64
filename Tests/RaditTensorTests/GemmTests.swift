import RaditTensor
import RaditTestSupport
import XCTest

final class GemmTests: XCTestCase {
    /// Naive row-major op(A)·op(B) for comparison.
    func naive(_ ta: Transpose, _ tb: Transpose, _ m: Int, _ n: Int, _ k: Int,
               _ a: [Double], _ lda: Int, _ b: [Double], _ ldb: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = ta == .none ? a[i * lda + p] : a[p * lda + i]
                    let bv = tb == .none ? b[p * ldb + j] : b[j * ldb + p]
                    s += av * bv
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    func testAllTransposesOddShapesAndPaddedStrides() {
        var rng = RandomSource(seed: 7)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 9), (2, 1, 19)] {
            for ta in [Transpose.none, .transposed] {
                for tb in [Transpose.none, .transposed] {
                    let lda = (ta == .none ? k : m) + 2
                    let ldb = (tb == .none ? n : k) + 1
                    let aRows = ta == .none ? m : k, bRows = tb == .none ? k : n
                    let a = (0..<(aRows * lda)).map { _ in Float(rng.uniform(-1, 1)) }
                    let b = (0..<(bRows * ldb)).map { _ in Float(rng.uniform(-1, 1)) }
                    var c = [Float](repeating: 0, count: m * n)
                    gemm(ta, tb, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: &c, ldc: n)
                    let expected = naive(ta, tb, m, n, k, a.map(Double.init), lda, b.map(Double.init), ldb)
                    assertClose(c, expected, tolerance: Tolerance.float32, "gemm \(m)x\(n)x\(k) \(ta) \(tb)")
                }
            }
        }
    }

    func testBetaAccumulatesAndDoubleMatchesFloat() {
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [5, 6, 7, 8]
        var c: [Double] = [1, 1, 1, 1]
        gemm(.none, .none, m: 2, n: 2, k: 2, alpha: 2, a: a, lda: 2, b: b, ldb: 2, beta: 1, c: &c, ldc: 2)
        XCTAssertEqual(c, [39, 45, 87, 101])
    }

    func testMatmulAndVectorOps() {
        let a = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Float>(shape: [2, 3], scalars: [1, 0, 1, 0, 1, 0])
        XCTAssertEqual(Tensor.matmul(a, b, transB: .transposed).scalars, [4, 2, 10, 5])
        var y: [Float] = [1, 1, 1]
        axpy(3, alpha: 2, x: [1, 2, 3], y: &y)
        XCTAssertEqual(y, [3, 5, 7])
        XCTAssertEqual(dot(3, [1, 2, 3], [4, 5, 6]), Float(32))
        scal(3, alpha: 0.5, x: &y)
        XCTAssertEqual(y, [1.5, 2.5, 3.5])
        var out: [Float] = [0, 0]
        gemv(.none, m: 2, n: 3, a: a.scalars, lda: 3, x: [1, 1, 1], y: &out)
        XCTAssertEqual(out, [6, 15])
    }

    func testEigenAndSVDReconstruct() throws {
        var rng = RandomSource(seed: 3)
        let g: Tensor<Float> = rng.normalTensor([5, 5])
        let sym = Tensor.matmul(g, g, transB: .transposed)
        let (w, v) = try symmetricEigen(sym)
        XCTAssertEqual(w, w.sorted())
        // V diag(w) Vᵀ == A
        var vd = v
        for i in 0..<5 { for j in 0..<5 { vd[i, j] *= w[j] } }
        assertClose(Tensor.matmul(vd, v, transB: .transposed).scalars, sym.scalars, tolerance: 1e-4, "eigen")
        let q = try orthogonalMatrix(rows: 4, columns: 6, using: &rng)
        let qqt = Tensor.matmul(q, q, transB: .transposed)
        var eye = Tensor<Float>(shape: [4, 4])
        for i in 0..<4 { eye[i, i] = 1 }
        assertClose(qqt.scalars, eye.scalars, tolerance: 1e-5, "orthogonal rows")
    }
}
