import RaditTensor
import XCTest

/// Central finite-difference gradient check in Double.
///
/// `loss(x)` must be a scalar function of the flat parameter vector (tests build it as a
/// random projection `L = Σ out ⊙ r`). Each coordinate is perturbed by ±h and the numeric
/// derivative compared to `analytic` with relative error `|a − n| / max(|a| + |n|, floor)`.
public func checkGradient(
    _ name: String, at x: [Double], analytic: [Double], h: Double = 1e-5,
    tolerance: Double = Tolerance.gradient, floor: Double = 1e-7,
    file: StaticString = #filePath, line: UInt = #line,
    loss: ([Double]) -> Double
) {
    precondition(x.count == analytic.count, "checkGradient(\(name)): \(x.count) values, \(analytic.count) gradients")
    var probe = x
    var worst = (index: -1, rel: 0.0, numeric: 0.0)
    for i in 0..<x.count {
        probe[i] = x[i] + h
        let up = loss(probe)
        probe[i] = x[i] - h
        let down = loss(probe)
        probe[i] = x[i]
        let numeric = (up - down) / (2 * h)
        let rel = abs(analytic[i] - numeric) / max(abs(analytic[i]) + abs(numeric), floor)
        if rel > worst.rel || worst.index < 0 { worst = (i, rel, numeric) }
    }
    if worst.index >= 0 && !(worst.rel < tolerance) {
        XCTFail("gradient \(name): index \(worst.index) analytic \(analytic[worst.index]) numeric \(worst.numeric) relative error \(worst.rel) limit \(tolerance)",
                file: file, line: line)
    }
}

/// A fixed random projection vector for `L = Σ out ⊙ r`.
public func projection(_ count: Int, seed: UInt64) -> [Double] {
    var rng = RandomSource(seed: seed)
    return (0..<count).map { _ in rng.uniform(-1, 1) }
}
