import Foundation
import RaditBase
import RaditData
import RaditIndex
import RaditRetrieval
import RaditTuning

/// The LM a run tunes: scoring, LM-ft steps, generation and checkpoints.
public typealias TunableLM = LMTrainer & AnswerGenerator & Checkpointable
/// The query encoder a run tunes.
public typealias TunableQueryEncoder = QueryEncoder & Checkpointable

/// Everything a run needs, built from the settings by a backend.
public struct ExperimentSetup {
    public var lm: TunableLM
    public var encoder: TunableQueryEncoder
    /// The document embeddings the query encoder searches (frozen during a run).
    public var index: any VectorIndex
    /// The corpus (index ids are its positions) and the questions by split.
    public var data: ExperimentData
    /// RAFT instances per training example (train.lm_source = "raft").
    public var raft: [[PromptAnswer]]

    public init(lm: TunableLM, encoder: TunableQueryEncoder, index: any VectorIndex, data: ExperimentData,
                raft: [[PromptAnswer]] = []) {
        self.lm = lm
        self.encoder = encoder
        self.index = index
        self.data = data
        self.raft = raft
    }
}

/// Builds models, data and index from validated settings. The native backend (Llama +
/// BERT + flat index + the dataset readers) is one; tests plug in small deterministic ones.
public protocol ExperimentBackend {
    /// Must be deterministic: the same settings give bit-identical initial models and data,
    /// which `--resume` relies on.
    func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup
}
