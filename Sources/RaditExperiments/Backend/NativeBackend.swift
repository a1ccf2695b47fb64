import Foundation
import RaditBase
import RaditTuning

/// What the native backend cannot build in this build of Radit.
public enum BackendError: RaditError, Equatable {
    case unavailable(key: String, reason: String)

    public var message: String {
        switch self {
        case let .unavailable(key, reason): return "`\(key)`: \(reason)"
        }
    }
}

/// The native backend: SynthKB or dataset readers for data, the BERT bi-encoder (query
/// side tuned) with a flat index, and the Llama LM (LoRA or full LM-ft).
public struct NativeBackend: ExperimentBackend {
    public init() {}

    public func build(_ config: ExperimentConfig, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        let data = try ExperimentData.load(config, progress: progress)
        guard !data.train.isEmpty else { throw RunError.emptySplit(split: "train") }
        throw BackendError.unavailable(key: "lm.model", reason: "the native Llama LM-ft adapter is not in this build yet")
    }
}
