import RaditTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the LM preference `g(x, y, c)` is before the temperature softmax (DESIGN.md §4).
public enum LSRScoreMode: String, Sendable, CaseIterable, Codable {
    /// `g = p_LM(y | c∘x)`, the raw probability (RA-DIT, REPLUG).
    case prob
    /// `g = Σ_t log p_LM(y_t | …)`, the sequence log-probability.
    case logprob
    /// `g = (1/|y|) Σ_t log p_LM(y_t | …)`, the mean token log-probability (Atlas PDist).
    case meanLogprob = "mean_logprob"
}

/// Which way the R-ft KL divergence points.
public enum KLDirection: String, Sendable, CaseIterable, Codable {
    /// `KL(p_LSR ‖ p_R)`: soft-target cross-entropy, as the Atlas and REPLUG code train.
    case targetToRetriever = "target_to_retriever"
    /// `KL(p_R ‖ p_LSR)`: RA-DIT Eq. 5 as written.
    case retrieverToTarget = "retriever_to_target"
}

/// A loss value with its gradient with respect to the K retriever scores `s(x, c)`.
public struct ScoreLoss<S: BLASScalar>: Sendable {
    public var value: S
    /// `∂L/∂s_c`, (K).
    public var dScores: [S]
    public init(value: S, dScores: [S]) { self.value = value; self.dScores = dScores }
}

/// `log softmax(z)` in Double, stable for any finite z (subtracts the max).
@usableFromInline func logSoftmax(_ z: [Double]) -> [Double] {
    guard let m = z.max() else { return [] }
    var sum = 0.0
    for v in z { sum += exp(v - m) }
    let lse = m + log(sum)
    return z.map { $0 - lse }
}

/// `log p_LSR(c | x, y) = log softmax_c(g_c / τ_LM)` over the K retrieved chunks.
///
/// `logProbs[c]` is `Σ_t log p_LM(y_t | c∘x)` and `answerTokens` is `|y|` (the same y for
/// every chunk). The target is a stop-gradient constant, so it is computed in Double.
///
/// Underflow in `prob` mode: the logits are `p_c / τ` with `p_c = exp(logp_c)`, and for a
/// long answer every `p_c` underflows (exp(−800) is 0 even in Double), which a naive
/// `softmax(exp(logp)/τ)` turns into a uniform target for the wrong reason and a
/// normalised `p_c / Σ p` turns into 0/0. Softmax only needs the differences to the
/// largest logit, `(p_c − p_max)/τ = p_max · expm1(logp_c − logp_max) / τ`, which is
/// computed from log-probabilities without forming any `p_c` alone: it is exact when
/// `p_max` is representable, and when even `p_max` underflows Double (logp < −745) every
/// difference is below 1e-300, so the exact target is uniform to that precision — the
/// formula's own answer, not an artefact. Such a target carries no signal; that is the
/// property of `prob` mode that `logprob` and `mean_logprob` exist to avoid.
public func lsrTargetLogProbabilities(logProbs: [Double], answerTokens: Int, mode: LSRScoreMode,
                                      lmTemperature: Double) -> [Double] {
    precondition(lmTemperature > 0, "lsrTarget: lmTemperature must be positive, got \(lmTemperature)")
    precondition(!logProbs.isEmpty, "lsrTarget: no chunks")
    switch mode {
    case .logprob:
        return logSoftmax(logProbs.map { $0 / lmTemperature })
    case .meanLogprob:
        let n = Double(max(answerTokens, 1))
        return logSoftmax(logProbs.map { $0 / n / lmTemperature })
    case .prob:
        let top = logProbs.max()!
        let pTop = exp(top)
        // z_c − z_max, never positive; logSoftmax subtracts its max (0) again harmlessly.
        return logSoftmax(logProbs.map { pTop * expm1($0 - top) / lmTemperature })
    }
}

/// R-ft LM-supervised retrieval loss (RA-DIT Eq. 5, REPLUG, Atlas) for one query over its
/// K retrieved chunks: `KL` between `p_R = softmax(s/τ_R)` and the fixed target
/// `p_LSR = exp(targetLogProbs)` in the chosen direction, with `∂L/∂s`.
///
/// targetToRetriever: `L = Σ q (log q − log p)`, `∂L/∂s = (p − q)/τ_R`.
/// retrieverToTarget: `L = Σ p (log p − log q)`, `∂L/∂s_c = p_c (log p_c − log q_c − L)/τ_R`.
public func lsrLoss<S: BLASScalar>(scores: [S], targetLogProbs: [Double], direction: KLDirection,
                                   retrieverTemperature: Double) -> ScoreLoss<S> {
    precondition(scores.count == targetLogProbs.count,
                 "lsrLoss: \(scores.count) scores but \(targetLogProbs.count) targets")
    precondition(retrieverTemperature > 0, "lsrLoss: retrieverTemperature must be positive")
    let logP = logSoftmax(scores.map { Double($0) / retrieverTemperature })
    let logQ = targetLogProbs
    let k = scores.count
    var value = 0.0
    var d = [Double](repeating: 0, count: k)
    switch direction {
    case .targetToRetriever:
        for c in 0..<k {
            let q = exp(logQ[c])
            if q > 0 { value += q * (logQ[c] - logP[c]) }
            d[c] = (exp(logP[c]) - q) / retrieverTemperature
        }
    case .retrieverToTarget:
        for c in 0..<k { value += exp(logP[c]) * (logP[c] - logQ[c]) }
        for c in 0..<k { d[c] = exp(logP[c]) * (logP[c] - logQ[c] - value) / retrieverTemperature }
    }
    return ScoreLoss(value: S(value), dScores: d.map { S($0) })
}

/// EMDR² (Sachan et al. 2021) for one query: `L = −log Σ_c p_LM(y|c∘x) p_R(c|x)`, a
/// log-sum-exp of `logp_c + log p_R(c)` so it never forms the underflowing product.
/// `∂L/∂s_c = (p_R(c) − w_c)/τ_R` with `w` the posterior `∝ p_LM(y|c∘x) p_R(c|x)`.
public func emdr2Loss<S: BLASScalar>(scores: [S], logProbs: [Double],
                                     retrieverTemperature: Double) -> ScoreLoss<S> {
    precondition(scores.count == logProbs.count,
                 "emdr2Loss: \(scores.count) scores but \(logProbs.count) log-probabilities")
    precondition(retrieverTemperature > 0, "emdr2Loss: retrieverTemperature must be positive")
    let logP = logSoftmax(scores.map { Double($0) / retrieverTemperature })
    let joint = zip(logProbs, logP).map { $0 + $1 }
    let m = joint.max()!
    var sum = 0.0
    for v in joint { sum += exp(v - m) }
    let lse = m + log(sum)
    var d = [S](repeating: 0, count: scores.count)
    for c in 0..<scores.count { d[c] = S((exp(logP[c]) - exp(joint[c] - lse)) / retrieverTemperature) }
    return ScoreLoss(value: S(-lse), dScores: d)
}

/// `s_c = q · d_c` backward: `dQuery (D) += Σ_c dScores[c] · documents[c]`, where
/// `documents` is (K, D) row-major. This is where a score-level R-ft loss reaches the
/// query embedding, and from there the query encoder's backward.
public func scoresBackward<S: BLASScalar>(dScores: [S], documents: UnsafePointer<S>, dimension: Int,
                                          dQuery: UnsafeMutablePointer<S>) {
    if dScores.isEmpty { return }
    dScores.withUnsafeBufferPointer { ds in
        gemv(.transposed, m: ds.count, n: dimension, a: documents, lda: dimension,
             x: ds.baseAddress!, beta: 1, y: dQuery)
    }
}
