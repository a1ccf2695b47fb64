import RaditTensor

/// The oracle share P, one meaning for every LM-ft data source (RAFT's P, Zhang et al.
/// 2024): the probability that a training question's LM-ft context is made to hold a gold
/// ("oracle") chunk. The other questions keep their source's context: RA-IT the retrieved
/// top-k (which holds a gold chunk only if retrieval found one), RAFT distractors only.
/// `train.oracle_share` in a run, `--oracle-share` for `radit generate rait`, `--p` for
/// `radit generate raft`.
public enum OracleShare {
    /// RA-IT's rule: with probability `share` (one coin per question, drawn first), when
    /// none of `chunks` (best first) is gold, the last is replaced by a gold chunk drawn
    /// uniformly. Returns the chunks and whether a gold chunk was put in.
    public static func apply(_ chunks: [Int], gold: [Int], share: Double,
                             rng: inout RandomSource) -> (chunks: [Int], inserted: Bool) {
        guard rng.bernoulli(share), !gold.isEmpty, !chunks.isEmpty, !chunks.contains(where: gold.contains) else {
            return (chunks, false)
        }
        var out = chunks
        out[out.count - 1] = gold[rng.int(below: gold.count)]
        return (out, true)
    }
}
