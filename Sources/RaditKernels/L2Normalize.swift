import RaditTensor

/// Row-wise L2 normalisation, as PyTorch `F.normalize(x, dim=-1, eps)`:
/// `out (N, C) = x / max(‖x‖, eps)`. Saves `norms (N) = ‖x‖` for the backward.
/// `out` may equal `input`.
@inlinable
public func l2NormalizeForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, norms: UnsafeMutablePointer<S>, input: UnsafePointer<S>,
    rows: Int, dim: Int, eps: S = 1e-12
) {
    for r in 0..<rows {
        let x = input + r * dim, y = out + r * dim
        var ss: S = 0
        for c in 0..<dim { ss += x[c] * x[c] }
        let norm = ss.squareRoot()
        norms[r] = norm
        let inv = 1 / max(norm, eps)
        for c in 0..<dim { y[c] = x[c] * inv }
    }
}

/// Backward of `l2NormalizeForward`; with `y = x/‖x‖`:
/// `dx += (dy − y (y·dy)) / ‖x‖`, or `dx += dy / eps` where the norm was clamped.
@inlinable
public func l2NormalizeBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, input: UnsafePointer<S>,
    norms: UnsafePointer<S>, rows: Int, dim: Int, eps: S = 1e-12
) {
    for r in 0..<rows {
        let x = input + r * dim, g = dOut + r * dim, dx = dInput + r * dim
        let norm = norms[r]
        if norm <= eps {
            let inv = 1 / eps
            for c in 0..<dim { dx[c] += g[c] * inv }
            continue
        }
        let inv = 1 / norm
        var yg: S = 0
        for c in 0..<dim { yg += x[c] * inv * g[c] }
        for c in 0..<dim { dx[c] += (g[c] - x[c] * inv * yg) * inv }
    }
}

/// Naive twin of `l2NormalizeForward`.
@inlinable
public func l2NormalizeForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, norms: UnsafeMutablePointer<S>, input: UnsafePointer<S>,
    rows: Int, dim: Int, eps: S = 1e-12
) {
    for r in 0..<rows {
        var ss = 0.0
        for c in 0..<dim { ss += Double(input[r * dim + c]) * Double(input[r * dim + c]) }
        let norm = ss.squareRoot()
        norms[r] = S(norm)
        for c in 0..<dim { out[r * dim + c] = S(Double(input[r * dim + c]) / max(norm, Double(eps))) }
    }
}

/// Naive twin of `l2NormalizeBackward`: full Jacobian `(δ_ij − y_i y_j) / ‖x‖`.
@inlinable
public func l2NormalizeBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, input: UnsafePointer<S>,
    norms: UnsafePointer<S>, rows: Int, dim: Int, eps: S = 1e-12
) {
    for r in 0..<rows {
        let norm = norms[r]
        for j in 0..<dim {
            var s: S = 0
            for i in 0..<dim {
                let jac: S
                if norm <= eps {
                    jac = i == j ? 1 / eps : 0
                } else {
                    let yi = input[r * dim + i] / norm, yj = input[r * dim + j] / norm
                    jac = ((i == j ? 1 : 0) - yi * yj) / norm
                }
                s += dOut[r * dim + i] * jac
            }
            dInput[r * dim + j] += s
        }
    }
}
