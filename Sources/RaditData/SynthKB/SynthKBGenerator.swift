import RaditBase
import RaditTensor

extension SynthKB {
    /// Generates a knowledge base from `config`; the same config gives the same value
    /// (and the same bytes from `write(to:)`). Reports "synthkb" progress per entity.
    public static func generate(_ config: SynthKBConfig,
                                progress: ProgressHandler = silentProgress) throws -> SynthKB {
        try config.validate()
        var entityGenerator = EntityGenerator(config: config)
        let entities = entityGenerator.generateAll()
        let writer = DocumentWriter(config: config, entities: entities)
        let documents = entities.map(writer.document)
        let asker = QuestionGenerator(config: config, entities: entities, documents: documents)

        var questions: [SynthQuestion] = []
        var seenText: Set<String> = []
        for e in entities {
            for var q in asker.questions(about: e) where !seenText.contains(q.text) {
                seenText.insert(q.text)
                q.split = split(q, entities: entities, config: config)
                questions.append(q)
            }
            if (e.index + 1) % 256 == 0 || e.index + 1 == entities.count,
               progress(ProgressEvent(stage: "synthkb", done: e.index + 1, total: entities.count, unit: "entities")) == .stop {
                break
            }
        }
        markVisibility(&questions)
        return SynthKB(config: config, entities: entities, documents: documents, questions: questions)
    }

    /// Questions touching a held-out entity go to test; the rest split by the shares.
    private static func split(_ q: SynthQuestion, entities: [SynthEntity], config: SynthKBConfig) -> SynthSplit {
        let touchesHeldOut = q.goldChunkIDs.contains { entities[Int($0.dropFirst())!].heldOut }
        if touchesHeldOut { return .test }
        var rng = RandomSource(seed: config.seed, key: "synthkb/split/\(q.id)")
        return [.train, .dev, .test][rng.categorical([config.trainShare, config.devShare, config.testShare])]
    }

    /// Marks each dev/test question by whether its gold documents were gold for training questions.
    private static func markVisibility(_ questions: inout [SynthQuestion]) {
        var trainGold: Set<String> = []
        for q in questions where q.split == .train { trainGold.formUnion(q.goldChunkIDs) }
        for i in questions.indices where questions[i].split != .train {
            let seen = questions[i].goldChunkIDs.filter(trainGold.contains).count
            questions[i].visibility = seen == questions[i].goldChunkIDs.count ? .seen : seen == 0 ? .unseen : .mixed
        }
    }

    public func document(_ chunkID: String) -> SynthDocument? {
        guard chunkID.first == "e", let i = Int(chunkID.dropFirst()), documents.indices.contains(i) else { return nil }
        return documents[i]
    }
}
