import RaditBase
import RaditTensor

/// `radit smoke`: proves the BLAS and LAPACK link works and names the OpenBLAS and SIMD
/// path in use (and refuses a RADIT_SIMD value the CPU cannot honour).
public enum SmokeCheck {
    public enum Failure: RaditError, Equatable {
        case blas(got: [Float])
        case lapack(got: [Float])
        case simd(requested: String, supported: String)

        public var message: String {
            switch self {
            case let .blas(got): return "sgemm returned \(got), expected [58, 64, 139, 154]: the BLAS library is broken"
            case let .lapack(got): return "ssyevd returned eigenvalues \(got), expected [1, 3]: LAPACK is broken"
            case let .simd(requested, supported):
                return "RADIT_SIMD=\(requested) cannot run here (this CPU supports: \(supported)); unset it or pick one of those"
            }
        }
    }

    /// The report lines, or a `Failure`.
    public static func run() throws -> [String] {
        let a = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Float>(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        let c = Tensor.matmul(a, b)
        guard c.scalars == [58, 64, 139, 154] else { throw Failure.blas(got: c.scalars) }
        let (w, _) = try symmetricEigen(Tensor<Float>(shape: [2, 2], scalars: [2, 1, 1, 2]))
        guard abs(w[0] - 1) < 1e-5, abs(w[1] - 3) < 1e-5 else { throw Failure.lapack(got: Array(w)) }
        let supported = SIMDPath.supported.map(\.rawValue).joined(separator: ", ")
        if let refused = SIMDPath.refusedRequest { throw Failure.simd(requested: refused, supported: supported) }
        return ["BLAS ok: sgemm [2x3]·[3x2] = \(c.scalars); LAPACK ok: eig = \(w)",
                "OpenBLAS: \(BLASThreads.configuration), threads=\(BLASThreads.count)",
                "SIMD: \(SIMDPath.active.rawValue) (\(SIMDPath.active.lanes) Float lanes); supported here: \(supported)"]
    }

    /// Sets the BLAS thread count (`--threads`).
    public static func setBLASThreads(_ n: Int) { BLASThreads.set(n) }
}
