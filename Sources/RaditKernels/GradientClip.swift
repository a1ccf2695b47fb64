import RaditTensor

/// Sum of squares `Σ g_i²` of one buffer, accumulated in Double (a global norm over
/// 10⁸ Float gradients must not lose the small ones).
@inlinable
public func sumOfSquares<S: BLASScalar>(_ g: UnsafePointer<S>, count: Int) -> Double {
    var s = 0.0
    for i in 0..<count { let x = Double(g[i]); s += x * x }
    return s
}

/// Clip factor for clipping by global norm (Pascanu et al. 2013, PyTorch
/// `clip_grad_norm_`): `min(1, maxNorm / (norm + 1e-6))`; gradients are multiplied by it.
@inlinable
public func clipCoefficient(norm: Double, maxNorm: Double) -> Double {
    min(1, maxNorm / (norm + 1e-6))
}

/// Global L2 norm over several buffers `(pointer, count)` and, when `maxNorm` is given,
/// in-place scaling by `clipCoefficient`. Returns the pre-clip norm.
@inlinable
@discardableResult
public func clipByGlobalNorm<S: BLASScalar>(_ buffers: [(UnsafeMutablePointer<S>, Int)], maxNorm: Double?) -> Double {
    var ss = 0.0
    for (p, n) in buffers { ss += sumOfSquares(p, count: n) }
    let norm = ss.squareRoot()
    if let maxNorm {
        let c = clipCoefficient(norm: norm, maxNorm: maxNorm)
        if c < 1 { for (p, n) in buffers { scal(n, alpha: S(c), x: p) } }
    }
    return norm
}
