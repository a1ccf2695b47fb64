import RaditBase
import RaditIndex

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

/// Dense ranking by inner product of the embedder's vectors (cosine for normalising
/// encoders such as the MiniLM bi-encoder): the corpus is embedded once into a `FlatIndex`.
public struct DenseRanker: ChunkRanker {
    public let retriever: DenseRetriever

    public init(corpus: Corpus, embedder: any TextEmbedder, batchSize: Int = 64,
                progress: ProgressHandler = silentProgress) throws {
        retriever = try DenseRetriever(embedder: embedder, passages: corpus.indexedTexts, batchSize: batchSize,
                                       progress: progress)
    }

    public init(retriever: DenseRetriever) { self.retriever = retriever }

    public func rank(_ queries: [String], k: Int) throws -> [[RankedChunk]] {
        rankedLists(try retriever.search(queries, k: k))
    }
}
