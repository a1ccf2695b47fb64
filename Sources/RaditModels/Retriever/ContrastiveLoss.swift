import RaditTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// In-batch contrastive loss with hard negatives (DPR, Karpukhin et al. 2020), the
/// supervised R-ft baseline: query i's positive is row i of `positives`; every other
/// positive in the batch and every row of `negatives` is a negative.
/// `L = (1/B) Σ_i −log softmax_j(q_i · c_j / τ)[i]` over candidates `c = [positives; negatives]`.
///
/// Shapes: queries (B, D), positives (B, D), negatives (M, D), M may be 0.
/// Backward ADDS into `dQueries` (B, D) and, when given, `dPositives` (B, D) and
/// `dNegatives` (M, D) — pass nil for the document side when only the query encoder trains.
public func contrastiveLoss<S: BLASScalar>(
    queries: UnsafePointer<S>, positives: UnsafePointer<S>, negatives: UnsafePointer<S>?,
    batch: Int, negativeCount: Int, dimension: Int, temperature: Double,
    dQueries: UnsafeMutablePointer<S>?, dPositives: UnsafeMutablePointer<S>?,
    dNegatives: UnsafeMutablePointer<S>?
) -> S {
    precondition(temperature > 0, "contrastiveLoss: temperature must be positive")
    precondition(negativeCount == 0 || negatives != nil, "contrastiveLoss: \(negativeCount) negatives but no buffer")
    let b = batch, m = negativeCount, d = dimension, n = b + m
    if b == 0 { return 0 }
    // Candidates (N, D) = [positives; negatives].
    var candidates = [S](repeating: 0, count: n * d)
    for i in 0..<(b * d) { candidates[i] = positives[i] }
    if m > 0 { for i in 0..<(m * d) { candidates[b * d + i] = negatives![i] } }
    // Logits (B, N) = Q Cᵀ / τ.
    var logits = [S](repeating: 0, count: b * n)
    let invT = S(1 / temperature)
    candidates.withUnsafeBufferPointer { c in
        logits.withUnsafeMutableBufferPointer { l in
            gemm(.none, .transposed, m: b, n: n, k: d, alpha: invT, a: queries, lda: d,
                 b: c.baseAddress!, ldb: d, c: l.baseAddress!, ldc: n)
        }
    }
    // Row softmax in Double; dLogits (B, N) = (softmax − onehot) / B.
    var loss = 0.0
    var dLogits = [S](repeating: 0, count: b * n)
    for i in 0..<b {
        let row = (0..<n).map { Double(logits[i * n + $0]) }
        let mx = row.max()!
        var sum = 0.0
        for v in row { sum += exp(v - mx) }
        let lse = mx + log(sum)
        loss += lse - row[i]
        for j in 0..<n {
            let p = exp(row[j] - lse)
            dLogits[i * n + j] = S((p - (j == i ? 1 : 0)) / Double(b))
        }
    }
    dLogits.withUnsafeBufferPointer { dl in
        candidates.withUnsafeBufferPointer { c in
            // dQ (B, D) += dLogits (B, N) · C (N, D) / τ.
            if let dQ = dQueries {
                gemm(.none, .none, m: b, n: d, k: n, alpha: invT, a: dl.baseAddress!, lda: n,
                     b: c.baseAddress!, ldb: d, beta: 1, c: dQ, ldc: d)
            }
            // dC (N, D) = dLogitsᵀ (N, B) · Q (B, D) / τ, split back into positives/negatives.
            if dPositives != nil || dNegatives != nil {
                var dC = [S](repeating: 0, count: n * d)
                dC.withUnsafeMutableBufferPointer { dc in
                    gemm(.transposed, .none, m: n, n: d, k: b, alpha: invT, a: dl.baseAddress!, lda: n,
                         b: queries, ldb: d, c: dc.baseAddress!, ldc: d)
                }
                if let dP = dPositives { for i in 0..<(b * d) { dP[i] += dC[i] } }
                if let dN = dNegatives, m > 0 { for i in 0..<(m * d) { dN[i] += dC[b * d + i] } }
            }
        }
    }
    return S(loss / Double(b))
}
