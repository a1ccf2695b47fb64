import Foundation
import RaditBase
import RaditData
import RaditTuning

/// The corpus (one chunk per document) and the train/dev questions of an experiment.
public struct ExperimentData: Sendable {
    public var chunks: ChunkTexts
    /// Chunk ids as the dataset names them, by index position.
    public var chunkIDs: [String]
    public var train: [QAExample]
    public var dev: [QAExample]

    public static func load(_ config: ExperimentConfig, progress: ProgressHandler = silentProgress) throws -> ExperimentData {
        switch config.choice("data.source") as DataSource {
        case .synthkb:
            return try synthKB(config, progress: progress)
        case .beir, .squad, .hotpotqa:
            throw ConfigError.invalid(key: "data.source", reason: "\"\(config.string("data.source"))\" runs are not wired into `radit run` yet; use \"synthkb\" (the dataset readers work with `radit generate`)")
        }
    }

    /// SynthKB (DESIGN §4): one chunk per entity document; questions of the configured kinds.
    static func synthKB(_ config: ExperimentConfig, progress: ProgressHandler) throws -> ExperimentData {
        let kb = try SynthKB.generate(SynthKBConfig(entities: config.int("data.entities"),
                                                    seed: UInt64(config.int("data.seed"))), progress: progress)
        let kinds = Set(config.string("data.question_kinds").split(separator: ",").compactMap { raw -> SynthQuestionKind? in
            switch raw.trimmingCharacters(in: .whitespaces) {
            case "single_hop": return .singleHop
            case "bridge": return .bridge
            case "comparison": return .comparison
            default: return nil
            }
        })
        let ids = kb.documents.map(\.id)
        var position: [String: Int] = [:]
        for (i, id) in ids.enumerated() { position[id] = i }
        func examples(_ split: SynthSplit, limit: Int) -> [QAExample] {
            let qs = kb.questions.filter { $0.split == split && kinds.contains($0.kind) }
            let chosen = limit > 0 ? Array(qs.prefix(limit)) : qs
            return chosen.map { q in
                QAExample(id: q.id, question: q.text, answers: q.aliases.isEmpty ? [q.answer] : q.aliases,
                          goldChunks: q.goldChunkIDs.compactMap { position[$0] })
            }
        }
        return ExperimentData(chunks: ChunkTexts(kb.documents.map { "\($0.title). \($0.text)" }), chunkIDs: ids,
                              train: examples(.train, limit: config.int("data.train_limit")),
                              dev: examples(.dev, limit: config.int("data.dev_limit")))
    }
}
