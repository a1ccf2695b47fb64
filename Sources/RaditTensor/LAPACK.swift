import CLAPACKE

/// A LAPACK routine reported failure (`info` is LAPACK's own code).
public struct LAPACKError: Error, CustomStringConvertible, Equatable {
    public let routine: String
    public let info: Int32
    public var description: String {
        info < 0 ? "\(routine): argument \(-info) had an illegal value"
                 : "\(routine): failed to converge (info=\(info))"
    }
}

/// Symmetric eigendecomposition `A = V diag(w) Vᵀ` of an n×n matrix (only its upper
/// triangle is read). Eigenvalues ascending; eigenvectors are the columns of `vectors`.
public func symmetricEigen(_ a: Tensor<Float>) throws -> (values: [Float], vectors: Tensor<Float>) {
    precondition(a.rank == 2 && a.rows == a.columns, "symmetricEigen: need a square matrix, got \(a.shape)")
    let n = a.rows
    var v = a
    var w = [Float](repeating: 0, count: n)
    if n == 0 { return (w, v) }
    let info = v.scalars.withUnsafeMutableBufferPointer { pv in
        w.withUnsafeMutableBufferPointer { pw in
            LAPACKE_ssyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                           Int32(n), pv.baseAddress, Int32(n), pw.baseAddress)
        }
    }
    if info != 0 { throw LAPACKError(routine: "ssyevd", info: info) }
    return (w, v)
}

/// Thin SVD `A = U diag(s) Vᵀ` of an m×n matrix: U is m×r, s has r values (descending),
/// Vᵀ is r×n, r = min(m, n).
public func singularValueDecomposition(_ a: Tensor<Float>) throws -> (u: Tensor<Float>, s: [Float], vt: Tensor<Float>) {
    precondition(a.rank == 2, "singularValueDecomposition: need a matrix, got \(a.shape)")
    let m = a.rows, n = a.columns, r = min(m, n)
    var work = a
    var s = [Float](repeating: 0, count: r)
    var u = Tensor<Float>(shape: [m, r])
    var vt = Tensor<Float>(shape: [r, n])
    if r == 0 { return (u, s, vt) }
    let info = work.scalars.withUnsafeMutableBufferPointer { pa in
        s.withUnsafeMutableBufferPointer { ps in
            u.scalars.withUnsafeMutableBufferPointer { pu in
                vt.scalars.withUnsafeMutableBufferPointer { pvt in
                    LAPACKE_sgesdd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n),
                                   pa.baseAddress, Int32(n), ps.baseAddress,
                                   pu.baseAddress, Int32(r), pvt.baseAddress, Int32(n))
                }
            }
        }
    }
    if info != 0 { throw LAPACKError(routine: "sgesdd", info: info) }
    return (u, s, vt)
}

/// A matrix with orthonormal rows or columns (whichever is fewer), from the QR-free route
/// U·Vᵀ of the SVD of a Gaussian matrix: the orthogonal initialisation of Saxe et al. 2014.
public func orthogonalMatrix(rows: Int, columns: Int, using rng: inout RandomSource) throws -> Tensor<Float> {
    let g: Tensor<Float> = rng.normalTensor([rows, columns])
    let (u, _, vt) = try singularValueDecomposition(g)
    return Tensor.matmul(u, vt)
}
