import RaditData
import RaditTuning

/// LM-ft data for `train.lm_source = "raft"`: RAFT instances (Zhang et al. 2024) built by
/// the data layer's `RaftBuilder` over the run's corpus: with probability P, the oracle
/// share (`train.oracle_share`), the gold chunk plus n (`train.raft_distractors`) random distractors,
/// otherwise n + |gold| distractors only, shuffled. The documents (each as
/// `Chunk.indexedText`, the text the retriever indexes) fill the run's one-chunk template
/// as its `{c}` (joined like `concat` inference) and the target is the short answer, so the
/// tuned LM is read the same way as under RA-IT (after `lm.answer_tag`, with few
/// `eval.max_tokens`) rather than RAFT's long chain-of-thought completion.
public enum RaftTraining {
    /// One instance list per training example, in `train` order (empty for a question
    /// without a gold chunk). Deterministic in (config, data): each instance's randomness
    /// is keyed by its content hash and `train.seed`, which `--resume` relies on.
    public static func instances(_ settings: RunSettings, corpus: Corpus, train: [Example]) throws -> [[PromptAnswer]] {
        let format = settings.lm.format
        let builder = try RaftBuilder(oracleShare: settings.train.tuning.oracleShare,
                                      distractors: settings.train.raftDistractors ?? 0, seed: settings.train.seed)
        // The trained answer is the engine's target (the first alias).
        let examples = train.map { e in Example(id: e.id, question: e.question, answers: [e.target], gold: e.gold) }
        let built = try builder.build(examples, corpus: corpus, source: .random)
        var byQuestion: [String: [PromptAnswer]] = [:]
        for r in built {
            let context = r.documents.compactMap { corpus[id: $0.id]?.indexedText }
            byQuestion[r.questionID, default: []].append(format.pair(question: r.question,
                                                                    chunk: context.joined(separator: format.chunkSeparator),
                                                                    answer: r.answer))
        }
        return train.map { byQuestion[$0.id] ?? [] }
    }
}
