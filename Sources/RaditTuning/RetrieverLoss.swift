import Foundation

/// How the LM's preference for a chunk is scored before the softmax (DESIGN §4, `g`).
public enum LMScoreMode: String, Sendable, CaseIterable, Codable {
    /// p_LM(y | c ∘ x), the raw probability (RA-DIT, REPLUG).
    case prob
    /// Σ_t log p(y_t | …).
    case logprob
    /// Mean token log-probability (Atlas PDist).
    case meanLogprob = "mean_logprob"

    public func value(_ s: AnswerLogProb) -> Double {
        switch self {
        case .prob: return Foundation.exp(s.sum)
        case .logprob: return s.sum
        case .meanLogprob: return s.mean
        }
    }
}

/// Direction of the R-ft KL.
public enum KLDirection: String, Sendable, CaseIterable, Codable {
    /// KL(p_LSR ‖ p_R): soft-target cross-entropy, as Atlas/REPLUG code it.
    case lsrToRetriever = "lsr_retriever"
    /// KL(p_R ‖ p_LSR), as RA-DIT Eq. 5 writes it.
    case retrieverToLSR = "retriever_lsr"
}

/// The R-ft objective.
public enum RetrieverLossKind: String, Sendable, CaseIterable, Codable {
    /// LM-supervised retrieval: KL between p_R and p_LSR (direction configurable).
    case lsr
    /// EMDR²: −log Σ_c p_LM(y|c∘x) p_R(c|x).
    case emdr
    /// Supervised baseline: −log p_R(gold) over {gold} ∪ retrieved (DPR-style hard negatives).
    case contrastive
}

/// Numerically stable softmax of `x / temperature`.
public func softmax(_ x: [Double], temperature: Double = 1) -> [Double] {
    guard let m = x.map({ $0 / temperature }).max() else { return [] }
    let e = x.map { Foundation.exp($0 / temperature - m) }
    let z = e.reduce(0, +)
    return e.map { $0 / z }
}

/// log Σ exp(x), stable.
public func logSumExp(_ x: [Double]) -> Double {
    guard let m = x.max(), m.isFinite else { return x.max() ?? -.infinity }
    return m + Foundation.log(x.reduce(0) { $0 + Foundation.exp($1 - m) })
}

/// Loss of one query over its K candidates and dL/ds for the K retriever scores s.
public struct RetrieverLossValue: Sendable, Equatable {
    public var loss: Double
    /// (K) dL/ds_c, where s_c is the raw retriever score (before dividing by τ_R).
    public var scoreGradient: [Double]
}

/// R-ft losses on one query's candidate scores (RA-DIT §2.3, Atlas, EMDR²).
public struct RetrieverObjective: Sendable, Equatable {
    public var kind: RetrieverLossKind
    public var direction: KLDirection
    public var scoreMode: LMScoreMode
    /// τ_R in p_R = softmax(s / τ_R).
    public var retrieverTemperature: Double
    /// τ_LM in p_LSR = softmax(g / τ_LM).
    public var lmTemperature: Double

    public init(kind: RetrieverLossKind = .lsr, direction: KLDirection = .lsrToRetriever,
                scoreMode: LMScoreMode = .prob, retrieverTemperature: Double = 1, lmTemperature: Double = 1) {
        self.kind = kind
        self.direction = direction
        self.scoreMode = scoreMode
        self.retrieverTemperature = retrieverTemperature
        self.lmTemperature = lmTemperature
    }

    /// p_LSR(c | x, y) = softmax_c(g / τ_LM): the stop-gradient target.
    public func lsrTarget(_ lm: [AnswerLogProb]) -> [Double] {
        softmax(lm.map(scoreMode.value), temperature: lmTemperature)
    }

    /// Loss and dL/ds. `lm` are the LM scores of the same candidates (unused by
    /// `contrastive`); `gold` marks the positive candidates (used only by `contrastive`).
    public func evaluate(retrieverScores s: [Double], lm: [AnswerLogProb], gold: [Bool]) -> RetrieverLossValue {
        let tau = retrieverTemperature
        let pR = softmax(s, temperature: tau)
        let logPR = s.map { $0 / tau - logSumExp(s.map { $0 / tau }) }
        var loss = 0.0
        var dz = [Double](repeating: 0, count: s.count) // dL/d(s/τ)
        switch kind {
        case .lsr:
            let q = lsrTarget(lm)
            let logQ = q.map { Foundation.log(max($0, .leastNormalMagnitude)) }
            switch direction {
            case .lsrToRetriever:
                for c in s.indices where q[c] > 0 { loss += q[c] * (logQ[c] - logPR[c]) }
                for c in s.indices { dz[c] = pR[c] - q[c] }
            case .retrieverToLSR:
                let a = s.indices.map { logPR[$0] - logQ[$0] }
                let mean = s.indices.reduce(0) { $0 + pR[$1] * a[$1] }
                loss = mean
                for c in s.indices { dz[c] = pR[c] * (a[c] - mean) }
            }
        case .emdr:
            let joint = s.indices.map { lm[$0].sum + logPR[$0] }
            let lse = logSumExp(joint)
            loss = -lse
            for c in s.indices { dz[c] = pR[c] - Foundation.exp(joint[c] - lse) }
        case .contrastive:
            // −log Σ_{gold} p_R: the positives share the target mass.
            let goldLog = s.indices.filter { gold[$0] }.map { logPR[$0] }
            guard !goldLog.isEmpty else { return RetrieverLossValue(loss: 0, scoreGradient: dz) }
            let lse = logSumExp(goldLog)
            loss = -lse
            for c in s.indices { dz[c] = pR[c] - (gold[c] ? Foundation.exp(logPR[c] - lse) : 0) }
        }
        return RetrieverLossValue(loss: loss, scoreGradient: dz.map { $0 / tau })
    }
}
