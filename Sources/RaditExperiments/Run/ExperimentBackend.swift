import Foundation
import RaditBase
import RaditIndex
import RaditRetrieval
import RaditTuning

/// The LM a run tunes: scoring, LM-ft steps, generation and checkpoints.
public typealias TunableLM = LMTrainer & AnswerGenerator & Checkpointable
/// The query encoder a run tunes.
public typealias TunableQueryEncoder = QueryEncoder & Checkpointable

/// Everything a run needs, built from the config by a backend.
public struct ExperimentSetup {
    public var lm: TunableLM
    public var encoder: TunableQueryEncoder
    /// The document embeddings the query encoder searches (frozen during a run).
    public var index: any VectorIndex
    public var chunks: ChunkTexts
    public var train: [QAExample]
    public var dev: [QAExample]
    /// RAFT instances per training example (train.lm_source = "raft").
    public var raft: [[PromptAnswer]]

    public init(lm: TunableLM, encoder: TunableQueryEncoder, index: any VectorIndex, chunks: ChunkTexts,
                train: [QAExample], dev: [QAExample], raft: [[PromptAnswer]] = []) {
        self.lm = lm
        self.encoder = encoder
        self.index = index
        self.chunks = chunks
        self.train = train
        self.dev = dev
        self.raft = raft
    }
}

/// Builds models, data and index from a validated config. The native backend (Llama +
/// BERT + flat index + SynthKB/readers) is one; tests plug in small deterministic ones.
public protocol ExperimentBackend {
    /// Must be deterministic: the same config gives bit-identical initial models and data,
    /// which `--resume` relies on.
    func build(_ config: ExperimentConfig, root: URL, progress: ProgressHandler) throws -> ExperimentSetup
}
