import RaditIndex

/// A `BM25Index` over a corpus (title + text, as the index layer tokenises) as a
/// `ChunkRanker`: hard-negative distractors for RAFT and the retriever behind RA-IT.
public struct BM25Ranker: ChunkRanker {
    public let index: BM25Index

    public init(corpus: Corpus, parameters: BM25Parameters = BM25Parameters()) {
        index = BM25Index(documents: corpus.indexedTexts, parameters: parameters)
    }

    public init(index: BM25Index) { self.index = index }

    /// Every chunk's score for one query.  (Nd)
    public func scores(_ query: String) -> [Float] { index.scores(query) }

    public func rank(_ queries: [String], k: Int) throws -> [[RankedChunk]] {
        rankedLists(index.search(queries, k: k))
    }
}

/// Rows of a padded `SearchResult` as lists without the −1 padding.
func rankedLists(_ r: SearchResult) -> [[RankedChunk]] {
    (0..<r.queryCount).map { q in
        (0..<r.k).compactMap { j in
            let id = r.ids[q * r.k + j]
            return id < 0 ? nil : RankedChunk(position: id, score: r.scores[q * r.k + j])
        }
    }
}
