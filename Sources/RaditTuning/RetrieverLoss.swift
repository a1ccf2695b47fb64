import Foundation
import RaditRetrieval

/// Loss of one query over its K candidates and dL/ds for the K retriever scores s.
public struct RetrieverLossValue: Sendable, Equatable {
    public var loss: Double
    /// (K) dL/ds_c, where s_c is the raw retriever score (before dividing by τ_R).
    public var scoreGradient: [Double]
}

/// The R-ft objective as configured: which loss, KL direction, LM score mode and the two
/// temperatures. The losses themselves are RaditRetrieval's.
public struct RetrieverObjective: Sendable, Equatable {
    public var kind: RetrieverLossKind
    public var direction: KLDirection
    public var scoreMode: LSRScoreMode
    /// τ_R in p_R = softmax(s / τ_R).
    public var retrieverTemperature: Double
    /// τ_LM in p_LSR = softmax(g / τ_LM).
    public var lmTemperature: Double

    public init(kind: RetrieverLossKind, direction: KLDirection, scoreMode: LSRScoreMode,
                retrieverTemperature: Double, lmTemperature: Double) {
        self.kind = kind
        self.direction = direction
        self.scoreMode = scoreMode
        self.retrieverTemperature = retrieverTemperature
        self.lmTemperature = lmTemperature
    }

    /// log p_LSR(c | x, y) = log softmax_c(g / τ_LM): the stop-gradient target.
    public func lsrTargetLog(_ lm: [AnswerLogProb]) -> [Double] {
        lsrTargetLogProbabilities(logProbs: lm.map(\.sum), answerTokens: lm.first?.tokens ?? 1,
                                  mode: scoreMode, lmTemperature: lmTemperature)
    }

    /// Below this spread of a `prob` target's logits, max_c − min_c of p_LM(y|c∘x)/τ_LM (in
    /// nats; 0.01 means no candidate's target probability differs from another's by more
    /// than 1 %), the target is flat: the LM prefers no chunk, and training on it would only
    /// pull p_R towards uniform. With raw probabilities this is what happens when every
    /// p_LM(y|c∘x) is tiny (long or unknown answers) or underflows Double (all g = 0).
    public static let flatTargetSpread = 0.01

    /// True when this query's target is dropped from R-ft: an `lsr` objective in `prob`
    /// mode whose target spread is below `flatTargetSpread`. The log-probability modes keep
    /// every target: there an even target is the LM's real indifference, not underflow.
    public func isFlatTarget(_ lm: [AnswerLogProb]) -> Bool {
        guard kind == .lsr, scoreMode == .prob, !lm.isEmpty else { return false }
        let logQ = lsrTargetLog(lm)
        return logQ.max()! - logQ.min()! < Self.flatTargetSpread
    }

    /// p_LSR(c | x, y).
    public func lsrTarget(_ lm: [AnswerLogProb]) -> [Double] { lsrTargetLog(lm).map { Foundation.exp($0) } }

    /// Per-query loss and dL/ds for `lsr` and `emdr` (`contrastive` is a batch loss; the
    /// tuner calls the retriever layer's in-batch DPR loss for it).
    public func evaluate(retrieverScores s: [Double], lm: [AnswerLogProb]) -> RetrieverLossValue {
        let r: ScoreLoss<Double>
        switch kind {
        case .lsr:
            r = lsrLoss(scores: s, targetLogProbs: lsrTargetLog(lm), direction: direction,
                        retrieverTemperature: retrieverTemperature)
        case .emdr:
            r = emdr2Loss(scores: s, logProbs: lm.map(\.sum), retrieverTemperature: retrieverTemperature)
        case .contrastive:
            preconditionFailure("contrastive is a batch loss; DualTuner computes it with contrastiveLoss")
        }
        return RetrieverLossValue(loss: r.value, scoreGradient: r.dScores)
    }
}
