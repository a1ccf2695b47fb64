import RaditIndex

/// Where RAFT distractors come from.
public enum DistractorSource {
    /// Uniformly random non-gold chunks, as the RAFT code does.
    case random
    /// The highest-ranked non-gold chunks of a retriever over the same corpus (BM25 or
    /// dense hard negatives), named in the output as `kind`.
    case retrieved(any ChunkSearch, kind: DistractorSourceKind)

    public var kind: DistractorSourceKind {
        switch self {
        case .random: return .random
        case let .retrieved(_, kind): return kind
        }
    }
}

/// The recorded name of a distractor source.
public enum DistractorSourceKind: String, Codable, CaseIterable, Sendable {
    case random, bm25, dense
}
