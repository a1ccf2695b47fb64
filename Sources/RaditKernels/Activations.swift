import RaditSIMD
import RaditTensor

/// Which GELU (Hendrycks & Gimpel 2016) formula to use.
public enum GeluApproximation: Sendable, Equatable {
    /// `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))` — GPT-2, PyTorch `approximate="tanh"`.
    case tanh
    /// `0.5 x (1 + erf(x/√2))` — BERT/MiniLM, PyTorch default `approximate="none"`.
    case exact
}

@usableFromInline let geluTanhK = 0.7978845608028654   // √(2/π)
@usableFromInline let invSqrt2 = 0.7071067811865476     // 1/√2
@usableFromInline let invSqrt2Pi = 0.3989422804014327   // 1/√(2π)

/// GELU elementwise over `count` values: `out = gelu(input)`. `out` may equal `input`.
@inlinable
public func geluForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, count: Int, approximation: GeluApproximation
) {
    if S.self == Float.self {
        radit_gelu_forward(asFloat(out), asFloat(input), count, approximation == .exact ? 1 : 0)
        return
    }
    switch approximation {
    case .tanh:
        let k = S(geluTanhK), c: S = 0.044715
        for i in 0..<count {
            let x = input[i]
            out[i] = 0.5 * x * (1 + S.tanh(k * (x + c * x * x * x)))
        }
    case .exact:
        let r = S(invSqrt2)
        for i in 0..<count {
            let x = input[i]
            out[i] = 0.5 * x * (1 + S.erf(x * r))
        }
    }
}

/// Backward of `geluForward`; adds `dOut · gelu′(input)` into `dInput`.
@inlinable
public func geluBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, input: UnsafePointer<S>,
    count: Int, approximation: GeluApproximation
) {
    if S.self == Float.self {
        radit_gelu_backward(asFloat(dInput), asFloat(dOut), asFloat(input), count, approximation == .exact ? 1 : 0)
        return
    }
    switch approximation {
    case .tanh:
        let k = S(geluTanhK), c: S = 0.044715
        for i in 0..<count {
            let x = input[i]
            let t = S.tanh(k * (x + c * x * x * x))
            let d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x)
            dInput[i] += dOut[i] * d
        }
    case .exact:
        let r = S(invSqrt2), p = S(invSqrt2Pi)
        for i in 0..<count {
            let x = input[i]
            let d = 0.5 * (1 + S.erf(x * r)) + x * p * S.exp(-0.5 * x * x)
            dInput[i] += dOut[i] * d
        }
    }
}

/// Naive twin of `geluForward`.
@inlinable
public func geluForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, count: Int, approximation: GeluApproximation
) {
    for i in 0..<count {
        let x = Double(input[i])
        switch approximation {
        case .tanh: out[i] = S(0.5 * x * (1 + Double.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * Double.pow(x, 3)))))
        case .exact: out[i] = S(0.5 * x * (1 + Double.erf(x / 2.0.squareRoot())))
        }
    }
}

/// Naive twin of `geluBackward`.
@inlinable
public func geluBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, input: UnsafePointer<S>,
    count: Int, approximation: GeluApproximation
) {
    for i in 0..<count {
        let x = Double(input[i])
        let d: Double
        switch approximation {
        case .tanh:
            let k = (2 / Double.pi).squareRoot()
            let u = k * (x + 0.044715 * Double.pow(x, 3))
            let t = Double.tanh(u)
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        case .exact:
            d = 0.5 * (1 + Double.erf(x / 2.0.squareRoot())) + x * Double.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
        }
        dInput[i] += dOut[i] * S(d)
    }
}

/// SiLU / swish (Elfwing et al. 2017): `out = x · σ(x)`. `out` may equal `input`.
@inlinable
public func siluForward<S: BLASScalar>(out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, count: Int) {
    if S.self == Float.self {
        radit_silu_forward(asFloat(out), asFloat(input), count)
        return
    }
    for i in 0..<count {
        let x = input[i]
        out[i] = x / (1 + S.exp(-x))
    }
}

/// Backward of `siluForward`: `dInput += dOut · σ(x) (1 + x (1 − σ(x)))`.
@inlinable
public func siluBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, input: UnsafePointer<S>, count: Int
) {
    if S.self == Float.self {
        radit_silu_backward(asFloat(dInput), asFloat(dOut), asFloat(input), count)
        return
    }
    for i in 0..<count {
        let x = input[i]
        let s = 1 / (1 + S.exp(-x))
        dInput[i] += dOut[i] * s * (1 + x * (1 - s))
    }
}

/// Naive twin of `siluForward`.
@inlinable
public func siluForwardNaive<S: BLASScalar>(out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, count: Int) {
    for i in 0..<count {
        let x = Double(input[i])
        out[i] = S(x * (1 / (1 + Double.exp(-x))))
    }
}

/// Naive twin of `siluBackward`.
@inlinable
public func siluBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, input: UnsafePointer<S>, count: Int
) {
    for i in 0..<count {
        let x = Double(input[i])
        let s = 1 / (1 + Double.exp(-x))
        dInput[i] += dOut[i] * S(s + x * s * (1 - s))
    }
}

/// SwiGLU gate (Shazeer 2020), Llama's MLP middle: `out (N, F) = silu(gate) ⊙ up`,
/// `gate`, `up` (N, F) contiguous, `count = N·F`.
@inlinable
public func swigluForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, gate: UnsafePointer<S>, up: UnsafePointer<S>, count: Int
) {
    if S.self == Float.self {
        radit_swiglu_forward(asFloat(out), asFloat(gate), asFloat(up), count)
        return
    }
    for i in 0..<count {
        let g = gate[i]
        out[i] = g / (1 + S.exp(-g)) * up[i]
    }
}

/// Backward of `swigluForward`; adds into `dGate` and `dUp` (either may be nil).
@inlinable
public func swigluBackward<S: BLASScalar>(
    dGate: UnsafeMutablePointer<S>?, dUp: UnsafeMutablePointer<S>?, dOut: UnsafePointer<S>,
    gate: UnsafePointer<S>, up: UnsafePointer<S>, count: Int
) {
    if S.self == Float.self {
        radit_swiglu_backward(dGate.map { asFloat($0) }, dUp.map { asFloat($0) }, asFloat(dOut), asFloat(gate), asFloat(up), count)
        return
    }
    for i in 0..<count {
        let g = gate[i]
        let s = 1 / (1 + S.exp(-g))
        dUp?[i] += dOut[i] * g * s
        dGate?[i] += dOut[i] * up[i] * s * (1 + g * (1 - s))
    }
}

/// Naive twin of `swigluForward` (composes the naive SiLU).
@inlinable
public func swigluForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, gate: UnsafePointer<S>, up: UnsafePointer<S>, count: Int
) {
    siluForwardNaive(out: out, input: gate, count: count)
    for i in 0..<count { out[i] *= up[i] }
}

/// Naive twin of `swigluBackward`.
@inlinable
public func swigluBackwardNaive<S: BLASScalar>(
    dGate: UnsafeMutablePointer<S>?, dUp: UnsafeMutablePointer<S>?, dOut: UnsafePointer<S>,
    gate: UnsafePointer<S>, up: UnsafePointer<S>, count: Int
) {
    for i in 0..<count {
        let g = Double(gate[i])
        let silu = g / (1 + Double.exp(-g))
        dUp?[i] += dOut[i] * S(silu)
        if let dGate {
            var one: S = 0
            siluBackwardNaive(dInput: &one, dOut: [dOut[i] * up[i]], input: [gate[i]], count: 1)
            dGate[i] += one
        }
    }
}
