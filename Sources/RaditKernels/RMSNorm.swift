import RaditSIMD
import RaditTensor

/// RMS normalisation (Zhang & Sennrich 2019), as in Llama:
/// `out = x · rstd · weight`, `rstd = 1/√(mean(x²) + eps)`. Saves `rstd (N)` for the backward.
@inlinable
public func rmsNormForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, rstd: UnsafeMutablePointer<S>,
    input: UnsafePointer<S>, weight: UnsafePointer<S>, rows: Int, dim: Int, eps: S
) {
    // input, out (N, C); weight (C); rstd (N)
    if S.self == Float.self {
        radit_rmsnorm_forward(asFloat(out), asFloat(rstd), asFloat(input), asFloat(weight), rows, dim, Float(eps))
        return
    }
    let invC = 1 / S(dim)
    for r in 0..<rows {
        let x = input + r * dim, y = out + r * dim
        var ss: S = 0
        for c in 0..<dim { ss += x[c] * x[c] }
        let rs = 1 / (ss * invC + eps).squareRoot()
        for c in 0..<dim { y[c] = x[c] * rs * weight[c] }
        rstd[r] = rs
    }
}

/// Backward of `rmsNormForward`; adds into `dInput (N, C)` and `dWeight (C)`:
/// `dx = rstd · (dn − n · mean(dn ⊙ n))`, `n = x · rstd`, `dn = dOut ⊙ weight`.
@inlinable
public func rmsNormBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>?, dWeight: UnsafeMutablePointer<S>?,
    dOut: UnsafePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    rstd: UnsafePointer<S>, rows: Int, dim: Int
) {
    if S.self == Float.self {
        radit_rmsnorm_backward(dInput.map { asFloat($0) }, dWeight.map { asFloat($0) }, asFloat(dOut), asFloat(input),
                               asFloat(weight), asFloat(rstd), rows, dim)
        return
    }
    let invC = 1 / S(dim)
    for r in 0..<rows {
        let x = input + r * dim, g = dOut + r * dim
        let rs = rstd[r]
        var sumDnN: S = 0
        for c in 0..<dim { sumDnN += g[c] * weight[c] * x[c] * rs }
        let meanDnN = sumDnN * invC
        if let dWeight {
            for c in 0..<dim { dWeight[c] += g[c] * x[c] * rs }
        }
        if let dInput {
            let dx = dInput + r * dim
            for c in 0..<dim { dx[c] += rs * (g[c] * weight[c] - x[c] * rs * meanDnN) }
        }
    }
}

/// Naive twin of `rmsNormForward`.
@inlinable
public func rmsNormForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, rstd: UnsafeMutablePointer<S>,
    input: UnsafePointer<S>, weight: UnsafePointer<S>, rows: Int, dim: Int, eps: S
) {
    for r in 0..<rows {
        var ms: S = 0
        for c in 0..<dim { ms += input[r * dim + c] * input[r * dim + c] }
        ms /= S(dim)
        let rs = 1 / (ms + eps).squareRoot()
        for c in 0..<dim { out[r * dim + c] = input[r * dim + c] * rs * weight[c] }
        rstd[r] = rs
    }
}

/// Naive twin of `rmsNormBackward`: full Jacobian `∂n_i/∂x_j = rstd (δ_ij − n_i n_j / C)`.
@inlinable
public func rmsNormBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>?, dWeight: UnsafeMutablePointer<S>?,
    dOut: UnsafePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    rstd: UnsafePointer<S>, rows: Int, dim: Int
) {
    for r in 0..<rows {
        let rs = rstd[r]
        for c in 0..<dim { dWeight?[c] += dOut[r * dim + c] * input[r * dim + c] * rs }
        guard let dInput else { continue }
        for j in 0..<dim {
            var s: S = 0
            for i in 0..<dim {
                let delta: S = i == j ? 1 : 0
                let ni = input[r * dim + i] * rs, nj = input[r * dim + j] * rs
                s += dOut[r * dim + i] * weight[i] * rs * (delta - ni * nj / S(dim))
            }
            dInput[r * dim + j] += s
        }
    }
}
