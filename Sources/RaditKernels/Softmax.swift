import RaditSIMD
import RaditTensor

/// Row-wise softmax: `out (N, C) = exp(x − max) / Σ exp(x − max)`. `out` may equal `input`.
@inlinable
public func softmaxForward<S: BLASScalar>(out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, rows: Int, cols: Int) {
    if S.self == Float.self {
        radit_softmax_rows(asFloat(out), asFloat(input), rows, cols)
        return
    }
    for r in 0..<rows {
        let x = input + r * cols, y = out + r * cols
        var m = -S.infinity
        for c in 0..<cols where x[c] > m { m = x[c] }
        var sum: S = 0
        for c in 0..<cols {
            let e = S.exp(x[c] - m)
            y[c] = e
            sum += e
        }
        let inv = 1 / sum
        for c in 0..<cols { y[c] *= inv }
    }
}

/// Backward of `softmaxForward` from its output `y`: `dx += y ⊙ (dy − Σ y dy)`.
@inlinable
public func softmaxBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, out: UnsafePointer<S>, rows: Int, cols: Int
) {
    for r in 0..<rows {
        let y = out + r * cols, g = dOut + r * cols, dx = dInput + r * cols
        var s: S = 0
        for c in 0..<cols { s += y[c] * g[c] }
        for c in 0..<cols { dx[c] += y[c] * (g[c] - s) }
    }
}

/// Row-wise log-softmax: `out (N, C) = x − max − log Σ exp(x − max)`. `out` may equal `input`.
@inlinable
public func logSoftmaxForward<S: BLASScalar>(out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, rows: Int, cols: Int) {
    for r in 0..<rows {
        let x = input + r * cols, y = out + r * cols
        let lse = logSumExp(x, count: cols)
        for c in 0..<cols { y[c] = x[c] - lse }
    }
}

/// Backward of `logSoftmaxForward` from its output `y`: `dx += dy − exp(y) Σ dy`.
@inlinable
public func logSoftmaxBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, out: UnsafePointer<S>, rows: Int, cols: Int
) {
    for r in 0..<rows {
        let y = out + r * cols, g = dOut + r * cols, dx = dInput + r * cols
        var s: S = 0
        for c in 0..<cols { s += g[c] }
        if S.self == Float.self {
            for c in 0..<cols { dx[c] += g[c] }
            radit_exp_shifted_axpy(asFloat(dx), asFloat(y), cols, 0, -Float(s))
            continue
        }
        for c in 0..<cols { dx[c] += g[c] - S.exp(y[c]) * s }
    }
}

/// Stable `log Σ exp(x_i)` of one row; −∞ for an empty row.
@inlinable
public func logSumExp<S: BLASScalar>(_ x: UnsafePointer<S>, count: Int) -> S {
    if S.self == Float.self {
        let xf = asFloat(x)
        let m = maxFloat(xf, count: count)
        if m == -Float.infinity { return S(m) }
        return S(m + Float.log(expShiftedSum(nil, xf, count: count, shift: m)))
    }
    var m = -S.infinity
    for c in 0..<count where x[c] > m { m = x[c] }
    if m == -S.infinity { return m }
    var sum: S = 0
    for c in 0..<count { sum += S.exp(x[c] - m) }
    return m + S.log(sum)
}

/// Naive twin of `softmaxForward` (computed in Double).
@inlinable
public func softmaxForwardNaive<S: BLASScalar>(out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, rows: Int, cols: Int) {
    for r in 0..<rows {
        var m = -Double.infinity
        for c in 0..<cols { m = max(m, Double(input[r * cols + c])) }
        var sum = 0.0
        for c in 0..<cols { sum += Double.exp(Double(input[r * cols + c]) - m) }
        for c in 0..<cols { out[r * cols + c] = S(Double.exp(Double(input[r * cols + c]) - m) / sum) }
    }
}

/// Naive twin of `softmaxBackward`: full Jacobian `∂y_i/∂x_j = y_i (δ_ij − y_j)`.
@inlinable
public func softmaxBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, out: UnsafePointer<S>, rows: Int, cols: Int
) {
    for r in 0..<rows {
        for j in 0..<cols {
            var s: S = 0
            for i in 0..<cols {
                let yi = out[r * cols + i], yj = out[r * cols + j]
                s += dOut[r * cols + i] * yi * ((i == j ? 1 : 0) - yj)
            }
            dInput[r * cols + j] += s
        }
    }
}

/// Naive twin of `logSoftmaxForward` (computed in Double).
@inlinable
public func logSoftmaxForwardNaive<S: BLASScalar>(out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, rows: Int, cols: Int) {
    for r in 0..<rows {
        var m = -Double.infinity
        for c in 0..<cols { m = max(m, Double(input[r * cols + c])) }
        var sum = 0.0
        for c in 0..<cols { sum += Double.exp(Double(input[r * cols + c]) - m) }
        for c in 0..<cols { out[r * cols + c] = S(Double(input[r * cols + c]) - m - Double.log(sum)) }
    }
}

/// Naive twin of `logSoftmaxBackward`: full Jacobian `∂y_i/∂x_j = δ_ij − softmax_j`.
@inlinable
public func logSoftmaxBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, out: UnsafePointer<S>, rows: Int, cols: Int
) {
    for r in 0..<rows {
        for j in 0..<cols {
            var s: S = 0
            for i in 0..<cols {
                s += dOut[r * cols + i] * ((i == j ? 1 : 0) - S.exp(out[r * cols + j]))
            }
            dInput[r * cols + j] += s
        }
    }
}
