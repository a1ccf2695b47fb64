import Foundation

/// Retrieval metrics over one ranked list, DESIGN.md §5. `ranking` holds chunk ids best
/// first; `grades` maps chunk id → relevance grade (> 0 relevant). Definitions follow
/// trec_eval / ranx: linear gains for nDCG (Järvelin & Kekäläinen 2002), ideal DCG from
/// the judged grades.
public enum RetrievalMetric: Sendable, Hashable, CustomStringConvertible {
    /// DPR answer-string recall: 1 when any of the top k passages contains an answer.
    case answerRecall(Int)
    /// 1 when any relevant chunk is in the top k (ranx `hit_rate`).
    case goldRecallAny(Int)
    /// 1 when every relevant chunk is in the top k.
    case goldRecallAll(Int)
    /// Fraction of relevant chunks in the top k (trec_eval / ranx `recall`).
    case recall(Int)
    /// Reciprocal rank of the first relevant chunk within the top k.
    case mrr(Int)
    /// Normalised discounted cumulative gain at k with graded relevance.
    case ndcg(Int)
    /// Precision at R = number of relevant chunks.
    case rPrecision

    public var description: String {
        switch self {
        case let .answerRecall(k): return "AnsR@\(k)"
        case let .goldRecallAny(k): return "R@\(k)"
        case let .goldRecallAll(k): return "AllR@\(k)"
        case let .recall(k): return "Recall@\(k)"
        case let .mrr(k): return "MRR@\(k)"
        case let .ndcg(k): return "nDCG@\(k)"
        case .rPrecision: return "R-Prec"
        }
    }

    /// Whether the metric needs gold chunks (else answer strings).
    public var needsGold: Bool {
        if case .answerRecall = self { return false }
        return true
    }

    /// The metric of one ranking. For `.answerRecall`, pass `answerHits`: whether each
    /// ranked passage contains an answer (see `AnswerMatch`).
    public func value(ranking: [String], grades: [String: Int], answerHits: [Bool] = []) -> Double {
        switch self {
        case let .answerRecall(k):
            return answerHits.prefix(k).contains(true) ? 1 : 0
        case let .goldRecallAny(k):
            return ranking.prefix(k).contains { (grades[$0] ?? 0) > 0 } ? 1 : 0
        case let .goldRecallAll(k):
            let relevant = grades.filter { $0.value > 0 }.keys
            if relevant.isEmpty { return 0 }
            let top = Set(ranking.prefix(k))
            return relevant.allSatisfy(top.contains) ? 1 : 0
        case let .recall(k):
            let relevant = grades.values.filter { $0 > 0 }.count
            if relevant == 0 { return 0 }
            return Double(Set(ranking.prefix(k)).filter { (grades[$0] ?? 0) > 0 }.count) / Double(relevant)
        case let .mrr(k):
            for (r, id) in ranking.prefix(k).enumerated() where (grades[id] ?? 0) > 0 { return 1 / Double(r + 1) }
            return 0
        case let .ndcg(k):
            var dcg = 0.0
            for (r, id) in ranking.prefix(k).enumerated() {
                let g = grades[id] ?? 0
                if g > 0 { dcg += Double(g) / log2(Double(r + 2)) }
            }
            let ideal = grades.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
            var idcg = 0.0
            for (r, g) in ideal.enumerated() { idcg += Double(g) / log2(Double(r + 2)) }
            return idcg > 0 ? dcg / idcg : 0
        case .rPrecision:
            let relevant = grades.values.filter { $0 > 0 }.count
            if relevant == 0 { return 0 }
            return Double(ranking.prefix(relevant).filter { (grades[$0] ?? 0) > 0 }.count) / Double(relevant)
        }
    }
}
