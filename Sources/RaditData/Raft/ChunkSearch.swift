import RaditIndex

/// What the RAFT and RA-IT builders need from a retriever: the best corpus positions for
/// each question. RaditRetrieval's `Retriever` refines it (BM25, dense exact or HNSW,
/// tuned dense); the data layer never builds a retriever itself.
public protocol ChunkSearch {
    /// For each query, `k` (score, corpus position) pairs best first, padded with −1 when
    /// fewer chunks match: (Nq, k).
    func search(_ queries: [String], k: Int) throws -> SearchResult
}
