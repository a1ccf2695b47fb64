import ArgumentParser
import RaditTensor

/// `radit smoke`: proves the BLAS link works and shows which OpenBLAS is in use.
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
    }
}
