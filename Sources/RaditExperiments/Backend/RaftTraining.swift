import RaditData
import RaditTuning

/// LM-ft data for `train.lm_source = "raft"`: RAFT instances (Zhang et al. 2024) built by
/// the data layer's `RaftBuilder` over the run's chunks: with probability P
/// (`train.raft_p`) the gold chunk plus n (`train.raft_distractors`) random distractors,
/// otherwise n + |gold| distractors only, shuffled. The documents fill the run's one-chunk
/// template as its `{c}` (joined like `concat` inference) and the target is the short
/// answer, so the tuned LM is read the same way as under RA-IT (after `lm.answer_tag`, with
/// few `eval.max_tokens`) rather than RAFT's long chain-of-thought completion.
public enum RaftTraining {
    /// One instance list per training example, in `train` order (empty for a question
    /// without a gold chunk). Deterministic in (config, data): each instance's randomness
    /// is keyed by its content hash and `train.seed`, which `--resume` relies on.
    public static func instances(_ config: ExperimentConfig, chunks: ChunkTexts, train: [QAExample],
                                 format: PromptFormat) throws -> [[PromptAnswer]] {
        let builder = try RaftBuilder(oracleProbability: config.double("train.raft_p"),
                                      distractors: config.int("train.raft_distractors"),
                                      seed: UInt64(bitPattern: Int64(config.int("train.seed"))))
        // Position-named chunks: the engine addresses chunks by index position.
        let corpus = try Corpus(chunks.texts.enumerated().map { Chunk(id: "chunk-\($0.offset)", title: "", text: $0.element) })
        let examples = train.map { e in
            Example(id: e.id, question: e.question, answers: [e.target],
                    gold: e.goldChunks.map { Relevance(id: "chunk-\($0)") })
        }
        let built = try builder.build(examples, corpus: corpus, source: .random)
        var byQuestion: [String: [PromptAnswer]] = [:]
        for r in built {
            let context = r.documents.map(\.text)
            byQuestion[r.questionID, default: []].append(format.pair(question: r.question,
                                                                    chunk: context.joined(separator: format.chunkSeparator),
                                                                    answer: r.answer))
        }
        return train.map { byQuestion[$0.id] ?? [] }
    }
}
