import RaditRetrieval
import RaditTuning

/// The type a config key accepts.
public enum ConfigType: Sendable, Equatable, CustomStringConvertible {
    case int
    case double
    case bool
    case string
    /// A string from a fixed set (schedules, losses, KL direction, score modes, ...).
    case choice([String])
    case ints
    case doubles

    public var description: String {
        switch self {
        case .int: return "an integer"
        case .double: return "a number"
        case .bool: return "true or false"
        case .string: return "a string"
        case .choice(let c): return "one of " + c.map { "\"\($0)\"" }.joined(separator: ", ")
        case .ints: return "an array of integers"
        case .doubles: return "an array of numbers"
        }
    }
}

/// One config key: `section.name`, its type, default and meaning.
public struct ConfigField: Sendable, Equatable {
    public var key: String
    public var type: ConfigType
    public var defaultValue: ConfigValue
    public var help: String

    public var section: String { String(key.prefix { $0 != "." }) }
    public var name: String { String(key.drop { $0 != "." }.dropFirst()) }
}

func choices<E: RawRepresentable & CaseIterable>(_ e: E.Type) -> ConfigType where E.RawValue == String {
    .choice(E.allCases.map(\.rawValue))
}

/// Every key a Radit experiment config may hold (DESIGN §7). Unknown keys are errors.
public enum ConfigSchema {
    public static let sections = ["data", "index", "retriever", "lm", "train", "eval", "sweep", "remote"]

    public static let fields: [ConfigField] = [
        // [data]
        .init(key: "data.source", type: choices(DataSource.self), defaultValue: .string("synthkb"),
              help: "where questions and the corpus come from"),
        .init(key: "data.path", type: .string, defaultValue: .string(""),
              help: "dataset folder or file (not used by synthkb)"),
        .init(key: "data.entities", type: .int, defaultValue: .int(200), help: "SynthKB entities"),
        .init(key: "data.seed", type: .int, defaultValue: .int(0), help: "SynthKB / sampling seed"),
        .init(key: "data.train_limit", type: .int, defaultValue: .int(0), help: "use at most this many training questions (0: all)"),
        .init(key: "data.dev_limit", type: .int, defaultValue: .int(0), help: "evaluate at most this many dev questions (0: all)"),
        .init(key: "data.question_kinds", type: .string, defaultValue: .string("single_hop"),
              help: "SynthKB question kinds, comma-separated: single_hop, bridge, comparison"),
        // [index]
        .init(key: "index.kind", type: choices(IndexKind.self), defaultValue: .string("flat"), help: "dense index type"),
        .init(key: "index.chunk_size", type: .int, defaultValue: .int(128), help: "chunk length"),
        .init(key: "index.chunk_unit", type: .choice(["tokens", "characters"]), defaultValue: .string("tokens"),
              help: "what chunk_size counts"),
        .init(key: "index.refresh_every", type: .int, defaultValue: .int(0),
              help: "re-embed the corpus every n steps when the document encoder trains (0: never)"),
        // [retriever]
        .init(key: "retriever.model", type: .string, defaultValue: .string("models/all-MiniLM-L6-v2"),
              help: "folder with model.safetensors, config.json, tokenizer.json, or \"tiny\" (from scratch, bytes)"),
        .init(key: "retriever.max_length", type: .int, defaultValue: .int(64), help: "query/chunk tokens"),
        .init(key: "retriever.tune", type: .choice(["query", "both"]), defaultValue: .string("query"),
              help: "R-ft updates the query encoder only (RA-DIT/Atlas) or both encoders"),
        .init(key: "retriever.trainable_layers", type: .int, defaultValue: .int(0),
              help: "R-ft trains only the top n transformer blocks (0: every tensor); fewer means faster steps and smaller checkpoints"),
        // [lm]
        .init(key: "lm.model", type: .string,
              defaultValue: .string("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"),
              help: "GGUF file, or \"tiny\" (a small from-scratch model over bytes)"),
        .init(key: "lm.finetune", type: .choice(["lora", "full"]), defaultValue: .string("lora"), help: "LM-ft parameters"),
        .init(key: "lm.lora_rank", type: .int, defaultValue: .int(8), help: "LoRA rank"),
        .init(key: "lm.lora_alpha", type: .double, defaultValue: .double(16), help: "LoRA alpha"),
        .init(key: "lm.lora_dropout", type: .double, defaultValue: .double(0), help: "LoRA dropout probability"),
        .init(key: "lm.lora_targets", type: .choice(["attention", "all"]), defaultValue: .string("attention"),
              help: "LoRA on attention projections or on all linear layers"),
        .init(key: "lm.max_length", type: .int, defaultValue: .int(256), help: "prompt + answer tokens"),
        .init(key: "lm.template", type: .string, defaultValue: .string(PromptFormat().template.text),
              help: "one-chunk prompt: {c} chunk, {x} question, ending with {y} the answer"),
        .init(key: "lm.closed_book_template", type: .string, defaultValue: .string(PromptFormat().closedBook),
              help: "prompt without context: {x} question, ending with {y}"),
        .init(key: "lm.answer_tag", type: .string, defaultValue: .string("Answer:"),
              help: "generated answers are read after the last occurrence of this tag"),
        // [train]
        .init(key: "train.schedule", type: choices(TuningSchedule.self), defaultValue: .string("lockstep"), help: "when each stage steps"),
        .init(key: "train.steps", type: .int, defaultValue: .int(100), help: "optimizer steps per stage"),
        .init(key: "train.batch_size", type: .int, defaultValue: .int(4), help: "questions per step"),
        .init(key: "train.candidates", type: .int, defaultValue: .int(8), help: "K: retrieved chunks per question for R-ft"),
        .init(key: "train.lm_top_k", type: .int, defaultValue: .int(3), help: "k ≤ K: retrieved chunks per question as LM-ft instances"),
        .init(key: "train.loss", type: choices(RetrieverLossKind.self), defaultValue: .string("lsr"), help: "R-ft loss"),
        .init(key: "train.kl_direction", type: choices(KLDirection.self), defaultValue: .string("target_to_retriever"),
              help: "KL(p_LSR‖p_R) (Atlas/REPLUG code) or KL(p_R‖p_LSR) (RA-DIT Eq. 5)"),
        .init(key: "train.score_mode", type: choices(LSRScoreMode.self), defaultValue: .string("prob"), help: "LM preference g"),
        .init(key: "train.retriever_temperature", type: .double, defaultValue: .double(0.1), help: "τ_R"),
        .init(key: "train.lm_temperature", type: .double, defaultValue: .double(0.1), help: "τ_LM"),
        .init(key: "train.lm_lr", type: .double, defaultValue: .double(1e-4), help: "LM-ft peak learning rate"),
        .init(key: "train.retriever_lr", type: .double, defaultValue: .double(1e-5), help: "R-ft peak learning rate"),
        .init(key: "train.warmup_steps", type: .int, defaultValue: .int(0), help: "linear warm-up steps"),
        .init(key: "train.lr_schedule", type: .choice(["constant", "cosine"]), defaultValue: .string("cosine"),
              help: "constant, or linear warm-up then cosine decay over each stage's steps"),
        .init(key: "train.min_lr_ratio", type: .double, defaultValue: .double(0), help: "cosine floor as a share of the peak"),
        .init(key: "train.oracle_share", type: .double, defaultValue: .double(0),
              help: "P: share of LM-ft instances given the gold chunk"),
        .init(key: "train.lm_source", type: choices(LMInstanceSource.self), defaultValue: .string("retrieved"),
              help: "RA-IT instances from retrieval, or RAFT instances"),
        .init(key: "train.raft_p", type: .double, defaultValue: .double(-1),
              help: "RAFT P: probability an instance holds the gold chunk (required with lm_source = \"raft\"; -1: unset)"),
        .init(key: "train.raft_distractors", type: .int, defaultValue: .int(-1),
              help: "RAFT distractor chunks per instance (required with lm_source = \"raft\"; -1: unset)"),
        .init(key: "train.seed", type: .int, defaultValue: .int(0), help: "data order and oracle coin"),
        .init(key: "train.checkpoint_every", type: .int, defaultValue: .int(50), help: "checkpoint every n steps (0: only at the end)"),
        .init(key: "train.eval_every", type: .int, defaultValue: .int(0), help: "dev evaluation every n steps (0: only at the end)"),
        .init(key: "train.keep_checkpoints", type: .int, defaultValue: .int(2), help: "latest checkpoints kept (the best is kept too)"),
        // [eval]
        .init(key: "eval.mode", type: choices(InferenceMode.self), defaultValue: .string("rerank"),
              help: "inference: rerank (RA-DIT App. B: decode per chunk, rerank answers by the p_R mixture), replug (REPLUG: per-token mixture), concat, closed_book, oracle"),
        .init(key: "eval.top_k", type: .int, defaultValue: .int(3), help: "chunks per question at inference"),
        .init(key: "eval.temperature", type: .double, defaultValue: .double(0.1), help: "p_R temperature of the rerank and replug mixtures"),
        .init(key: "eval.max_tokens", type: .int, defaultValue: .int(16), help: "cap on generated answer tokens (answers end at the end-of-answer token LM-ft trains)"),
        .init(key: "eval.recall_at", type: .ints, defaultValue: .ints([1, 5]), help: "gold-passage recall cut-offs"),
        .init(key: "eval.table", type: .bool, defaultValue: .bool(true),
              help: "also evaluate the base LM / base retriever pairs and print the RA-DIT Table 6 layout"),
        // [sweep]
        .init(key: "sweep.seeds", type: .ints, defaultValue: .ints([]), help: "repeat the run with these train.seed values"),
        // [remote]
        .init(key: "remote.base_url", type: .string, defaultValue: .string(""), help: "OpenAI-compatible server for LM scoring ('' = native)"),
        .init(key: "remote.model", type: .string, defaultValue: .string(""), help: "model name on the server"),
        .init(key: "remote.api_key_env", type: .string, defaultValue: .string("OPENAI_API_KEY"), help: "environment variable holding the key"),
        .init(key: "remote.timeout", type: .double, defaultValue: .double(60), help: "seconds per request"),
    ]

    /// Keys the schema reserves for features `radit run` does not drive yet (other index
    /// kinds, chunking of non-SynthKB corpora, tuning both encoders with index refresh, the
    /// remote LM). Setting one to a non-default value is an error rather
    /// than silently ignored.
    public static let notWired: Set<String> = [
        "index.kind", "index.chunk_size", "index.chunk_unit", "index.refresh_every", "retriever.tune",
        "remote.base_url", "remote.model", "remote.api_key_env", "remote.timeout",
    ]

    public static let byKey: [String: ConfigField] = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })
}

/// Where the data comes from.
public enum DataSource: String, Sendable, CaseIterable {
    case synthkb
    case beir
    case squad
    case hotpotqa
}

/// Dense index type.
public enum IndexKind: String, Sendable, CaseIterable {
    case flat
    case hnsw
}
