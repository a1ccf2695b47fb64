import RaditBase
import RaditData
import RaditIndex
import RaditTensor

/// Text → ranked chunks: the one retrieval interface (BM25, dense exact, dense HNSW, the
/// tuned query encoder over a frozen index). Results are the index layer's `SearchResult`
/// over corpus positions 0..<count.
public protocol Retriever: ChunkSearch {
    /// Nd: the chunks it ranks.
    var count: Int { get }
}

extension Retriever {
    /// Rankings (corpus positions best first, padding dropped) of every query, searched
    /// `batchSize` queries at a time.
    public func rankings(_ queries: [String], k: Int, batchSize: Int = 64,
                         progress: ProgressHandler = silentProgress, stage: ProgressStage = .search) throws -> [[Int]] {
        try scoredRankings(queries, k: k, batchSize: batchSize, progress: progress, stage: stage).map { $0.map(\.id) }
    }

    /// Rankings with their scores: (corpus position, score) best first, padding dropped.
    public func scoredRankings(_ queries: [String], k: Int, batchSize: Int = 64,
                               progress: ProgressHandler = silentProgress,
                               stage: ProgressStage = .search) throws -> [[(id: Int, score: Float)]] {
        var out: [[(id: Int, score: Float)]] = []
        out.reserveCapacity(queries.count)
        for start in stride(from: 0, to: queries.count, by: max(1, batchSize)) {
            let r = try search(Array(queries[start..<min(queries.count, start + batchSize)]), k: k)
            out += (0..<r.queryCount).map(r.hits)
            if progress(ProgressEvent(stage: stage, done: out.count, total: queries.count, unit: .queries)) == .stop { break }
        }
        return out
    }
}

/// BM25 over a corpus (title + text, as `Corpus.indexedTexts`); variant, k1, b (and δ) as
/// `BM25Parameters` name them.
public struct BM25Retriever: Retriever {
    public let index: BM25Index

    public init(corpus: Corpus, parameters: BM25Parameters = BM25Parameters(), tokenizer: WordTokenizer = WordTokenizer(),
                threads: Int = 1, progress: ProgressHandler = silentProgress) {
        index = BM25Index(documents: corpus.indexedTexts, parameters: parameters, tokenizer: tokenizer,
                          threads: threads, progress: progress)
    }

    public init(index: BM25Index) { self.index = index }

    public var count: Int { index.count }

    /// Every chunk's score for one query.  (Nd)
    public func scores(_ query: String) -> [Float] { index.scores(query) }

    public func search(_ queries: [String], k: Int) throws -> SearchResult { index.search(queries, k: k) }
}

/// Dense retrieval: chunks embedded once into a vector index (`FlatIndex` for exact
/// search, `HNSWIndex` for approximate; inner product, so normalised embeddings give
/// cosine similarity), queries embedded by `queries` — the document encoder itself, or a
/// tuned query encoder — and searched.
public struct DenseRetriever: Retriever {
    public let queries: any TextEmbedder
    public let index: any VectorIndex

    /// Over an index already built (from cached embeddings, or by `build`).
    public init(queries: any TextEmbedder, index: any VectorIndex) throws {
        guard queries.dimension == index.dimension else {
            throw IndexError.dimensionMismatch(expected: index.dimension, got: queries.dimension, what: "query embeddings")
        }
        self.queries = queries
        self.index = index
    }

    /// Embeds `passages` with `documents` into `index` in batches of `batchSize`, reporting
    /// progress in passages; `queries` (a tuned encoder) defaults to `documents`.
    public init(documents: any TextEmbedder, queries: (any TextEmbedder)? = nil, passages: [String],
                index: any VectorIndex, batchSize: Int = 64, progress: ProgressHandler = silentProgress) throws {
        var index = index
        for start in stride(from: 0, to: passages.count, by: max(1, batchSize)) {
            let batch = Array(passages[start..<min(passages.count, start + batchSize)])
            try index.add(try documents.embed(batch))
            if progress(ProgressEvent(stage: .embedPassages, done: start + batch.count, total: passages.count,
                                      unit: .passages)) == .stop {
                break
            }
        }
        try self.init(queries: queries ?? documents, index: index)
    }

    /// Exact inner-product search over a corpus embedded by `documents`.
    public init(corpus: Corpus, documents: any TextEmbedder, queries: (any TextEmbedder)? = nil, batchSize: Int = 64,
                progress: ProgressHandler = silentProgress) throws {
        try self.init(documents: documents, queries: queries, passages: corpus.indexedTexts,
                      index: FlatIndex(dimension: documents.dimension, metric: .innerProduct),
                      batchSize: batchSize, progress: progress)
    }

    public var count: Int { index.count }

    public func search(_ queries: [String], k: Int) throws -> SearchResult {
        try index.search(try self.queries.embed(queries), k: k)
    }
}
