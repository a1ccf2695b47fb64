import ArgumentParser
import RaditTensor

/// `radit smoke`: proves the BLAS link works and shows which OpenBLAS and which SIMD path
/// are in use (and refuses a RADIT_SIMD value the CPU cannot honour).
struct Smoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that BLAS and LAPACK are linked and compute correctly.")

    func run() throws {
        let a = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Float>(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        let c = Tensor.matmul(a, b)
        guard c.scalars == [58, 64, 139, 154] else {
            throw ValidationError("sgemm returned \(c.scalars), expected [58, 64, 139, 154]: the BLAS library is broken")
        }
        let (w, _) = try symmetricEigen(Tensor<Float>(shape: [2, 2], scalars: [2, 1, 1, 2]))
        guard abs(w[0] - 1) < 1e-5, abs(w[1] - 3) < 1e-5 else {
            throw ValidationError("ssyevd returned eigenvalues \(w), expected [1, 3]: LAPACK is broken")
        }
        print("BLAS ok: sgemm [2x3]·[3x2] = \(c.scalars); LAPACK ok: eig = \(w)")
        print("OpenBLAS: \(BLASThreads.configuration), threads=\(BLASThreads.count)")
        let supported = SIMDPath.supported.map(\.rawValue).joined(separator: ", ")
        if let refused = SIMDPath.refusedRequest {
            throw ValidationError("RADIT_SIMD=\(refused) cannot run here (this CPU supports: \(supported)); unset it or pick one of those")
        }
        print("SIMD: \(SIMDPath.active.rawValue) (\(SIMDPath.active.lanes) Float lanes); supported here: \(supported)")
    }
}
