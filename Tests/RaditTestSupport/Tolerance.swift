import XCTest

/// Named tolerances; tests say which one they mean instead of a bare number.
public enum Tolerance {
    /// Bit-for-bit.
    public static let exact = 0.0
    /// Fast Float32 kernel against its naive Float32 twin (reassociation only).
    public static let float32 = 1e-5
    /// Float32 against a reference computed elsewhere (numpy, PyTorch) through many layers.
    public static let loose = 1e-3
    /// Double kernels against each other where only summation order differs
    /// (e.g. backward twice against twice the gradient).
    public static let float64 = 1e-12
    /// Central finite differences in Double against an analytic gradient (relative error).
    public static let gradient = 1e-6
}

/// Asserts `actual ≈ expected` elementwise with `|a - e| ≤ tol · max(1, |e|)`; on failure
/// reports the first bad index, expected, actual and the limit.
public func assertClose<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: [A], _ expected: [E], tolerance: Double, _ what: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("\(what): count \(actual.count) ≠ expected \(expected.count)", file: file, line: line)
        return
    }
    var worst = 0.0
    var worstIndex = -1
    for i in 0..<actual.count {
        let a = Double(actual[i]), e = Double(expected[i])
        let limit = tolerance * max(1, abs(e))
        let err = abs(a - e)
        if !(err <= limit) {
            let excess = err.isNaN ? .infinity : err / max(limit, .leastNonzeroMagnitude)
            if excess > worst || worstIndex < 0 { worst = excess; worstIndex = i }
        }
    }
    if worstIndex >= 0 {
        let a = Double(actual[worstIndex]), e = Double(expected[worstIndex])
        XCTFail("\(what): index \(worstIndex) expected \(e) actual \(a) |diff| \(abs(a - e)) limit \(tolerance * max(1, abs(e)))",
                file: file, line: line)
    }
}

public func assertClose<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: A, _ expected: E, tolerance: Double, _ what: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    assertClose([actual], [expected], tolerance: tolerance, what, file: file, line: line)
}
