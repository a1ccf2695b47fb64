import RaditData
import RaditExperiments
import RaditKernels
import RaditModels
import RaditRetrieval
@testable import RaditTuning

// The engine's option structs have no defaults (the config schema holds them). These are
// the baselines the engine tests start from, each field given; a test changes what it
// exercises.

extension TuningOptions {
    static func test() -> TuningOptions {
        TuningOptions(schedule: .lockstep, steps: 100, batchSize: 4, candidates: 8, lmTopK: 3, objective: testObjective(),
                      lmRate: .constant(peak: 1e-4), retrieverRate: .constant(peak: 1e-5), oracleShare: 0,
                      lmSource: .retrieved, seed: 0)
    }
}

extension InferenceOptions {
    static func test() -> InferenceOptions { InferenceOptions(mode: .rerank, k: 3, temperature: 1, maxTokens: 16) }
}

func testObjective(kind: RetrieverLossKind = .lsr, direction: KLDirection = .targetToRetriever, scoreMode: LSRScoreMode = .prob,
                   retrieverTemperature: Double = 1, lmTemperature: Double = 1) -> RetrieverObjective {
    RetrieverObjective(kind: kind, direction: direction, scoreMode: scoreMode, retrieverTemperature: retrieverTemperature,
                       lmTemperature: lmTemperature)
}

extension PromptFormat {
    /// The schema's default prompt format.
    static var schemaDefault: PromptFormat {
        // The defaults always decode (ConfigTests checks it).
        (try? ExperimentConfig().settings().lm.format)!
    }
}

extension OptimizerOptions {
    static let test = OptimizerOptions(adamW: AdamWConfig(), clipNorm: 1)
}
