import RaditTensor

/// Masked mean pooling over time (sentence-transformers' `mean` pooling):
/// `out (B, C) = Σ_t mask_bt · x_btc / Σ_t mask_bt`, `input (B, T, C)`, `mask (B, T)`
/// with 1 = token, 0 = padding; nil mask = all tokens. A row with no token gives zeros.
@inlinable
public func meanPoolForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, mask: UnsafePointer<UInt8>?,
    batch: Int, seqLen: Int, dim: Int
) {
    for b in 0..<batch {
        let y = out + b * dim
        y.update(repeating: 0, count: dim)
        var n = 0
        for t in 0..<seqLen where mask.map({ $0[b * seqLen + t] != 0 }) ?? true {
            axpy(dim, alpha: 1, x: input + (b * seqLen + t) * dim, y: y)
            n += 1
        }
        if n > 0 { scal(dim, alpha: 1 / S(n), x: y) }
    }
}

/// Backward of `meanPoolForward`: `dInput[b, t] += mask_bt · dOut[b] / Σ_t mask_bt`.
@inlinable
public func meanPoolBackward<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, mask: UnsafePointer<UInt8>?,
    batch: Int, seqLen: Int, dim: Int
) {
    for b in 0..<batch {
        var n = 0
        for t in 0..<seqLen where mask.map({ $0[b * seqLen + t] != 0 }) ?? true { n += 1 }
        if n == 0 { continue }
        let w = 1 / S(n)
        for t in 0..<seqLen where mask.map({ $0[b * seqLen + t] != 0 }) ?? true {
            axpy(dim, alpha: w, x: dOut + b * dim, y: dInput + (b * seqLen + t) * dim)
        }
    }
}

/// Naive twin of `meanPoolForward`.
@inlinable
public func meanPoolForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, input: UnsafePointer<S>, mask: UnsafePointer<UInt8>?,
    batch: Int, seqLen: Int, dim: Int
) {
    for b in 0..<batch {
        for c in 0..<dim {
            var s: S = 0, n: S = 0
            for t in 0..<seqLen {
                let m: S = (mask?[b * seqLen + t] ?? 1) != 0 ? 1 : 0
                s += m * input[(b * seqLen + t) * dim + c]
                n += m
            }
            out[b * dim + c] = n > 0 ? s / n : 0
        }
    }
}

/// Naive twin of `meanPoolBackward`.
@inlinable
public func meanPoolBackwardNaive<S: BLASScalar>(
    dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, mask: UnsafePointer<UInt8>?,
    batch: Int, seqLen: Int, dim: Int
) {
    for b in 0..<batch {
        var n: S = 0
        for t in 0..<seqLen where (mask?[b * seqLen + t] ?? 1) != 0 { n += 1 }
        for t in 0..<seqLen {
            let m: S = (mask?[b * seqLen + t] ?? 1) != 0 ? 1 : 0
            for c in 0..<dim where n > 0 { dInput[(b * seqLen + t) * dim + c] += m * dOut[b * dim + c] / n }
        }
    }
}
