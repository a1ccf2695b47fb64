import RaditTensor

/// A chunk's corpus position and its score against a query (higher is closer).
public struct RankedChunk: Equatable, Sendable {
    public var position: Int
    public var score: Float

    public init(position: Int, score: Float) {
        self.position = position
        self.score = score
    }
}

/// Ranks corpus chunks against questions: the hard-negative sources (BM25, dense) of the
/// RAFT builder and the retriever behind RA-IT instances.
public protocol ChunkRanker {
    /// For each query, the best `k` corpus positions, best first.  (Nq) lists of ≤ k
    func rank(_ queries: [String], k: Int) throws -> [[RankedChunk]]
}

/// Embeds texts into rows of a (N, D) matrix; any encoder (the MiniLM bi-encoder, a remote
/// embeddings endpoint, a toy hashing embedder in tests) plugs in as a function.
public typealias EmbeddingFunction = ([String]) throws -> Tensor<Float>

/// Exact dense ranking by cosine similarity: the corpus is embedded once, queries in a
/// batch, and every query is scored against every chunk (fine for RAFT-sized corpora).
public struct DenseRanker: ChunkRanker {
    private let embed: EmbeddingFunction
    /// (Nd, D), rows L2-normalised.
    private let chunkVectors: Tensor<Float>

    public init(corpus: Corpus, embed: @escaping EmbeddingFunction) throws {
        self.embed = embed
        chunkVectors = Self.normalisedRows(try embed(corpus.indexedTexts))
        if chunkVectors.rows != corpus.count {
            throw RaftError.embedderShape(expectedRows: corpus.count, got: chunkVectors.shape)
        }
    }

    public func rank(_ queries: [String], k: Int) throws -> [[RankedChunk]] {
        if queries.isEmpty { return [] }
        let q = Self.normalisedRows(try embed(queries)) // (Nq, D)
        guard q.rows == queries.count, q.columns == chunkVectors.columns else {
            throw RaftError.embedderShape(expectedRows: queries.count, got: q.shape)
        }
        let scores = Tensor.matmul(q, chunkVectors, transB: .transposed) // (Nq, Nd)
        let nd = chunkVectors.rows
        return (0..<queries.count).map { i in
            var top = TopK<Float>(k: min(k, nd))
            for j in 0..<nd { top.push(scores.scalars[i * nd + j], j) }
            return top.sorted().map { RankedChunk(position: $0.index, score: $0.score) }
        }
    }

    static func normalisedRows(_ t: Tensor<Float>) -> Tensor<Float> {
        var out = t
        let d = t.columns
        for i in 0..<t.rows {
            var norm: Float = 0
            for j in 0..<d { norm += t.scalars[i * d + j] * t.scalars[i * d + j] }
            let inv = norm > 0 ? 1 / norm.squareRoot() : 0
            for j in 0..<d { out.scalars[i * d + j] *= inv }
        }
        return out
    }
}
