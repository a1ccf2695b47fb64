// Vectorised Float math for the fast kernels: 8-lane `exp` (Cephes `expf` polynomial,
// ~2 ulp on [−87, 88], exact 0 below −87.3 so −∞ works as a mask, saturating at e⁸⁸
// above 88 — kernels only feed it shifted logits ≤ 0 or sigmoid/tanh arguments, where
// saturation gives the exact Float result) and `erf` (Numerical
// Recipes `erfcc` Chebyshev fit, |error| < 1.2e−7), plus row reductions built on them.
// libm's scalar expf/erff cost ~10× more per element and dominate softmax over a
// 49152-token vocabulary, SiLU and GELU. Double paths (gradient checks) stay on libm.

@usableFromInline typealias Vec = SIMD8<Float>

@inlinable @inline(__always)
func loadVec(_ p: UnsafePointer<Float>) -> Vec {
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
}

@inlinable @inline(__always)
func storeVec(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
}

/// `e^x` lane-wise: x = n ln2 + r, |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2^n built
/// in the exponent bits.
@inlinable @inline(__always)
func expVec(_ x: Vec) -> Vec {
    // Compare-and-select rather than `clamped`/`pointwiseMax`, which Swift lowers to
    // per-lane scalar code with NaN checks.
    let lo = Vec(repeating: -87.33654), hi = Vec(repeating: 88)
    let underflow = x .< lo
    var xc = x.replacing(with: lo, where: underflow)
    xc = xc.replacing(with: hi, where: xc .> hi)
    // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick: its low mantissa bits hold n.
    let magic = Vec(repeating: 12_582_912)
    let t = xc * Vec(repeating: 1.442_695_04) + magic
    let n = t - magic
    var r = xc - n * Vec(repeating: 0.693_359_375)
    r = r - n * Vec(repeating: -2.121_944_4e-4)
    var p = Vec(repeating: 1.987_569_15e-4)
    p = p * r + Vec(repeating: 1.398_199_95e-3)
    p = p * r + Vec(repeating: 8.333_451_9e-3)
    p = p * r + Vec(repeating: 4.166_579_59e-2)
    p = p * r + Vec(repeating: 1.666_666_55e-1)
    p = p * r + Vec(repeating: 5.000_000_12e-1)
    let y = p * r * r + r + Vec(repeating: 1)
    let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- SIMD8<UInt32>(repeating: 0x4B40_0000)
    let scale = unsafeBitCast((bits &+ SIMD8<UInt32>(repeating: 127)) &<< SIMD8<UInt32>(repeating: 23), to: Vec.self)
    return (y * scale).replacing(with: 0, where: underflow)
}

/// Scalar `e^x` by the same polynomial (tails of rows shorter than 8).
@inlinable @inline(__always)
func expScalar(_ x: Float) -> Float {
    expVec(Vec(repeating: x))[0]
}

/// `erf(x)` lane-wise: `1 − erfc(|x|)` with Numerical Recipes' erfcc, sign restored.
@inlinable @inline(__always)
func erfVec(_ x: Vec) -> Vec {
    let z = x.replacing(with: -x, where: x .< 0)
    let t = 1 / (1 + 0.5 * z)
    var p = Vec(repeating: 0.170_872_77)
    p = p * t + Vec(repeating: -0.822_152_23)
    p = p * t + Vec(repeating: 1.488_515_87)
    p = p * t + Vec(repeating: -1.135_203_98)
    p = p * t + Vec(repeating: 0.278_868_07)
    p = p * t + Vec(repeating: -0.186_288_06)
    p = p * t + Vec(repeating: 0.096_784_18)
    p = p * t + Vec(repeating: 0.374_091_96)
    p = p * t + Vec(repeating: 1.000_023_68)
    p = p * t + Vec(repeating: -1.265_512_23)
    let erfc = t * expVec(-z * z + p)
    let e = 1 - erfc
    return e.replacing(with: -e, where: x .< 0)
}

/// Largest of `count` values (−∞ for none).
@inlinable
func maxFloat(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var i = 0
    var m = -Float.infinity
    if count >= 8 {
        var mv = loadVec(x)
        i = 8
        while i + 8 <= count {
            let v = loadVec(x + i)
            mv = mv.replacing(with: v, where: v .> mv)
            i += 8
        }
        m = mv.max()
    }
    while i < count { m = Swift.max(m, x[i]); i += 1 }
    return m
}

/// `out[i] = e^(x[i] − shift)`; returns `Σ out` (`out` may equal `x`; `out` nil = sum only).
@inlinable
func expShiftedSum(_ out: UnsafeMutablePointer<Float>?, _ x: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
    var acc = Vec(repeating: 0)
    let s = Vec(repeating: shift)
    var i = 0
    while i + 8 <= count {
        let e = expVec(loadVec(x + i) - s)
        if let out { storeVec(e, out + i) }
        acc += e
        i += 8
    }
    var sum = acc.sum()
    while i < count {
        let e = expScalar(x[i] - shift)
        out?[i] = e
        sum += e
        i += 1
    }
    return sum
}

/// `x[i] *= a` over `count` values.
@inlinable
func scaleFloat(_ x: UnsafeMutablePointer<Float>, count: Int, by a: Float) {
    var i = 0
    let av = Vec(repeating: a)
    while i + 8 <= count { storeVec(loadVec(x + i) * av, x + i); i += 8 }
    while i < count { x[i] *= a; i += 1 }
}

/// Rebinds a generic pointer when `S` is Float (the branch folds away after specialisation).
@inlinable @inline(__always)
func asFloat<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inlinable @inline(__always)
func asFloat<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// Loads `n ≤ 8` values (zeros beyond); full vectors take the unaligned load.
@inlinable @inline(__always)
func loadPartial(_ p: UnsafePointer<Float>, _ n: Int) -> Vec {
    if n >= 8 { return loadVec(p) }
    var v = Vec(repeating: 0)
    for i in 0..<n { v[i] = p[i] }
    return v
}

/// Stores the first `n ≤ 8` lanes.
@inlinable @inline(__always)
func storePartial(_ v: Vec, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n >= 8 { storeVec(v, p); return }
    for i in 0..<n { p[i] = v[i] }
}
