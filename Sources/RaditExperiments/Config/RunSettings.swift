import Foundation
import RaditData
import RaditKernels
import RaditModels
import RaditRemote
import RaditRetrieval
import RaditTuning

/// Where the data comes from (`data.source`).
public enum DataSource: String, Sendable, CaseIterable {
    case synthkb
    case beir
    case squad
    case hotpotqa
    case nq
    case folder

    /// The reader format of a file-backed source (synthkb reads its folder as BEIR).
    public var format: DatasetFormat {
        switch self {
        case .synthkb, .beir: return .beir
        case .squad: return .squad
        case .hotpotqa: return .hotpotqa
        case .nq: return .nq
        case .folder: return .folder
        }
    }
}

/// Dense index type (`index.kind`).
public enum IndexKind: String, Sendable, CaseIterable {
    case flat
    case hnsw
}

/// Which encoders R-ft updates (`retriever.tune`).
public enum RetrieverTuning: String, Sendable, CaseIterable {
    case query
    case both
}

/// Which LM parameters LM-ft updates (`lm.finetune`).
public enum LMFinetune: String, Sendable, CaseIterable {
    case lora
    case full
}

/// Who scores `log p(y | c ∘ x)` for the R-ft targets (`train.lsr_scorer`).
public enum LSRScorer: String, Sendable, CaseIterable {
    /// The run's own LM, as it trains.
    case lm
    /// The fixed model on the `[remote]` OpenAI-compatible server.
    case remote
}

/// Which LM the evaluation passes read with (`eval.lm`).
public enum EvaluatedLM: String, Sendable, CaseIterable {
    /// The run's own LM (base, and LM-ft after training).
    case lm
    /// The fixed model on the `[remote]` OpenAI-compatible server: generation from
    /// `/v1/completions`, rerank scores from completions with echo + logprobs.
    case remote
}

/// A paper's recipe as a preset (`train.recipe`); its values live in `ConfigSchema.recipes`.
public enum TrainingRecipe: String, Sendable, CaseIterable {
    /// No preset: every key the config does not set takes its schema default.
    case unset = "none"
    /// RA-DIT as published (Lin et al. 2024): `cached` schedule over the base retriever's
    /// top-10 with τ_LM = 0.01, LM-ft on the base, fixed retriever's top-3.
    case raDIT = "ra-dit"
    /// RAFT as published (Zhang et al. 2024): LM-ft on `<DOCUMENT>` prompts with P = 0.8,
    /// 4 random distractors, the chain-of-thought answer; evaluated with the same prompt.
    case raft

    /// The paper, for messages.
    public var paper: String {
        switch self {
        case .unset: return "no paper"
        case .raDIT: return "RA-DIT, Lin et al. 2024"
        case .raft: return "RAFT, Zhang et al. 2024"
        }
    }
}

/// What RAFT instances are trained to answer (`train.raft_answer`).
public enum RaftAnswer: String, Sendable, CaseIterable {
    /// RAFT §3: the chain-of-thought answer quoting the oracle between `##begin_quote##`
    /// and `##end_quote##`, the final answer after `<ANSWER>:`.
    case cot
    /// Radit's option: the bare answer, read like an RA-IT answer.
    case short
}

/// RAFT LM-ft data (`train.lm_source = "raft"`).
public struct RaftSettings: Sendable, Equatable {
    /// n: distractors beside the oracle.
    public var distractors: Int
    public var distractorSource: DistractorSourceKind
    public var answer: RaftAnswer
    public var noOracleAnswer: RaftNoOracleAnswer
}

/// Learning-rate schedule shape (`train.lr_schedule`).
public enum RateSchedule: String, Sendable, CaseIterable {
    case constant
    case cosine
}

extension SynthQuestionKind {
    /// The config spelling (`single_hop`; the data files write `single-hop`).
    public var configName: String { rawValue.replacingOccurrences(of: "-", with: "_") }

    public init?(configName: String) {
        self.init(rawValue: configName.replacingOccurrences(of: "_", with: "-"))
    }
}

/// `[data]`, typed.
public struct DataSettings: Sendable, Equatable {
    public var source: DataSource
    /// Empty for in-memory SynthKB.
    public var path: String
    public var entities: Int
    public var seed: UInt64
    public var questionKinds: [SynthQuestionKind]
    /// 0 = no limit.
    public var trainLimit: Int
    public var devLimit: Int
    public var testLimit: Int
    public var devFraction: Double
    public var testFraction: Double
    public var splitSeed: UInt64
    /// Chunk length in retriever tokens; 0 = one chunk per document.
    public var chunkTokens: Int
    public var chunkOverlap: Int
}

public struct IndexSettings: Sendable, Equatable {
    public var kind: IndexKind
    public var refreshEvery: Int
}

public struct RetrieverSettings: Sendable, Equatable {
    /// A folder, or "tiny".
    public var model: String
    public var maxLength: Int
    public var tune: RetrieverTuning
    /// 0 = every tensor.
    public var trainableLayers: Int
    /// A run folder or checkpoint whose tuned query encoder this run adopts; "" = none.
    public var fromRun: String
}

public struct LMSettings: Sendable, Equatable {
    /// A GGUF file, or "tiny".
    public var model: String
    public var finetune: LMFinetune
    public var loraRank: Int
    public var loraAlpha: Double
    public var loraDropout: Double
    public var loraTargets: LoRAConfig.Targets
    public var maxLength: Int
    public var format: PromptFormat
    public var scoringBatch: Int
    /// A run folder or checkpoint whose tuned LM this run adopts; "" = none.
    public var fromRun: String

    /// LoRA as configured, seeded by `seed`.
    public func lora(seed: UInt64) -> LoRAConfig {
        LoRAConfig(rank: loraRank, alpha: loraAlpha, dropout: loraDropout, targets: loraTargets, seed: seed)
    }
}

public struct TrainSettings: Sendable, Equatable {
    /// The engine's options (schedule, steps, losses, rates, oracle share, seed).
    public var tuning: TuningOptions
    /// RAFT instances (nil unless `lm_source = "raft"`).
    public var raft: RaftSettings?
    public var lmMicroBatch: Int
    public var lmOptimizer: OptimizerOptions
    public var retrieverOptimizer: OptimizerOptions
    public var checkpointEvery: Int
    public var evalEvery: Int
    public var keepCheckpoints: Int
    public var lsrScorer: LSRScorer

    public var seed: UInt64 { tuning.seed }
}

public struct EvalSettings: Sendable, Equatable {
    public var inference: InferenceOptions
    public var recallAt: [Int]
    public var table: Bool
    public var lm: EvaluatedLM
}

/// `[remote]`, typed: the OpenAI-compatible server and how to talk to it.
public struct RemoteSettings: Sendable, Equatable {
    public var baseURL: String
    public var model: String
    /// Empty: the server takes no key.
    public var apiKeyEnvironment: String
    public var timeout: Double
    public var maxConcurrency: Int
    public var maxAttempts: Int
    /// Appended to every answer the server scores ('' = none).
    public var endOfAnswer: String
}

extension RemoteSettingNames {
    /// The `[remote]` section's keys, for errors about its server.
    static let remoteSection = RemoteSettingNames(baseURL: "remote.base_url", apiKey: "remote.api_key_env")
}

/// A whole config decoded once into typed settings: the only place (with the schema and
/// validation beside it) that reads values by key.
public struct RunSettings: Sendable, Equatable {
    public var data: DataSettings
    public var index: IndexSettings
    public var retriever: RetrieverSettings
    public var lm: LMSettings
    public var train: TrainSettings
    public var eval: EvalSettings
    public var remote: RemoteSettings
}

extension ExperimentConfig {
    /// The typed settings. Call after `validate()`, which checks every rule the decoding
    /// relies on (the template, the choices).
    public func settings() throws -> RunSettings {
        let seed = UInt64(bitPattern: Int64(int("train.seed")))
        let data = DataSettings(
            source: choice("data.source"), path: string("data.path"), entities: int("data.entities"),
            seed: UInt64(bitPattern: Int64(int("data.seed"))),
            questionKinds: list("data.question_kinds").compactMap(SynthQuestionKind.init(configName:)),
            trainLimit: int("data.train_limit"), devLimit: int("data.dev_limit"), testLimit: int("data.test_limit"),
            devFraction: double("data.dev_fraction"), testFraction: double("data.test_fraction"),
            splitSeed: UInt64(bitPattern: Int64(int("data.split_seed"))),
            chunkTokens: int("data.chunk_tokens"), chunkOverlap: int("data.chunk_overlap"))
        let format = PromptFormat(template: try PromptTemplate(string("lm.template")),
                                  closedBook: string("lm.closed_book_template"),
                                  chunkSeparator: string("lm.chunk_separator"), answerTag: string("lm.answer_tag"),
                                  documents: choice("lm.document_format"))
        let lm = LMSettings(model: string("lm.model"), finetune: choice("lm.finetune"), loraRank: int("lm.lora_rank"),
                            loraAlpha: double("lm.lora_alpha"), loraDropout: double("lm.lora_dropout"),
                            loraTargets: choice("lm.lora_targets"), maxLength: int("lm.max_length"), format: format,
                            scoringBatch: int("lm.scoring_batch"), fromRun: string("lm.from_run"))
        func rate(_ peak: Double) -> LearningRateSchedule {
            switch choice("train.lr_schedule") as RateSchedule {
            case .cosine:
                return .cosine(peak: peak, minimum: peak * double("train.min_lr_ratio"), warmupSteps: int("train.warmup_steps"),
                               totalSteps: int("train.steps"))
            case .constant:
                return .constant(peak: peak)
            }
        }
        func optimizer(_ stage: String) -> OptimizerOptions {
            let clip = double("train.\(stage)_clip_norm")
            return OptimizerOptions(adamW: AdamWConfig(beta1: double("train.\(stage)_adam_beta1"), beta2: double("train.\(stage)_adam_beta2"),
                                                       eps: double("train.\(stage)_adam_eps"),
                                                       weightDecay: double("train.\(stage)_weight_decay")),
                                    clipNorm: clip > 0 ? clip : nil)
        }
        let objective = RetrieverObjective(kind: choice("train.loss"), direction: choice("train.kl_direction"),
                                           scoreMode: choice("train.score_mode"),
                                           retrieverTemperature: double("train.retriever_temperature"),
                                           lmTemperature: double("train.lm_temperature"))
        let tuning = TuningOptions(schedule: choice("train.schedule"), steps: int("train.steps"), batchSize: int("train.batch_size"),
                                   candidates: int("train.candidates"), lmTopK: int("train.lm_top_k"), objective: objective,
                                   lmRate: rate(double("train.lm_lr")), retrieverRate: rate(double("train.retriever_lr")),
                                   oracleShare: double("train.oracle_share"), lmSource: choice("train.lm_source"), seed: seed)
        let train = TrainSettings(tuning: tuning,
                                  raft: tuning.lmSource != .raft ? nil
                                      : RaftSettings(distractors: int("train.raft_distractors"),
                                                     distractorSource: choice("train.raft_distractor_source"),
                                                     answer: choice("train.raft_answer"),
                                                     noOracleAnswer: choice("train.raft_no_oracle_answer")),
                                  lmMicroBatch: int("train.lm_micro_batch"),
                                  lmOptimizer: optimizer("lm"), retrieverOptimizer: optimizer("retriever"),
                                  checkpointEvery: int("train.checkpoint_every"), evalEvery: int("train.eval_every"),
                                  keepCheckpoints: int("train.keep_checkpoints"), lsrScorer: choice("train.lsr_scorer"))
        let inference = InferenceOptions(mode: choice("eval.mode"), k: int("eval.top_k"), temperature: double("eval.temperature"),
                                         maxTokens: int("eval.max_tokens"))
        return RunSettings(
            data: data,
            index: IndexSettings(kind: choice("index.kind"), refreshEvery: int("index.refresh_every")),
            retriever: RetrieverSettings(model: string("retriever.model"), maxLength: int("retriever.max_length"),
                                         tune: choice("retriever.tune"), trainableLayers: int("retriever.trainable_layers"),
                                         fromRun: string("retriever.from_run")),
            lm: lm, train: train,
            eval: EvalSettings(inference: inference, recallAt: ints("eval.recall_at"), table: bool("eval.table"),
                               lm: choice("eval.lm")),
            remote: RemoteSettings(baseURL: string("remote.base_url"), model: string("remote.model"),
                                   apiKeyEnvironment: string("remote.api_key_env"), timeout: double("remote.timeout"),
                                   maxConcurrency: int("remote.max_concurrency"), maxAttempts: int("remote.max_attempts"),
                                   endOfAnswer: string("remote.end_of_answer")))
    }
}

extension RunSettings {
    /// A path from the config, relative to `root` unless absolute.
    public static func resolve(_ path: String, root: URL) -> URL {
        // A catalog model name (`all-MiniLM-L6-v2`, `SmolLM2-135M-Instruct`) is its file or
        // folder under `root/models`.
        if let m = ModelCatalog.named(path) { return ModelCatalog.location(m, modelsDir: root.appendingPathComponent("models")) }
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }
}

extension TunedComponent {
    /// The config key that adopts this component from another run.
    public var fromRunKey: String { self == .lm ? "lm.from_run" : "retriever.from_run" }
}
