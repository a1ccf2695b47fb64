import RaditSIMD
import RaditTensor

/// Cross-entropy from logits with an ignore mask: a negative target (PyTorch uses −100)
/// marks a row that contributes nothing (loss 0, gradient 0).
///
/// `logits (N, V)`, `targets (N)` in `0..<V` or negative. Writes the per-row loss
/// `−log softmax(logits)[target]` into `losses (N)` when given (0 for ignored rows; the
/// negated values are the token log-probabilities used for scoring `log p(y | c∘x)`).
/// Returns the mean over non-ignored rows (0 when all are ignored) and their count.
@inlinable
@discardableResult
public func crossEntropyForward<S: BLASScalar>(
    losses: UnsafeMutablePointer<S>?, logits: UnsafePointer<S>, targets: UnsafePointer<Int32>,
    rows: Int, vocab: Int
) -> (mean: S, counted: Int) {
    var total = 0.0   // Double: the mean over many tokens should not drift
    var counted = 0
    for r in 0..<rows {
        let t = Int(targets[r])
        guard t >= 0 else { losses?[r] = 0; continue }
        precondition(t < vocab, "crossEntropyForward: target \(t) at row \(r) outside 0..<\(vocab)")
        let x = logits + r * vocab
        let l = logSumExp(x, count: vocab) - x[t]
        losses?[r] = l
        total += Double(l)
        counted += 1
    }
    return (counted > 0 ? S(total / Double(counted)) : 0, counted)
}

/// Backward of the mean returned by `crossEntropyForward`:
/// `dLogits[r] += dLoss / counted · (softmax(logits[r]) − onehot(target[r]))` for every
/// non-ignored row. Softmax is recomputed from the logits (no (N, V) buffer is saved).
/// For gradient accumulation over micro-batches scale `dLoss` by `counted / totalCounted`.
@inlinable
public func crossEntropyBackward<S: BLASScalar>(
    dLogits: UnsafeMutablePointer<S>, logits: UnsafePointer<S>, targets: UnsafePointer<Int32>,
    rows: Int, vocab: Int, dLoss: S
) {
    var counted = 0
    for r in 0..<rows where targets[r] >= 0 { counted += 1 }
    if counted == 0 { return }
    let g = dLoss / S(counted)
    for r in 0..<rows {
        let t = Int(targets[r])
        guard t >= 0 else { continue }
        precondition(t < vocab, "crossEntropyBackward: target \(t) at row \(r) outside 0..<\(vocab)")
        let x = logits + r * vocab, dx = dLogits + r * vocab
        let lse = logSumExp(x, count: vocab)
        if S.self == Float.self {
            radit_exp_shifted_axpy(asFloat(dx), asFloat(x), vocab, Float(lse), Float(g))
        } else {
            for c in 0..<vocab { dx[c] += g * S.exp(x[c] - lse) }
        }
        dx[t] -= g
    }
}

/// Naive twin of `crossEntropyForward` (log-softmax of each row in Double).
@inlinable
@discardableResult
public func crossEntropyForwardNaive<S: BLASScalar>(
    losses: UnsafeMutablePointer<S>?, logits: UnsafePointer<S>, targets: UnsafePointer<Int32>,
    rows: Int, vocab: Int
) -> (mean: S, counted: Int) {
    var total = 0.0, counted = 0
    var logp = [Double](repeating: 0, count: vocab)
    for r in 0..<rows {
        let t = Int(targets[r])
        if t < 0 { losses?[r] = 0; continue }
        let row = (0..<vocab).map { Double(logits[r * vocab + $0]) }
        logSoftmaxForwardNaive(out: &logp, input: row, rows: 1, cols: vocab)
        losses?[r] = S(-logp[t])
        total += -logp[t]
        counted += 1
    }
    return (counted > 0 ? S(total / Double(counted)) : 0, counted)
}

/// Naive twin of `crossEntropyBackward`.
@inlinable
public func crossEntropyBackwardNaive<S: BLASScalar>(
    dLogits: UnsafeMutablePointer<S>, logits: UnsafePointer<S>, targets: UnsafePointer<Int32>,
    rows: Int, vocab: Int, dLoss: S
) {
    let counted = (0..<rows).filter { targets[$0] >= 0 }.count
    var p = [Double](repeating: 0, count: vocab)
    for r in 0..<rows where targets[r] >= 0 {
        let row = (0..<vocab).map { Double(logits[r * vocab + $0]) }
        softmaxForwardNaive(out: &p, input: row, rows: 1, cols: vocab)
        for c in 0..<vocab {
            let onehot: Double = c == Int(targets[r]) ? 1 : 0
            dLogits[r * vocab + c] += dLoss * S((p[c] - onehot) / Double(counted))
        }
    }
}
