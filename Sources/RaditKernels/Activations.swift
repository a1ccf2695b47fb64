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
        geluForwardFloat(asFloat(out), asFloat(input), count, approximation)
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
        geluBackwardFloat(asFloat(dInput), asFloat(dOut), asFloat(input), count, approximation)
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
        let o = asFloat(out), x = asFloat(input)
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let v = loadPartial(x + i, n)
            storePartial(v / (1 + expVec(-v)), o + i, n)
            i += 8
        }
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
        let dx = asFloat(dInput), g = asFloat(dOut), xs = asFloat(input)
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let x = loadPartial(xs + i, n)
            let s = 1 / (1 + expVec(-x))
            storePartial(loadPartial(dx + i, n) + loadPartial(g + i, n) * s * (1 + x * (1 - s)), dx + i, n)
            i += 8
        }
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
        let o = asFloat(out), gs = asFloat(gate), us = asFloat(up)
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let g = loadPartial(gs + i, n)
            storePartial(g / (1 + expVec(-g)) * loadPartial(us + i, n), o + i, n)
            i += 8
        }
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
    if S.self == Float.self, let dGate, let dUp {
        let dg = asFloat(dGate), du = asFloat(dUp), d = asFloat(dOut), gs = asFloat(gate), us = asFloat(up)
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let g = loadPartial(gs + i, n), dy = loadPartial(d + i, n)
            let s = 1 / (1 + expVec(-g))
            storePartial(loadPartial(du + i, n) + dy * g * s, du + i, n)
            storePartial(loadPartial(dg + i, n) + dy * loadPartial(us + i, n) * s * (1 + g * (1 - s)), dg + i, n)
            i += 8
        }
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

/// Float fast path of `geluForward`: tanh through the vector exp
/// (`tanh u = 1 − 2 / (1 + e^{2u})`), erf through `erfVec`.
@inlinable
func geluForwardFloat(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ count: Int,
                      _ approximation: GeluApproximation) {
    let one = Vec(repeating: 1), two = Vec(repeating: 2), half = Vec(repeating: 0.5)
    let k = Vec(repeating: Float(geluTanhK)), c = Vec(repeating: 0.044715), r = Vec(repeating: Float(invSqrt2))
    @inline(__always) func tanhForm(_ x: Vec) -> Vec {
        let u: Vec = k * (x + c * x * x * x)
        let t: Vec = one - two / (one + expVec(two * u))
        return half * x * (one + t)
    }
    @inline(__always) func erfForm(_ x: Vec) -> Vec {
        half * x * (one + erfVec(x * r))
    }
    var i = 0
    switch approximation {
    case .tanh:
        while i + 8 <= count { storeVec(tanhForm(loadVec(input + i)), out + i); i += 8 }
        if i < count { storePartial(tanhForm(loadPartial(input + i, count - i)), out + i, count - i) }
    case .exact:
        while i + 8 <= count { storeVec(erfForm(loadVec(input + i)), out + i); i += 8 }
        if i < count { storePartial(erfForm(loadPartial(input + i, count - i)), out + i, count - i) }
    }
}

/// Float fast path of `geluBackward`.
@inlinable
func geluBackwardFloat(_ dInput: UnsafeMutablePointer<Float>, _ dOut: UnsafePointer<Float>, _ input: UnsafePointer<Float>,
                       _ count: Int, _ approximation: GeluApproximation) {
    let one = Vec(repeating: 1), two = Vec(repeating: 2), half = Vec(repeating: 0.5)
    let k = Vec(repeating: Float(geluTanhK)), c = Vec(repeating: 0.044715), c3 = Vec(repeating: 3 * 0.044715)
    let r = Vec(repeating: Float(invSqrt2)), p = Vec(repeating: Float(invSqrt2Pi))
    @inline(__always) func tanhDerivative(_ x: Vec) -> Vec {
        let x2: Vec = x * x
        let u: Vec = k * (x + c * x2 * x)
        let t: Vec = one - two / (one + expVec(two * u))
        let left: Vec = half * (one + t)
        let sech2: Vec = one - t * t
        let inner: Vec = k * (one + c3 * x2)
        return left + half * x * sech2 * inner
    }
    @inline(__always) func erfDerivative(_ x: Vec) -> Vec {
        let cdf: Vec = half * (one + erfVec(x * r))
        let pdf: Vec = p * expVec(-half * x * x)
        return cdf + x * pdf
    }
    @inline(__always) func step(_ i: Int, _ n: Int) {
        let x = loadPartial(input + i, n)
        let d: Vec = approximation == .tanh ? tanhDerivative(x) : erfDerivative(x)
        let g: Vec = loadPartial(dOut + i, n) * d
        storePartial(loadPartial(dInput + i, n) + g, dInput + i, n)
    }
    var i = 0
    while i + 8 <= count { step(i, 8); i += 8 }
    if i < count { step(i, count - i) }
}
