import Foundation

extension SynthKB {
    /// The documents as a corpus (chunk id = document id).
    public var corpus: Corpus {
        var c = Corpus()
        for d in documents { c.appendIfAbsent(Chunk(id: d.id, title: d.title, text: d.text)) }
        return c
    }

    /// Questions of one split (all when nil) as examples: answers are the aliases (answer
    /// first), gold the gold chunks; metadata `kind`, `split` and `visibility`.
    public func examples(_ split: SynthSplit? = nil) -> [Example] {
        questions.filter { split == nil || $0.split == split }.map { q in
            var metadata = ["kind": q.kind.rawValue, "split": q.split.rawValue]
            if let v = q.visibility { metadata["visibility"] = v.rawValue }
            return Example(id: q.id, question: q.text, answers: q.aliases,
                           gold: q.goldChunkIDs.map { Relevance(id: $0) }, metadata: metadata)
        }
    }

    /// Question id → supporting sentences (trimmed, verbatim in the gold chunks).
    public var supportingSentences: SupportingSentences {
        var out: SupportingSentences = [:]
        for q in questions { out[q.id] = q.supporting.map { $0.sentence.trimmingCharacters(in: .whitespaces) } }
        return out
    }

    /// The knowledge base as one dataset (BEIR-shaped: the same corpus and queries the
    /// BEIR reader gives for the written folder).
    public func dataset(split: SynthSplit? = nil) throws -> Dataset {
        Dataset(name: "synthkb-\(config.seed)", format: .beir, corpus: corpus,
                queries: try QuerySet(examples(split), source: "synthkb"))
    }
}

extension SynthSplit {
    /// The fine-tuning split name (dev → validation).
    public var exportSplit: ExportSplit {
        switch self {
        case .train: return .train
        case .dev: return .validation
        case .test: return .test
        }
    }
}
