import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a matrix operand of `gemm` is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// Float and Double: the scalars the BLAS wrappers cover. Fast paths run in Float;
/// gradient checks run the same generic code in Double.
public protocol BLASScalar: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    static func blasGemm(_ ta: CBLAS_TRANSPOSE, _ tb: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32,
                         _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int32,
                         _ b: UnsafePointer<Self>, _ ldb: Int32, _ beta: Self,
                         _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    static func blasGemv(_ t: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Self,
                         _ a: UnsafePointer<Self>, _ lda: Int32, _ x: UnsafePointer<Self>,
                         _ beta: Self, _ y: UnsafeMutablePointer<Self>)
    static func blasAxpy(_ n: Int32, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)
    static func blasDot(_ n: Int32, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    static func blasScal(_ n: Int32, _ alpha: Self, _ x: UnsafeMutablePointer<Self>)
    /// Natural exponential and logarithm, so generic kernels need no Foundation.
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension Float: BLASScalar {
    @inlinable public static func blasGemm(_ ta: CBLAS_TRANSPOSE, _ tb: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32,
                                           _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32,
                                           _ b: UnsafePointer<Float>, _ ldb: Int32, _ beta: Float,
                                           _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inlinable public static func blasGemv(_ t: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Float,
                                           _ a: UnsafePointer<Float>, _ lda: Int32, _ x: UnsafePointer<Float>,
                                           _ beta: Float, _ y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, 1, beta, y, 1)
    }
    @inlinable public static func blasAxpy(_ n: Int32, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(n, alpha, x, 1, y, 1)
    }
    @inlinable public static func blasDot(_ n: Int32, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(n, x, 1, y, 1)
    }
    @inlinable public static func blasScal(_ n: Int32, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(n, alpha, x, 1)
    }
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func erf(_ x: Float) -> Float { erff(x) }
    @inlinable public static func sin(_ x: Float) -> Float { sinf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: BLASScalar {
    @inlinable public static func blasGemm(_ ta: CBLAS_TRANSPOSE, _ tb: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32,
                                           _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int32,
                                           _ b: UnsafePointer<Double>, _ ldb: Int32, _ beta: Double,
                                           _ c: UnsafeMutablePointer<Double>, _ ldc: Int32) {
        cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inlinable public static func blasGemv(_ t: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Double,
                                           _ a: UnsafePointer<Double>, _ lda: Int32, _ x: UnsafePointer<Double>,
                                           _ beta: Double, _ y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, 1, beta, y, 1)
    }
    @inlinable public static func blasAxpy(_ n: Int32, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(n, alpha, x, 1, y, 1)
    }
    @inlinable public static func blasDot(_ n: Int32, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(n, x, 1, y, 1)
    }
    @inlinable public static func blasScal(_ n: Int32, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(n, alpha, x, 1)
    }
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inlinable public static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inlinable public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}

@usableFromInline func cblasTranspose(_ t: Transpose) -> CBLAS_TRANSPOSE {
    t == .none ? CblasNoTrans : CblasTrans
}

/// `C (m×n) = alpha · op(A) · op(B) + beta · C`, all row-major.
/// op(A) is m×k and op(B) is k×n; `lda`, `ldb`, `ldc` are row strides of the stored
/// matrices and are checked against the shapes. The only door to `?gemm` in Radit.
@inlinable
public func gemm<S: BLASScalar>(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                                alpha: S = 1, a: UnsafePointer<S>, lda: Int,
                                b: UnsafePointer<S>, ldb: Int,
                                beta: S = 0, c: UnsafeMutablePointer<S>, ldc: Int) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m=\(m) n=\(n) k=\(k)")
    // Stored A is m×k (no transpose) or k×m (transposed); likewise B.
    precondition(lda >= max(1, transA == .none ? k : m), "gemm: lda=\(lda) too small for A (\(transA), m=\(m), k=\(k))")
    precondition(ldb >= max(1, transB == .none ? n : k), "gemm: ldb=\(ldb) too small for B (\(transB), k=\(k), n=\(n))")
    precondition(ldc >= max(1, n), "gemm: ldc=\(ldc) < n=\(n)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS leaves C·beta; make that explicit (beta = 0 clears NaNs too).
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
        return
    }
    S.blasGemm(cblasTranspose(transA), cblasTranspose(transB), Int32(m), Int32(n), Int32(k),
               alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// `y (m or n) = alpha · op(A) · x + beta · y`; A stored m×n row-major with row stride `lda`.
@inlinable
public func gemv<S: BLASScalar>(_ trans: Transpose, m: Int, n: Int, alpha: S = 1,
                                a: UnsafePointer<S>, lda: Int, x: UnsafePointer<S>,
                                beta: S = 0, y: UnsafeMutablePointer<S>) {
    precondition(lda >= max(1, n), "gemv: lda=\(lda) < n=\(n)")
    if m == 0 || n == 0 {
        let count = trans == .none ? m : n
        for i in 0..<count { y[i] = beta == 0 ? 0 : beta * y[i] }
        return
    }
    S.blasGemv(cblasTranspose(trans), Int32(m), Int32(n), alpha, a, Int32(lda), x, beta, y)
}

/// `y += alpha · x` over `n` contiguous elements.
@inlinable
public func axpy<S: BLASScalar>(_ n: Int, alpha: S, x: UnsafePointer<S>, y: UnsafeMutablePointer<S>) {
    if n > 0 { S.blasAxpy(Int32(n), alpha, x, y) }
}

/// `Σ x_i y_i` over `n` contiguous elements.
@inlinable
public func dot<S: BLASScalar>(_ n: Int, _ x: UnsafePointer<S>, _ y: UnsafePointer<S>) -> S {
    n > 0 ? S.blasDot(Int32(n), x, y) : 0
}

/// `x *= alpha` over `n` contiguous elements.
@inlinable
public func scal<S: BLASScalar>(_ n: Int, alpha: S, x: UnsafeMutablePointer<S>) {
    if n > 0 { S.blasScal(Int32(n), alpha, x) }
}

/// OpenBLAS thread pool settings.
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for the rest of the process.
    public static func set(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
        openblas_set_num_threads(Int32(count))
    }

    public static var count: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS's build description (version, core kernel, threading), for benchmark records.
    public static var configuration: String {
        guard let c = openblas_get_config() else { return "unknown" }
        return String(cString: c) + " core=" + (openblas_get_corename().map { String(cString: $0) } ?? "?")
    }
}
