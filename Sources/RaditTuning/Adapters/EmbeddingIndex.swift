import RaditTensor

/// Exact inner-product search over an in-memory (Nd, D) embedding matrix: one sgemm per
/// query batch and RaditTensor's top-k. The engine's ChunkIndex until the index layer's
/// FlatIndex is wired in.
public final class EmbeddingIndex: ChunkIndex {
    /// (Nd, D)
    public let embeddings: Tensor<Float>

    public init(embeddings: Tensor<Float>) { self.embeddings = embeddings }

    public var count: Int { embeddings.rows }

    public func vector(_ id: Int) -> [Float] { embeddings.row(id) }

    public func search(_ queries: Tensor<Float>, k: Int) throws -> (scores: Tensor<Float>, ids: [[Int]]) {
        let scores = Tensor.matmul(queries, embeddings, transB: .transposed) // (Nq, Nd)
        var outScores: [Float] = []
        var ids: [[Int]] = []
        for i in 0..<queries.rows {
            let row = scores.row(i)
            let top = topK(row, k: min(k, row.count))
            ids.append(top)
            outScores += top.map { row[$0] }
        }
        return (Tensor(shape: [queries.rows, min(k, count)], scalars: outScores), ids)
    }
}
