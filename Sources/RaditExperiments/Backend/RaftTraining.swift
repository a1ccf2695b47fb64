import RaditBase
import RaditData
import RaditRetrieval
import RaditTuning

/// LM-ft data for `train.lm_source = "raft"`: RAFT instances (Zhang et al. 2024, §3) built
/// by the data layer's `RaftBuilder` over the run's corpus: with probability P, the oracle
/// share (`train.oracle_share`), the gold chunk(s) plus n (`train.raft_distractors`)
/// distractors from `train.raft_distractor_source`, otherwise n + |gold| distractors only,
/// shuffled. Every document fills the run's template as its `{c}`, each written as
/// `lm.document_format` says (RAFT's `<DOCUMENT>` blocks under `train.recipe = "raft"`) and
/// joined like `concat` inference, so evaluation shows the tuned LM the same prompt. The
/// target is RAFT's chain-of-thought answer (quotes, then `<ANSWER>:` and the answer) or,
/// as an option, the short answer. A run checks before training that every instance fits
/// the LM whole (`ExperimentConfig.validate(raftInstances:budget:)`).
public enum RaftTraining {
    /// One instance list per training example, in `train` order (empty for a question
    /// without a gold chunk). Deterministic in (config, data): each instance's randomness
    /// is keyed by its content hash and `train.seed`, which `--resume` relies on. `dense`
    /// is the base retriever, for `train.raft_distractor_source = "dense"`.
    public static func instances(_ settings: RunSettings, corpus: Corpus, train: [Example],
                                 dense: (any ChunkSearch)? = nil) throws -> [[PromptAnswer]] {
        let built = try build(settings, corpus: corpus, train: train, dense: dense)
        var byQuestion: [String: [PromptAnswer]] = [:]
        for r in built { byQuestion[r.questionID, default: []].append(try pair(r, settings: settings, corpus: corpus)) }
        return train.map { byQuestion[$0.id] ?? [] }
    }

    /// The RAFT instances themselves (documents, oracle flag, CoT answer), in `train` order.
    public static func build(_ settings: RunSettings, corpus: Corpus, train: [Example],
                             dense: (any ChunkSearch)? = nil) throws -> [RaftInstance] {
        guard let raft = settings.train.raft else { return [] }
        let builder = try RaftBuilder(oracleShare: settings.train.tuning.oracleShare, distractors: raft.distractors,
                                      seed: settings.train.seed, noOracleAnswer: raft.noOracleAnswer)
        let source: DistractorSource
        switch raft.distractorSource {
        case .random: source = .random
        case .bm25: source = .retrieved(BM25Retriever(corpus: corpus), kind: .bm25)
        case .dense:
            guard let dense else { throw RaftTrainingError.noDenseRetriever }
            source = .retrieved(dense, kind: .dense)
        }
        // The trained answer is the engine's target (the first alias).
        let examples = train.map { e in Example(id: e.id, question: e.question, answers: [e.target], gold: e.gold) }
        return try builder.build(examples, corpus: corpus, source: source)
    }

    /// The (prompt, answer) LM-ft pair of one instance: every document, in the instance's
    /// order, through the run's prompt format.
    public static func pair(_ r: RaftInstance, settings: RunSettings, corpus: Corpus) throws -> PromptAnswer {
        let format = settings.lm.format
        let documents = try r.documents.map { d -> String in
            guard let chunk = corpus[id: d.id] else { throw RaftTrainingError.unknownChunk(id: d.id, questionID: r.questionID) }
            return format.chunkText(chunk)
        }
        let answer = settings.train.raft?.answer == .short ? r.answer : r.cotAnswer
        return format.pair(question: r.question, chunk: documents.joined(separator: format.chunkSeparator), answer: answer)
    }
}

/// Why RAFT instances could not be built for a run.
public enum RaftTrainingError: RaditError, Equatable {
    /// `dense` distractors were asked for without a retriever to rank with.
    case noDenseRetriever
    case unknownChunk(id: String, questionID: String)

    public var message: String {
        switch self {
        case .noDenseRetriever:
            return "dense RAFT distractors need the run's base retriever; this backend gave none (use random or bm25 distractors)"
        case let .unknownChunk(id, q):
            return "RAFT instance of question \(q) names chunk \(id), which the run's corpus lacks"
        }
    }
}
