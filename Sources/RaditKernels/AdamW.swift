import RaditSIMD
import RaditTensor

/// AdamW hyper-parameters (Loshchilov & Hutter 2019, decoupled weight decay), PyTorch
/// defaults except `weightDecay` (nanoGPT-style 0.1 is a common choice).
public struct AdamWConfig: Sendable, Equatable {
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    /// Decoupled decay coefficient λ, applied only to parameters whose `weightDecay` flag is set.
    public var weightDecay: Double

    public init(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }
}

/// One AdamW update of `count` parameters, exactly PyTorch `torch.optim.AdamW`
/// (non-amsgrad, non-fused) at 1-based step `t`:
/// ```
/// p ← p − lr·λ·p                      (decoupled decay; λ = 0 to skip)
/// m ← β1 m + (1 − β1) g
/// v ← β2 v + (1 − β2) g²
/// p ← p − lr · m̂ / (√v̂ + eps),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
/// ```
@inlinable
public func adamWUpdate<S: BLASScalar>(
    params: UnsafeMutablePointer<S>, grads: UnsafePointer<S>,
    m: UnsafeMutablePointer<S>, v: UnsafeMutablePointer<S>, count: Int,
    lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, step: Int
) {
    precondition(step >= 1, "adamWUpdate: step is 1-based, got \(step)")
    let bc1 = 1 - Double.pow(beta1, Double(step))
    let bc2 = 1 - Double.pow(beta2, Double(step))
    // p −= (lr/bc1) · m / (√v/√bc2 + eps): PyTorch's arrangement of the same formula.
    let decay = S(1 - lr * weightDecay)
    let stepSize = S(lr / bc1)
    let invSqrtBc2 = S(1 / bc2.squareRoot())
    if S.self == Float.self {
        radit_adamw(asFloat(params), asFloat(grads), asFloat(m), asFloat(v), count, Float(decay), Float(stepSize),
                    Float(invSqrtBc2), Float(beta1), Float(beta2), Float(eps))
        return
    }
    let b1 = S(beta1), b2 = S(beta2), e = S(eps)
    let c1 = 1 - b1, c2 = 1 - b2
    for i in 0..<count {
        let g = grads[i]
        let mi = b1 * m[i] + c1 * g
        let vi = b2 * v[i] + c2 * g * g
        m[i] = mi
        v[i] = vi
        params[i] = params[i] * decay - stepSize * mi / (vi.squareRoot() * invSqrtBc2 + e)
    }
}

/// Naive twin of `adamWUpdate`: the textbook form, every term computed in Double.
@inlinable
public func adamWUpdateNaive<S: BLASScalar>(
    params: UnsafeMutablePointer<S>, grads: UnsafePointer<S>,
    m: UnsafeMutablePointer<S>, v: UnsafeMutablePointer<S>, count: Int,
    lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, step: Int
) {
    for i in 0..<count {
        var p = Double(params[i])
        let g = Double(grads[i])
        p -= lr * weightDecay * p
        let mi = beta1 * Double(m[i]) + (1 - beta1) * g
        let vi = beta2 * Double(v[i]) + (1 - beta2) * g * g
        let mHat = mi / (1 - Double.pow(beta1, Double(step)))
        let vHat = vi / (1 - Double.pow(beta2, Double(step)))
        p -= lr * mHat / (vHat.squareRoot() + eps)
        params[i] = S(p)
        m[i] = S(mi)
        v[i] = S(vi)
    }
}
