/// Inner product of two Float vectors of length n, 16 lanes at a time (two SIMD8
/// accumulators keep the adds independent).
@inline(__always)
func innerProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        acc1 += ra.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
        i += 16
    }
    var s = (acc0 + acc1).sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// Squared Euclidean distance of two Float vectors of length n.
@inline(__always)
func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        let d0 = ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let d1 = ra.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
        acc0 += d0 * d0
        acc1 += d1 * d1
        i += 16
    }
    var s = (acc0 + acc1).sum()
    while i < n { let t = a[i] - b[i]; s += t * t; i += 1 }
    return s
}

/// Similarity with "larger is closer" for both metrics: q·x, or −‖q − x‖².
@inline(__always)
func similarity(_ metric: VectorMetric, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    metric == .innerProduct ? innerProduct(a, b, n) : -squaredDistance(a, b, n)
}
