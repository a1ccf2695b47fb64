import RaditSIMD

/// Inner product of two Float vectors of length n, at the CPU's vector width (RaditSIMD).
@inline(__always)
func innerProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    radit_dot(a, b, n)
}

/// Squared Euclidean distance of two Float vectors of length n (RaditSIMD).
@inline(__always)
func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    radit_l2sq(a, b, n)
}

/// `similarity` of q to four vectors at once (q's loads shared), into `out[0…3]`.
@inline(__always)
func similarity4(_ metric: VectorMetric, _ out: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>,
                 _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>, _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>,
                 _ n: Int) {
    if metric == .innerProduct {
        radit_dot4(out, q, b0, b1, b2, b3, n)
    } else {
        radit_l2sq4(out, q, b0, b1, b2, b3, n)
        for j in 0..<4 { out[j] = -out[j] }
    }
}

/// Naive twin of `innerProduct`, summed in Double.
func innerProductNaive(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
    var s = 0.0
    for i in 0..<n { s += Double(a[i]) * Double(b[i]) }
    return s
}

/// Naive twin of `squaredDistance`, summed in Double.
func squaredDistanceNaive(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
    var s = 0.0
    for i in 0..<n { let d = Double(a[i]) - Double(b[i]); s += d * d }
    return s
}

/// Similarity with "larger is closer" for both metrics: q·x, or −‖q − x‖².
@inline(__always)
func similarity(_ metric: VectorMetric, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    metric == .innerProduct ? innerProduct(a, b, n) : -squaredDistance(a, b, n)
}
