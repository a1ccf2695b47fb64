import RaditTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Contrastive (InfoNCE) loss of queries against a shared candidate set:
/// `L = (1/B) Σ_i −log softmax_j(q_i · c_j / τ)[positive_i]`.
///
/// DPR's in-batch loss with hard negatives (Karpukhin et al. 2020), the supervised R-ft
/// baseline, is the case `candidates = [positives (B, D); hard negatives (M, D)]` and
/// `positives = [0, 1, …, B−1]`: every other query's positive is a negative. With the
/// whole (frozen) corpus as candidates it is full-softmax retrieval training.
///
/// Shapes: queries (B, D) with B = positives.count, candidates (N, D).
/// Backward ADDS into `dQueries` (B, D) and, when given, `dCandidates` (N, D) — pass nil
/// for the document side when only the query encoder trains.
public func contrastiveLoss<S: BLASScalar>(
    queries: UnsafePointer<S>, candidates: UnsafePointer<S>, positives: [Int],
    candidateCount: Int, dimension: Int, temperature: Double,
    dQueries: UnsafeMutablePointer<S>?, dCandidates: UnsafeMutablePointer<S>?
) -> S {
    precondition(temperature > 0, "contrastiveLoss: temperature must be positive")
    let b = positives.count, n = candidateCount, d = dimension
    precondition(positives.allSatisfy { $0 >= 0 && $0 < n }, "contrastiveLoss: positive index outside 0..<\(n)")
    if b == 0 || n == 0 { return 0 }
    // Logits (B, N) = Q Cᵀ / τ.
    var logits = [S](repeating: 0, count: b * n)
    let invT = S(1 / temperature)
    logits.withUnsafeMutableBufferPointer { l in
        gemm(.none, .transposed, m: b, n: n, k: d, alpha: invT, a: queries, lda: d,
             b: candidates, ldb: d, c: l.baseAddress!, ldc: n)
    }
    // Row log-softmax in Double; dLogits (B, N) = (softmax − onehot) / B.
    var loss = 0.0
    var dLogits = [S](repeating: 0, count: b * n)
    for i in 0..<b {
        var mx = -Double.infinity
        for j in 0..<n { mx = max(mx, Double(logits[i * n + j])) }
        var sum = 0.0
        for j in 0..<n { sum += exp(Double(logits[i * n + j]) - mx) }
        let lse = mx + log(sum)
        loss += lse - Double(logits[i * n + positives[i]])
        for j in 0..<n {
            let p = exp(Double(logits[i * n + j]) - lse)
            dLogits[i * n + j] = S((p - (j == positives[i] ? 1 : 0)) / Double(b))
        }
    }
    dLogits.withUnsafeBufferPointer { dl in
        // dQ (B, D) += dLogits (B, N) · C (N, D) / τ
        if let dQueries {
            gemm(.none, .none, m: b, n: d, k: n, alpha: invT, a: dl.baseAddress!, lda: n,
                 b: candidates, ldb: d, beta: 1, c: dQueries, ldc: d)
        }
        // dC (N, D) += dLogitsᵀ (N, B) · Q (B, D) / τ
        if let dCandidates {
            gemm(.transposed, .none, m: n, n: d, k: b, alpha: invT, a: dl.baseAddress!, lda: n,
                 b: queries, ldb: d, beta: 1, c: dCandidates, ldc: d)
        }
    }
    return S(loss / Double(b))
}
