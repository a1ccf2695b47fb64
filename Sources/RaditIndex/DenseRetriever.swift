import RaditBase
import RaditTensor

/// Dense retrieval: passages embedded once into a `FlatIndex` (inner product, so
/// normalised embeddings give cosine similarity), queries embedded and searched.
public struct DenseRetriever {
    public let embedder: any TextEmbedder
    /// Query-side encoder (a tuned one), else `embedder`.
    public let queryEmbedder: any TextEmbedder
    public private(set) var index: FlatIndex

    /// Embeds `passages` in batches of `batchSize`, reporting progress in passages.
    public init(embedder: any TextEmbedder, queryEmbedder: (any TextEmbedder)? = nil, passages: [String],
                batchSize: Int = 64, progress: ProgressHandler = silentProgress) throws {
        self.embedder = embedder
        self.queryEmbedder = queryEmbedder ?? embedder
        self.index = FlatIndex(dimension: embedder.dimension, metric: .innerProduct)
        for start in stride(from: 0, to: passages.count, by: max(1, batchSize)) {
            let batch = Array(passages[start..<min(passages.count, start + batchSize)])
            try index.add(try embedder.embed(batch))
            if progress(ProgressEvent(stage: "embed-passages", done: start + batch.count, total: passages.count, unit: "passages")) == .stop {
                break
            }
        }
    }

    /// Top-k passage positions for each query.
    public func search(_ queries: [String], k: Int, batchSize: Int = 64) throws -> SearchResult {
        var scores: [Float] = []
        var ids: [Int] = []
        for start in stride(from: 0, to: queries.count, by: max(1, batchSize)) {
            if queryEmbedder.dimension != index.dimension {
                throw IndexError.dimensionMismatch(expected: index.dimension, got: queryEmbedder.dimension, what: "query embeddings")
            }
            let batch = Array(queries[start..<min(queries.count, start + batchSize)])
            let r = try index.search(try queryEmbedder.embed(batch), k: k)
            scores += r.scores
            ids += r.ids
        }
        return SearchResult(queryCount: queries.count, k: k, scores: scores, ids: ids)
    }
}
