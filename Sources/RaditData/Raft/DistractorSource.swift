/// Where RAFT distractors come from.
public enum DistractorSource {
    /// Uniformly random non-gold chunks, as the RAFT code does.
    case random
    /// The highest-scoring non-gold chunks under BM25 over the corpus (hard negatives).
    case bm25
    /// The highest-scoring non-gold chunks under cosine similarity of the given embedder.
    case dense(EmbeddingFunction)
    /// Hard negatives from any other ranker (named in the output as `kind`).
    case ranker(any ChunkRanker, kind: DistractorSourceKind)

    public var kind: DistractorSourceKind {
        switch self {
        case .random: return .random
        case .bm25: return .bm25
        case .dense: return .dense
        case let .ranker(_, kind): return kind
        }
    }
}

/// The recorded name of a distractor source.
public enum DistractorSourceKind: String, Codable, CaseIterable, Sendable {
    case random, bm25, dense
}
