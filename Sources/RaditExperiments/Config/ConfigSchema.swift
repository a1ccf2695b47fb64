import RaditData
import RaditModels
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
    /// A comma-separated list of strings from a fixed set.
    case choiceList([String])
    case ints

    public var description: String {
        switch self {
        case .int: return "an integer"
        case .double: return "a number"
        case .bool: return "true or false"
        case .string: return "a string"
        case .choice(let c): return "one of " + c.map { "\"\($0)\"" }.joined(separator: ", ")
        case .choiceList(let c): return "a comma-separated list of " + c.joined(separator: ", ")
        case .ints: return "an array of integers"
        }
    }

    /// Short name for the reference table.
    public var name: String {
        switch self {
        case .int: return "int"
        case .double: return "number"
        case .bool: return "bool"
        case .string: return "string"
        case .choice: return "choice"
        case .choiceList: return "list"
        case .ints: return "int array"
        }
    }

    /// The values a choice accepts (empty for other types).
    public var allowed: [String] {
        switch self {
        case .choice(let c), .choiceList(let c): return c
        default: return []
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

/// Every key a Radit experiment config may hold (DESIGN §7), with the one default each has:
/// the engine's option structs have no defaults of their own. Unknown keys are errors.
public enum ConfigSchema {
    public static let sections = ["data", "index", "retriever", "lm", "train", "eval", "sweep", "remote"]

    public static let fields: [ConfigField] = [
        // [data]
        .init(key: "data.source", type: choices(DataSource.self), defaultValue: .string("synthkb"),
              help: "where questions and the corpus come from: synthkb (generated in memory, or a `radit generate synthkb` folder in data.path), or a dataset read from data.path"),
        .init(key: "data.path", type: .string, defaultValue: .string(""),
              help: "dataset folder or file (BEIR folder, SQuAD/HotpotQA .json, NQ-open .jsonl, text folder); with synthkb: '' generates the knowledge base in memory from data.entities and data.seed"),
        .init(key: "data.entities", type: .int, defaultValue: .int(200), help: "SynthKB entities (in-memory generation)"),
        .init(key: "data.seed", type: .int, defaultValue: .int(0), help: "SynthKB generator seed (in-memory generation)"),
        .init(key: "data.question_kinds", type: .choiceList(SynthQuestionKind.allCases.map(\.configName)), defaultValue: .string("single_hop"),
              help: "SynthKB question kinds to use"),
        .init(key: "data.train_limit", type: .int, defaultValue: .int(0), help: "use at most this many training questions (0: all)"),
        .init(key: "data.dev_limit", type: .int, defaultValue: .int(0), help: "use at most this many dev questions (0: all)"),
        .init(key: "data.test_limit", type: .int, defaultValue: .int(0), help: "use at most this many test questions (0: all)"),
        .init(key: "data.dev_fraction", type: .double, defaultValue: .double(0.1),
              help: "share of the questions in dev when the dataset has no train/dev splits of its own (the split is by question, seeded by data.split_seed; with an own train split but no dev, the share of train moved to dev)"),
        .init(key: "data.test_fraction", type: .double, defaultValue: .double(0.1),
              help: "share of the questions in test when the dataset has no train/dev splits of its own (0: no test split; results are then on dev)"),
        .init(key: "data.split_seed", type: .int, defaultValue: .int(0), help: "seed of the split by question (recorded in run.h5 with the question ids of each split)"),
        .init(key: "data.chunk_tokens", type: .int, defaultValue: .int(0),
              help: "split documents longer than this many retriever tokens (WordPiece tokens of retriever.model, bytes for \"tiny\"; paragraphs packed, long ones windowed) into chunks with ids `<document id>#<n>`; 0: one chunk per document as the dataset gives it"),
        .init(key: "data.chunk_overlap", type: .int, defaultValue: .int(0),
              help: "retriever tokens shared by consecutive windows of one long paragraph (< data.chunk_tokens)"),
        // [index]
        .init(key: "index.kind", type: choices(IndexKind.self), defaultValue: .string("flat"), help: "dense index type"),
        .init(key: "index.refresh_every", type: .int, defaultValue: .int(0),
              help: "re-embed the corpus every n steps when the document encoder trains (0: never)"),
        // [retriever]
        .init(key: "retriever.model", type: .string, defaultValue: .string("models/all-MiniLM-L6-v2"),
              help: "folder with model.safetensors, config.json, tokenizer.json, or \"tiny\" (from scratch, bytes)"),
        .init(key: "retriever.max_length", type: .int, defaultValue: .int(256),
              help: "query/chunk tokens incl. [CLS]/[SEP]; longer texts are truncated (256 = sentence-transformers' max_seq_length for all-MiniLM-L6-v2, as `radit bench retrieval` and `radit embed` use)"),
        .init(key: "retriever.tune", type: choices(RetrieverTuning.self), defaultValue: .string("query"),
              help: "R-ft updates the query encoder only (RA-DIT/Atlas) or both encoders"),
        .init(key: "retriever.trainable_layers", type: .int, defaultValue: .int(0),
              help: "R-ft trains only the top n transformer blocks (0: every tensor); fewer means faster steps and smaller checkpoints"),
        // [lm]
        .init(key: "lm.model", type: .string,
              defaultValue: .string("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"),
              help: "GGUF file, or \"tiny\" (a small from-scratch model over bytes)"),
        .init(key: "lm.finetune", type: choices(LMFinetune.self), defaultValue: .string("lora"), help: "LM-ft parameters: LoRA adapters or every weight"),
        .init(key: "lm.lora_rank", type: .int, defaultValue: .int(8), help: "LoRA rank"),
        .init(key: "lm.lora_alpha", type: .double, defaultValue: .double(16), help: "LoRA alpha (scale alpha / rank)"),
        .init(key: "lm.lora_dropout", type: .double, defaultValue: .double(0), help: "LoRA dropout probability"),
        .init(key: "lm.lora_targets", type: choices(LoRAConfig.Targets.self), defaultValue: .string("attention"),
              help: "LoRA on attention projections or on all linear layers"),
        .init(key: "lm.max_length", type: .int, defaultValue: .int(256), help: "prompt + answer tokens (longer prompts lose their beginning)"),
        .init(key: "lm.template", type: .string, defaultValue: .string(PromptTemplate.raDIT.text),
              help: "one-chunk prompt (RA-DIT's): {c} chunk, {x} question, ending with {y} the answer"),
        .init(key: "lm.closed_book_template", type: .string, defaultValue: .string("Question: {x}\nAnswer: {y}"),
              help: "prompt without context: {x} question, ending with {y}"),
        .init(key: "lm.chunk_separator", type: .string, defaultValue: .string("\n\n"),
              help: "joins several chunks into one {c} (concat inference, RAFT instances)"),
        .init(key: "lm.answer_tag", type: .string, defaultValue: .string("Answer:"),
              help: "generated answers are read after the last occurrence of this tag"),
        .init(key: "lm.scoring_batch", type: .int, defaultValue: .int(8), help: "(prompt, answer) pairs per LM scoring batch"),
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
        .init(key: "train.lsr_scorer", type: choices(LSRScorer.self), defaultValue: .string("lm"),
              help: "who scores log p(y | c ∘ x) for the R-ft targets: the run's own LM (as it trains), or the fixed model on the [remote] server (completions with echo + logprobs; scores kept by content in <runs folder>/.cache/remote-scores.h5, so a rerun never asks twice); inference always uses the run's LM"),
        .init(key: "train.retriever_temperature", type: .double, defaultValue: .double(0.1), help: "τ_R in p_R = softmax(s / τ_R)"),
        .init(key: "train.lm_temperature", type: .double, defaultValue: .double(0.1), help: "τ_LM in p_LSR = softmax(g / τ_LM)"),
        .init(key: "train.lm_lr", type: .double, defaultValue: .double(1e-4), help: "LM-ft peak learning rate"),
        .init(key: "train.retriever_lr", type: .double, defaultValue: .double(1e-5), help: "R-ft peak learning rate"),
        .init(key: "train.warmup_steps", type: .int, defaultValue: .int(0), help: "linear warm-up steps"),
        .init(key: "train.lr_schedule", type: choices(RateSchedule.self), defaultValue: .string("cosine"),
              help: "constant, or linear warm-up then cosine decay over each stage's steps"),
        .init(key: "train.min_lr_ratio", type: .double, defaultValue: .double(0), help: "cosine floor as a share of the peak"),
        .init(key: "train.oracle_share", type: .double, defaultValue: .double(0),
              help: "P, the oracle share (RAFT's P): the probability that a training question's LM-ft context is made to hold a gold chunk. lm_source = \"retrieved\": when none of its top-k chunks is gold, the k-th is replaced by a gold chunk (as `radit generate rait --oracle-share`); lm_source = \"raft\": the instance holds the gold chunk(s) plus n distractors, the other questions' instances n + |gold| distractors only (must be set explicitly with raft)"),
        .init(key: "train.lm_source", type: choices(LMInstanceSource.self), defaultValue: .string("retrieved"),
              help: "RA-IT instances from retrieval, or RAFT instances"),
        .init(key: "train.raft_distractors", type: .int, defaultValue: .int(-1),
              help: "RAFT distractor chunks per instance (required with lm_source = \"raft\"; -1: unset)"),
        .init(key: "train.seed", type: .int, defaultValue: .int(0), help: "data order, oracle coin, model initialisation of \"tiny\" models and LoRA"),
        .init(key: "train.lm_micro_batch", type: .int, defaultValue: .int(4),
              help: "LM-ft sequences per micro-batch (gradients accumulate over the micro-batches of a step)"),
        .init(key: "train.lm_adam_beta1", type: .double, defaultValue: .double(0.9), help: "LM-ft AdamW β1"),
        .init(key: "train.lm_adam_beta2", type: .double, defaultValue: .double(0.999), help: "LM-ft AdamW β2"),
        .init(key: "train.lm_adam_eps", type: .double, defaultValue: .double(1e-8), help: "LM-ft AdamW ε"),
        .init(key: "train.lm_weight_decay", type: .double, defaultValue: .double(0.01),
              help: "LM-ft AdamW decoupled weight decay λ (on matrices only)"),
        .init(key: "train.lm_clip_norm", type: .double, defaultValue: .double(1.0),
              help: "LM-ft global gradient-norm clip (0: no clipping)"),
        .init(key: "train.retriever_adam_beta1", type: .double, defaultValue: .double(0.9), help: "R-ft AdamW β1"),
        .init(key: "train.retriever_adam_beta2", type: .double, defaultValue: .double(0.999), help: "R-ft AdamW β2"),
        .init(key: "train.retriever_adam_eps", type: .double, defaultValue: .double(1e-8), help: "R-ft AdamW ε"),
        .init(key: "train.retriever_weight_decay", type: .double, defaultValue: .double(0.01),
              help: "R-ft AdamW decoupled weight decay λ (on matrices only)"),
        .init(key: "train.retriever_clip_norm", type: .double, defaultValue: .double(1.0),
              help: "R-ft global gradient-norm clip (0: no clipping)"),
        .init(key: "train.checkpoint_every", type: .int, defaultValue: .int(50), help: "checkpoint every n steps (0: only at the end)"),
        .init(key: "train.eval_every", type: .int, defaultValue: .int(0),
              help: "dev evaluation every n steps, keeping the best dev EM as best.h5 (0: only at the end)"),
        .init(key: "train.keep_checkpoints", type: .int, defaultValue: .int(2), help: "latest checkpoints kept (the best is kept too)"),
        // [eval]
        .init(key: "eval.mode", type: choices(InferenceMode.self), defaultValue: .string("rerank"),
              help: "inference: rerank (RA-DIT App. B: decode per chunk, rerank answers by the p_R mixture), replug (REPLUG: per-token mixture), concat, closed_book, oracle"),
        .init(key: "eval.top_k", type: .int, defaultValue: .int(3), help: "chunks per question at inference"),
        .init(key: "eval.temperature", type: .double, defaultValue: .double(0.1), help: "p_R temperature of the rerank and replug mixtures"),
        .init(key: "eval.max_tokens", type: .int, defaultValue: .int(16), help: "cap on generated answer tokens (answers end at the end-of-answer token LM-ft trains)"),
        .init(key: "eval.recall_at", type: .ints, defaultValue: .ints([1, 5]), help: "gold-passage recall cut-offs"),
        .init(key: "eval.table", type: .bool, defaultValue: .bool(true),
              help: "also evaluate the base LM / base retriever pairs and print the RA-DIT Table 6 layout (on test when the data has a test split, else on dev)"),
        // [remote]
        .init(key: "remote.base_url", type: .string, defaultValue: .string(""),
              help: "OpenAI-compatible server (vLLM, llama.cpp server, `radit serve`, a hosted API) including the version path, e.g. http://127.0.0.1:8080/v1; used by train.lsr_scorer = \"remote\""),
        .init(key: "remote.model", type: .string, defaultValue: .string(""), help: "model name sent to the server"),
        .init(key: "remote.api_key_env", type: .string, defaultValue: .string("OPENAI_API_KEY"),
              help: "environment variable holding the API key (read only when a request is sent, never written anywhere); '' for a server without keys"),
        .init(key: "remote.timeout", type: .double, defaultValue: .double(60), help: "seconds per request (the whole transfer)"),
        .init(key: "remote.max_concurrency", type: .int, defaultValue: .int(8), help: "requests in flight at once"),
        .init(key: "remote.max_attempts", type: .int, defaultValue: .int(5),
              help: "attempts per request, the first included: 429, 5xx and transport errors are retried with exponential backoff and jitter, honouring Retry-After"),
        .init(key: "remote.end_of_answer", type: .string, defaultValue: .string(""),
              help: "text of the server model's end-of-answer token (e.g. \"</s>\", \"<|im_end|>\"), appended to each answer it scores so remote scores include log p(end | c ∘ x, y) as native scores do (LM-ft trains that token); '' scores the answer alone"),
    ]

    /// Keys the schema reserves for features `radit run` does not drive yet (other index
    /// kinds, tuning both encoders with index refresh). Setting one to a non-default value
    /// is an error rather than silently ignored.
    public static let notWired: Set<String> = [
        "index.kind", "index.refresh_every", "retriever.tune",
    ]

    /// Keys that were renamed or removed, with what to write instead.
    public static let retired: [String: String] = [
        "train.raft_p": "use `train.oracle_share`: RA-IT and RAFT share one oracle share P",
        "index.chunk_size": "use `data.chunk_tokens` (chunk length in retriever tokens)",
        "index.chunk_unit": "chunks are measured in retriever tokens; set `data.chunk_tokens`",
        "sweep.seeds": "there is no sweep command yet; run each seed as `radit run CONFIG --set train.seed=N --name NAME`",
    ]

    /// Sections that hold keys, in order (`[sweep]` is a known section that is refused).
    public static let keySections = sections.filter { s in fields.contains { $0.section == s } }

    public static let byKey: [String: ConfigField] = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })
}
