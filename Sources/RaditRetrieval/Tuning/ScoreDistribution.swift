import Foundation

/// The R-ft objective.
public enum RetrieverLossKind: String, Sendable, CaseIterable, Codable {
    /// LM-supervised retrieval: KL between p_R and p_LSR (direction configurable).
    case lsr
    /// EMDR²: −log Σ_c p_LM(y|c∘x) p_R(c|x).
    case emdr
    /// Supervised baseline: in-batch DPR with the retrieved non-gold chunks as hard negatives.
    case contrastive
}

/// Numerically stable softmax of `x / temperature` (p_R = softmax(s / τ_R)).
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
