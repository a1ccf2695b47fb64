import RaditSIMD
import RaditTensor

/// Layer normalisation (Ba et al. 2016) over the last dimension:
/// `out = (x − μ) · rstd · weight + bias`, `rstd = 1/√(σ² + eps)` with the biased
/// variance, as in PyTorch `nn.LayerNorm`. Saves `mean (N)` and `rstd (N)` for the backward.
@inlinable
public func layerNormForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, mean: UnsafeMutablePointer<S>, rstd: UnsafeMutablePointer<S>,
    input: UnsafePointer<S>, weight: UnsafePointer<S>, bias: UnsafePointer<S>?,
    rows: Int, dim: Int, eps: S
) {
    // input, out (N, C); weight, bias (C); mean, rstd (N)
    if S.self == Float.self {
        radit_layernorm_forward(asFloat(out), asFloat(mean), asFloat(rstd), asFloat(input), asFloat(weight),
                                bias.map { asFloat($0) }, rows, dim, Float(eps))
        return
    }
    let invC = 1 / S(dim)
    for r in 0..<rows {
        let x = input + r * dim, y = out + r * dim
        var s: S = 0
        for c in 0..<dim { s += x[c] }
        let mu = s * invC
        var v: S = 0
        for c in 0..<dim { let d = x[c] - mu; v += d * d }
        let rs = 1 / (v * invC + eps).squareRoot()
        if let bias {
            for c in 0..<dim { y[c] = (x[c] - mu) * rs * weight[c] + bias[c] }
        } else {
            for c in 0..<dim { y[c] = (x[c] - mu) * rs * weight[c] }
        }
        mean[r] = mu
        rstd[r] = rs
    }
}

/// Backward of `layerNormForward`; adds into `dInput (N, C)`, `dWeight (C)`, `dBias (C)`:
/// `dx = rstd · (dn − mean(dn) − n · mean(dn ⊙ n))` with `n` the normalised input and
/// `dn = dOut ⊙ weight`.
@inlinable
public func layerNormBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>?, dWeight: UnsafeMutablePointer<S>?, dBias: UnsafeMutablePointer<S>?,
    dOut: UnsafePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    mean: UnsafePointer<S>, rstd: UnsafePointer<S>, rows: Int, dim: Int
) {
    if S.self == Float.self {
        radit_layernorm_backward(dInput.map { asFloat($0) }, dWeight.map { asFloat($0) }, dBias.map { asFloat($0) },
                                 asFloat(dOut), asFloat(input), asFloat(weight), asFloat(mean), asFloat(rstd), rows, dim)
        return
    }
    let invC = 1 / S(dim)
    for r in 0..<rows {
        let x = input + r * dim, g = dOut + r * dim
        let mu = mean[r], rs = rstd[r]
        var sumDn: S = 0, sumDnN: S = 0
        for c in 0..<dim {
            let n = (x[c] - mu) * rs
            let dn = g[c] * weight[c]
            sumDn += dn
            sumDnN += dn * n
        }
        let meanDn = sumDn * invC, meanDnN = sumDnN * invC
        // Optionals unwrapped outside the element loops so each loop vectorises.
        if let dBias {
            for c in 0..<dim { dBias[c] += g[c] }
        }
        if let dWeight {
            for c in 0..<dim { dWeight[c] += g[c] * (x[c] - mu) * rs }
        }
        if let dInput {
            let dx = dInput + r * dim
            for c in 0..<dim { dx[c] += rs * (g[c] * weight[c] - meanDn - (x[c] - mu) * rs * meanDnN) }
        }
    }
}

/// Naive twin of `layerNormForward` (textbook form, no hoisting).
@inlinable
public func layerNormForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, mean: UnsafeMutablePointer<S>, rstd: UnsafeMutablePointer<S>,
    input: UnsafePointer<S>, weight: UnsafePointer<S>, bias: UnsafePointer<S>?,
    rows: Int, dim: Int, eps: S
) {
    for r in 0..<rows {
        var mu: S = 0
        for c in 0..<dim { mu += input[r * dim + c] }
        mu /= S(dim)
        var variance: S = 0
        for c in 0..<dim { variance += (input[r * dim + c] - mu) * (input[r * dim + c] - mu) }
        variance /= S(dim)
        let rs = 1 / (variance + eps).squareRoot()
        for c in 0..<dim {
            out[r * dim + c] = (input[r * dim + c] - mu) * rs * weight[c] + (bias?[c] ?? 0)
        }
        mean[r] = mu
        rstd[r] = rs
    }
}

/// Naive twin of `layerNormBackward`: the full Jacobian-vector product
/// `dx_i = Σ_j dn_j · rstd · (δ_ij − 1/C − n_i n_j / C)`.
@inlinable
public func layerNormBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>?, dWeight: UnsafeMutablePointer<S>?, dBias: UnsafeMutablePointer<S>?,
    dOut: UnsafePointer<S>, input: UnsafePointer<S>, weight: UnsafePointer<S>,
    mean: UnsafePointer<S>, rstd: UnsafePointer<S>, rows: Int, dim: Int
) {
    for r in 0..<rows {
        let rs = rstd[r]
        for c in 0..<dim {
            let n = (input[r * dim + c] - mean[r]) * rs
            dBias?[c] += dOut[r * dim + c]
            dWeight?[c] += dOut[r * dim + c] * n
        }
        guard let dInput else { continue }
        for i in 0..<dim {
            let ni = (input[r * dim + i] - mean[r]) * rs
            var s: S = 0
            for j in 0..<dim {
                let nj = (input[r * dim + j] - mean[r]) * rs
                let dn = dOut[r * dim + j] * weight[j]
                let delta: S = i == j ? 1 : 0
                s += dn * rs * (delta - 1 / S(dim) - ni * nj / S(dim))
            }
            dInput[r * dim + i] += s
        }
    }
}
