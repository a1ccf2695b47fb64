import RaditBase
import RaditData
import RaditTuning

/// The content an evaluation pass depends on, hashed: the LM (its checkpoint identity, as
/// the LSR cache keys it), the query encoder's parameters, the inference options and
/// recall cut-offs, the prompt template, the corpus and questions, and every data, index,
/// retriever and LM setting. Training settings are left out: two cells that differ only
/// in how they train evaluate their untrained models identically; so are `*.from_run`,
/// since the LM's identity and the query encoder's parameters are hashed themselves.
struct EvaluationPassKey {
    let base: String

    init(config: ExperimentConfig, template: String, corpus: Corpus, questions: [Example]) {
        var h = SHA256()
        func add(_ s: String) {
            h.update("\(s.utf8.count):")
            h.update(s)
        }
        let adopted = Set(TunedComponent.allCases.map(\.fromRunKey))
        for f in ConfigSchema.fields where ["data", "index", "retriever", "lm"].contains(f.section) && !adopted.contains(f.key) {
            add("\(f.key)=\(config[f.key])")
        }
        add(template)
        add("chunks:\(corpus.chunks.count)")
        for c in corpus.chunks { add(c.id) }
        for t in corpus.indexedTexts { add(t) }
        add("questions:\(questions.count)")
        for q in questions {
            add(q.id)
            add(q.question)
            add(q.answers.joined(separator: "\u{1}"))
            add(q.gold.map { "\($0.id):\($0.grade)" }.joined(separator: "\u{1}"))
        }
        base = SHA256.hexString(h.finalize())
    }

    func key(lm: String, retriever: [CheckpointTensor], options: InferenceOptions, recallAt: [Int]) -> String {
        var h = SHA256()
        h.update(base)
        h.update("lm:\(lm.utf8.count):\(lm)")
        for t in retriever where t.section == .params {
            h.update("\(t.name):\(t.tensor.shape)")
            t.tensor.scalars.withUnsafeBytes { h.update(buffer: $0) }
        }
        let read = Self.optionsRead(options)
        h.update("options:\(read.mode.rawValue),\(read.k),\(read.temperature.bitPattern),\(read.maxTokens)")
        h.update("recall:\(recallAt)")
        return SHA256.hexString(h.finalize())
    }

    /// The inference options a pass of `options.mode` reads, the others zeroed: closed-book
    /// and oracle answer without retrieved chunks (neither k nor p_R's temperature enters),
    /// concat does not mix by p_R (no temperature); rerank and replug read all. So a
    /// closed-book pass is shared across a top-k grid.
    static func optionsRead(_ options: InferenceOptions) -> InferenceOptions {
        var o = options
        switch o.mode {
        case .closedBook, .oracle: o.k = 0; o.temperature = 0
        case .concat: o.temperature = 0
        case .rerank, .replug: break
        }
        return o
    }
}
