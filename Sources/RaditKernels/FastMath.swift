import RaditSIMD

// Float fast paths of the kernels go to RaditSIMD's C kernels, compiled per vector width
// and chosen at start-up (see `SIMDPath`). Double paths (gradient checks) stay in Swift
// on libm; every fast kernel keeps a naive twin.

/// Largest of `count` values (−∞ for none).
@inlinable
func maxFloat(_ x: UnsafePointer<Float>, count: Int) -> Float {
    radit_max(x, count)
}

/// `out[i] = e^(x[i] − shift)`; returns `Σ out` (`out` may equal `x`; `out` nil = sum only).
@inlinable
func expShiftedSum(_ out: UnsafeMutablePointer<Float>?, _ x: UnsafePointer<Float>, count: Int, shift: Float) -> Float {
    radit_exp_shifted_sum(out, x, count, shift)
}

/// `x[i] *= a` over `count` values.
@inlinable
func scaleFloat(_ x: UnsafeMutablePointer<Float>, count: Int, by a: Float) {
    radit_scale(x, count, a)
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
