import RaditData
import RaditModels
import RaditRetrieval
import RaditTuning

/// One key a recipe (`train.recipe`) sets, with the paper passage it follows.
public struct RecipeSetting: Sendable, Equatable {
    public var key: String
    public var value: ConfigValue
    public var basis: String

    init(_ key: String, _ value: ConfigValue, _ basis: String) {
        self.key = key
        self.value = value
        self.basis = basis
    }
}

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
    /// Which paper (section, equation) the default follows, or where and why Radit deviates.
    public var basis: String = ""

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
              help: "where questions and the corpus come from: synthkb (generated in memory, or a `radit generate synthkb` folder in data.path), or a dataset read from data.path",
              basis: "Radit's choice: SynthKB is Radit's own benchmark (DESIGN §4); no pretrained model knows its facts, which separates closed- from open-book ability"),
        .init(key: "data.path", type: .string, defaultValue: .string(""),
              help: "dataset folder or file (BEIR folder, SQuAD/HotpotQA .json, NQ-open .jsonl, text folder); with synthkb: '' generates the knowledge base in memory from data.entities and data.seed",
              basis: "Radit's choice (generate in memory)"),
        .init(key: "data.entities", type: .int, defaultValue: .int(200), help: "SynthKB entities (in-memory generation)",
              basis: "Radit's choice (small enough for one machine)"),
        .init(key: "data.seed", type: .int, defaultValue: .int(0), help: "SynthKB generator seed (in-memory generation)",
              basis: "Radit's choice"),
        .init(key: "data.question_kinds", type: .choiceList(SynthQuestionKind.allCases.map(\.configName)), defaultValue: .string("single_hop"),
              help: "SynthKB question kinds to use",
              basis: "Radit's choice: single-hop questions are the RA-DIT/RAFT open-domain QA setting"),
        .init(key: "data.train_limit", type: .int, defaultValue: .int(0), help: "use at most this many training questions (0: all)",
              basis: "no limit, as the papers train on their full sets"),
        .init(key: "data.dev_limit", type: .int, defaultValue: .int(0), help: "use at most this many dev questions (0: all)",
              basis: "no limit"),
        .init(key: "data.test_limit", type: .int, defaultValue: .int(0), help: "use at most this many test questions (0: all)",
              basis: "no limit: every test question is reported"),
        .init(key: "data.dev_fraction", type: .double, defaultValue: .double(0.1),
              help: "share of the questions in dev when the dataset has no train/dev splits of its own (the split is by question, seeded by data.split_seed; with an own train split but no dev, the share of train moved to dev)",
              basis: "Radit's choice (the papers use the datasets' own splits; used only where a dataset has none)"),
        .init(key: "data.test_fraction", type: .double, defaultValue: .double(0.1),
              help: "share of the questions in test when the dataset has no train/dev splits of its own (0: no test split; results are then on dev)",
              basis: "Radit's choice (used only where a dataset has no splits of its own)"),
        .init(key: "data.split_seed", type: .int, defaultValue: .int(0), help: "seed of the split by question (recorded in run.h5 with the question ids of each split)",
              basis: "Radit's choice; splits are by question as both papers' datasets are"),
        .init(key: "data.chunk_tokens", type: .int, defaultValue: .int(0),
              help: "split documents longer than this many retriever tokens (WordPiece tokens of retriever.model, bytes for \"tiny\"; paragraphs packed, long ones windowed) into chunks with ids `<document id>#<n>`; 0: one chunk per document as the dataset gives it",
              basis: "Radit's choice: the dataset's documents as given (RA-DIT chunks Wikipedia into passages of at most 200 words; RAFT uses the datasets' documents)"),
        .init(key: "data.chunk_overlap", type: .int, defaultValue: .int(0),
              help: "retriever tokens shared by consecutive windows of one long paragraph (< data.chunk_tokens)",
              basis: "Radit's choice (no overlap)"),
        // [index]
        .init(key: "index.kind", type: choices(IndexKind.self), defaultValue: .string("flat"), help: "dense index type",
              basis: "RA-DIT/REPLUG search exactly; HNSW is reserved"),
        .init(key: "index.refresh_every", type: .int, defaultValue: .int(0),
              help: "re-embed the corpus every n steps when the document encoder trains (0: never)",
              basis: "RA-DIT never re-embeds (query-side R-ft)"),
        // [retriever]
        .init(key: "retriever.model", type: .string, defaultValue: .string("models/all-MiniLM-L6-v2"),
              help: "folder with model.safetensors, config.json, tokenizer.json, or \"tiny\" (from scratch, bytes)",
              basis: "deviates: RA-DIT uses DRAGON+; Radit's default is the small all-MiniLM-L6-v2 (DESIGN §3)"),
        .init(key: "retriever.max_length", type: .int, defaultValue: .int(256),
              help: "query/chunk tokens incl. [CLS]/[SEP]; longer texts are truncated (256 = sentence-transformers' max_seq_length for all-MiniLM-L6-v2, as `radit bench retrieval` and `radit embed` use)",
              basis: "sentence-transformers' max_seq_length for all-MiniLM-L6-v2"),
        .init(key: "retriever.tune", type: choices(RetrieverTuning.self), defaultValue: .string("query"),
              help: "R-ft updates the query encoder only (RA-DIT/Atlas) or both encoders",
              basis: "RA-DIT §2.4 and Atlas query-side tuning: the document encoder and the index stay fixed"),
        .init(key: "retriever.trainable_layers", type: .int, defaultValue: .int(0),
              help: "R-ft trains only the top n transformer blocks (0: every tensor); fewer means faster steps and smaller checkpoints",
              basis: "RA-DIT tunes the whole query encoder (0); a smaller n is Radit's speed option"),
        .init(key: "retriever.from_run", type: .string, defaultValue: .string(""),
              help: "start from another run's tuned query encoder: a run folder (its latest ckpt-<step>.h5), a run's best.h5 or a checkpoint file; the same retriever.model and retriever.trainable_layers as that run. Its digest is recorded in run.h5 (/provenance). '': retriever.model as loaded",
              basis: "Radit's option (RA-DIT Table 6 rows combine separately trained components)"),
        // [lm]
        .init(key: "lm.model", type: .string,
              defaultValue: .string("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"),
              help: "GGUF file, or \"tiny\" (a small from-scratch model over bytes)",
              basis: "deviates: RA-DIT tunes LLaMA 65B, RAFT LLaMA2-7B; Radit's default is SmolLM2-135M-Instruct (DESIGN §3)"),
        .init(key: "lm.finetune", type: choices(LMFinetune.self), defaultValue: .string("lora"), help: "LM-ft parameters: LoRA adapters or every weight",
              basis: "deviates: both papers fine-tune every weight (`full`); LoRA is Radit's default to fit one CPU machine"),
        .init(key: "lm.lora_rank", type: .int, defaultValue: .int(8), help: "LoRA rank",
              basis: "Radit's choice (neither paper uses LoRA)"),
        .init(key: "lm.lora_alpha", type: .double, defaultValue: .double(16), help: "LoRA alpha (scale alpha / rank)",
              basis: "Radit's choice (alpha = 2 × rank)"),
        .init(key: "lm.lora_dropout", type: .double, defaultValue: .double(0), help: "LoRA dropout probability",
              basis: "Radit's choice"),
        .init(key: "lm.lora_targets", type: choices(LoRAConfig.Targets.self), defaultValue: .string("attention"),
              help: "LoRA on attention projections or on all linear layers",
              basis: "Radit's choice (attention projections, as the LoRA paper)"),
        .init(key: "lm.max_length", type: .int, defaultValue: .int(256), help: "prompt + answer tokens (longer prompts lose their beginning)",
              basis: "Radit's choice for one-chunk prompts; RAFT prompts with several documents need more (a run fails before training when an instance does not fit)"),
        .init(key: "lm.template", type: .string, defaultValue: .string(PromptTemplate.raDIT.text),
              help: "one-chunk prompt (RA-DIT's): {c} chunk, {x} question, ending with {y} the answer",
              basis: "RA-DIT's retrieval-augmented prompt (Background / Question / Answer)"),
        .init(key: "lm.closed_book_template", type: .string, defaultValue: .string("Question: {x}\nAnswer: {y}"),
              help: "prompt without context: {x} question, ending with {y}",
              basis: "RA-DIT's template without the Background block"),
        .init(key: "lm.chunk_separator", type: .string, defaultValue: .string("\n\n"),
              help: "joins several chunks into one {c} (concat inference, RAFT instances)",
              basis: "Radit's choice (a blank line, as between RA-DIT's prompt blocks)"),
        .init(key: "lm.document_format", type: choices(DocumentFormat.self), defaultValue: .string(DocumentFormat.text.rawValue),
              help: "how a chunk is written into {c}: text (its title, a space and its text: what the retriever embeds) or raft (`<DOCUMENT>title\\ntext</DOCUMENT>`, RAFT's prompt), in training, LSR scoring and evaluation alike",
              basis: "RA-DIT prepends the retrieved text; `raft` is RAFT §3's prompt (set by train.recipe = \"raft\")"),
        .init(key: "lm.answer_tag", type: .string, defaultValue: .string("Answer:"),
              help: "generated answers are read after the last occurrence of this tag",
              basis: "the last line of RA-DIT's template; RAFT's is `<ANSWER>:` (set by train.recipe = \"raft\")"),
        .init(key: "lm.scoring_batch", type: .int, defaultValue: .int(8), help: "(prompt, answer) pairs per LM scoring batch",
              basis: "Radit's choice (speed only; results do not depend on it)"),
        .init(key: "lm.from_run", type: .string, defaultValue: .string(""),
              help: "start from another run's tuned LM: a run folder (its latest ckpt-<step>.h5), a run's best.h5 or a checkpoint file; the same lm.model, lm.finetune and LoRA settings as that run. Its digest is recorded in run.h5 (/provenance). '': lm.model as loaded",
              basis: "Radit's option (RA-DIT Table 6 rows combine separately trained components)"),
        // [train]
        .init(key: "train.recipe", type: choices(TrainingRecipe.self), defaultValue: .string(TrainingRecipe.unset.rawValue),
              help: "a paper's recipe as a preset: it gives each key it governs the paper's value unless the config sets that key (then the resolved config marks the deviation). none: every unset key takes its default. " + recipeSummary(.raDIT) + ". " + recipeSummary(.raft),
              basis: "Radit's option: `ra-dit` and `raft` are the two papers' published recipes; none keeps Radit's defaults, each with its own basis"),
        .init(key: "train.schedule", type: choices(TuningSchedule.self), defaultValue: .string("lockstep"), help: "when each stage steps: lockstep (Radit's own extension, in neither paper: every step searches with the current query encoder, scores with the current LM, then an R-ft and an LM-ft step); cached (RA-DIT's recipe: the base retriever's top-K and the base LM's LSR targets fixed once, LM-ft on the base retriever's top-k); sequential_lm_first / sequential_retriever_first (one stage, then the other, train.steps each); lm_only; retriever_only",
              basis: "deviates: `lockstep` is Radit's own extension (both stages refreshed every step, in no paper); RA-DIT's recipe is `cached` (train.recipe = \"ra-dit\")"),
        .init(key: "train.steps", type: .int, defaultValue: .int(100), help: "optimizer steps per stage",
              basis: "Radit's choice (sized for a small model on one machine)"),
        .init(key: "train.batch_size", type: .int, defaultValue: .int(4), help: "questions per step",
              basis: "Radit's choice (one machine)"),
        .init(key: "train.candidates", type: .int, defaultValue: .int(8), help: "K: retrieved chunks per question for R-ft",
              basis: "deviates: RA-DIT's LSR uses the base retriever's top-10 (train.recipe = \"ra-dit\"); 8 is Radit's lighter default"),
        .init(key: "train.lm_top_k", type: .int, defaultValue: .int(3), help: "k ≤ K: retrieved chunks per question as LM-ft instances",
              basis: "RA-DIT §2.3: each of the top-3 retrieved chunks is a separate LM-ft instance"),
        .init(key: "train.loss", type: choices(RetrieverLossKind.self), defaultValue: .string("lsr"), help: "R-ft loss",
              basis: "RA-DIT §2.4: LM-supervised retrieval (LSR)"),
        .init(key: "train.kl_direction", type: choices(KLDirection.self), defaultValue: .string("target_to_retriever"),
              help: "KL(p_LSR‖p_R) (Atlas/REPLUG code) or KL(p_R‖p_LSR) (RA-DIT Eq. 5)",
              basis: "deviates from RA-DIT Eq. 5 as written (KL(p_R‖p_LSR), set by train.recipe = \"ra-dit\"): the default follows the REPLUG and Atlas code's soft-target cross-entropy"),
        .init(key: "train.score_mode", type: choices(LSRScoreMode.self), defaultValue: .string("prob"), help: "LM preference g",
              basis: "RA-DIT Eq. 4 and REPLUG: p_LM(y|c∘x) as a raw probability. With a small LM whose p_LM is tiny, softmax(p_LM / τ_LM) is near uniform (flat targets are dropped and counted in /metrics/lsr_flat_share) and R-ft can flatten a sharp retriever; `logprob` keeps the targets informative (measured in experiments/radit_table6.toml)"),
        .init(key: "train.lsr_scorer", type: choices(LSRScorer.self), defaultValue: .string("lm"),
              help: "who scores log p(y | c ∘ x) for the R-ft targets: the run's own LM (as it trains), or the fixed model on the [remote] server (completions with echo + logprobs; scores kept by content in <runs folder>/.cache/remote-scores.h5, so a rerun never asks twice); eval.lm chooses the LM of inference",
              basis: "RA-DIT scores with the LM being tuned (`lm`); `remote` is Radit's option for a borrowed server"),
        .init(key: "train.retriever_temperature", type: .double, defaultValue: .double(0.1), help: "τ_R in p_R = softmax(s / τ_R)",
              basis: "Radit's choice: RA-DIT's p_R is a softmax of DRAGON+'s unnormalised inner products; normalised MiniLM embeddings need τ_R < 1 to separate chunks"),
        .init(key: "train.lm_temperature", type: .double, defaultValue: .double(0.1), help: "τ_LM in p_LSR = softmax(g / τ_LM)",
              basis: "deviates: RA-DIT uses τ = 0.01 (train.recipe = \"ra-dit\"); 0.1 is Radit's milder default"),
        .init(key: "train.lm_lr", type: .double, defaultValue: .double(1e-4), help: "LM-ft peak learning rate",
              basis: "Radit's choice for LoRA (the papers' rates are for full fine-tuning of 7B–65B models)"),
        .init(key: "train.retriever_lr", type: .double, defaultValue: .double(1e-5), help: "R-ft peak learning rate",
              basis: "Radit's choice (a common bi-encoder fine-tuning rate)"),
        .init(key: "train.warmup_steps", type: .int, defaultValue: .int(0), help: "linear warm-up steps",
              basis: "Radit's choice"),
        .init(key: "train.lr_schedule", type: choices(RateSchedule.self), defaultValue: .string("cosine"),
              help: "constant, or linear warm-up then cosine decay over each stage's steps",
              basis: "Radit's choice (warm-up then cosine decay)"),
        .init(key: "train.min_lr_ratio", type: .double, defaultValue: .double(0), help: "cosine floor as a share of the peak",
              basis: "Radit's choice (cosine to zero)"),
        .init(key: "train.oracle_share", type: .double, defaultValue: .double(0),
              help: "P, the oracle share (RAFT's P): the probability that a training question's LM-ft context is made to hold a gold chunk. lm_source = \"retrieved\": when none of its top-k chunks is gold, the k-th is replaced by a gold chunk (as `radit generate rait --oracle-share`); lm_source = \"raft\": the instance holds the gold chunk(s) plus n distractors, the other questions' instances n + |gold| distractors only (must be chosen with raft: set it, or take train.recipe = \"raft\"'s)",
              basis: "RA-DIT's LM-ft adds no gold chunk (P = 0); RAFT's P (0.8 in its main runs) must be set with lm_source = \"raft\""),
        .init(key: "train.lm_source", type: choices(LMInstanceSource.self), defaultValue: .string("retrieved"),
              help: "LM-ft instances: retrieved (RA-IT: each of the top-k chunks with the question), raft (RAFT instances: oracle and distractors, train.raft_*), or dsf (question → answer in the closed-book template, no document)",
              basis: "RA-DIT §2.3 (retrieved chunks); `raft` is RAFT §3, `dsf` RAFT Table 1's DSF baseline"),
        .init(key: "train.raft_distractors", type: .int, defaultValue: .int(-1),
              help: "RAFT distractor chunks per instance (required with lm_source = \"raft\"; -1: unset)",
              basis: "RAFT trains with 4 distractors beside the oracle; Radit makes n an explicit choice"),
        .init(key: "train.raft_distractor_source", type: choices(DistractorSourceKind.self), defaultValue: .string(DistractorSourceKind.random.rawValue),
              help: "where RAFT distractors come from: random chunks, or the highest-ranked non-gold chunks of BM25 or of the base dense retriever (hard negatives)",
              basis: "the gorilla RAFT code draws random distractors; `bm25`/`dense` hard negatives are Radit's options"),
        .init(key: "train.raft_answer", type: choices(RaftAnswer.self), defaultValue: .string(RaftAnswer.cot.rawValue),
              help: "the RAFT target: cot (`##Reason: … ##begin_quote## … ##end_quote## … <ANSWER>: y`; needs lm.answer_tag = \"<ANSWER>:\") or short (y alone)",
              basis: "RAFT §3: the chain-of-thought answer with quotes and `<ANSWER>:`; `short` is Radit's option"),
        .init(key: "train.raft_no_oracle_answer", type: choices(RaftNoOracleAnswer.self), defaultValue: .string(RaftNoOracleAnswer.sameAnswer.rawValue),
              help: "the target of RAFT instances without the oracle: same_answer (the question's CoT answer, quotes included: the model learns to answer from memory) or none_of_the_documents (the reason says no document answers)",
              basis: "RAFT §3 and the gorilla code: instances without the oracle keep the same answer; `none_of_the_documents` is Radit's option"),
        .init(key: "train.seed", type: .int, defaultValue: .int(0), help: "data order, oracle coin, model initialisation of \"tiny\" models and LoRA",
              basis: "Radit's choice"),
        .init(key: "train.lm_micro_batch", type: .int, defaultValue: .int(4),
              help: "LM-ft sequences per micro-batch (gradients accumulate over the micro-batches of a step)",
              basis: "Radit's choice (memory only; gradients accumulate to the same step)"),
        .init(key: "train.lm_adam_beta1", type: .double, defaultValue: .double(0.9), help: "LM-ft AdamW β1",
              basis: "PyTorch AdamW default"),
        .init(key: "train.lm_adam_beta2", type: .double, defaultValue: .double(0.999), help: "LM-ft AdamW β2",
              basis: "PyTorch AdamW default"),
        .init(key: "train.lm_adam_eps", type: .double, defaultValue: .double(1e-8), help: "LM-ft AdamW ε",
              basis: "PyTorch AdamW default"),
        .init(key: "train.lm_weight_decay", type: .double, defaultValue: .double(0.01),
              help: "LM-ft AdamW decoupled weight decay λ (on matrices only)",
              basis: "PyTorch AdamW default"),
        .init(key: "train.lm_clip_norm", type: .double, defaultValue: .double(1.0),
              help: "LM-ft global gradient-norm clip (0: no clipping)",
              basis: "Hugging Face Trainer's max_grad_norm default"),
        .init(key: "train.retriever_adam_beta1", type: .double, defaultValue: .double(0.9), help: "R-ft AdamW β1",
              basis: "PyTorch AdamW default"),
        .init(key: "train.retriever_adam_beta2", type: .double, defaultValue: .double(0.999), help: "R-ft AdamW β2",
              basis: "PyTorch AdamW default"),
        .init(key: "train.retriever_adam_eps", type: .double, defaultValue: .double(1e-8), help: "R-ft AdamW ε",
              basis: "PyTorch AdamW default"),
        .init(key: "train.retriever_weight_decay", type: .double, defaultValue: .double(0.01),
              help: "R-ft AdamW decoupled weight decay λ (on matrices only)",
              basis: "PyTorch AdamW default"),
        .init(key: "train.retriever_clip_norm", type: .double, defaultValue: .double(1.0),
              help: "R-ft global gradient-norm clip (0: no clipping)",
              basis: "Hugging Face Trainer's max_grad_norm default"),
        .init(key: "train.checkpoint_every", type: .int, defaultValue: .int(50), help: "checkpoint every n steps (0: only at the end)",
              basis: "Radit's choice"),
        .init(key: "train.eval_every", type: .int, defaultValue: .int(0),
              help: "dev evaluation every n steps, keeping the best dev EM as best.h5 (0: only at the end)",
              basis: "Radit's choice (checkpoints are selected on dev only, never on test)"),
        .init(key: "train.keep_checkpoints", type: .int, defaultValue: .int(2), help: "latest checkpoints kept (the best is kept too)",
              basis: "Radit's choice"),
        // [eval]
        .init(key: "eval.mode", type: choices(InferenceMode.self), defaultValue: .string("rerank"),
              help: "inference: rerank (RA-DIT App. B: decode per chunk, rerank answers by the p_R mixture), replug (REPLUG: per-token mixture), concat, closed_book, oracle",
              basis: "RA-DIT App. B: per-chunk answers reranked by the retrieval mixture; `replug` is REPLUG's, `concat` RAFT's evaluation"),
        .init(key: "eval.top_k", type: .int, defaultValue: .int(3), help: "chunks per question at inference",
              basis: "RA-DIT's k = 3 (the papers' evaluation k varies by task)"),
        .init(key: "eval.temperature", type: .double, defaultValue: .double(0.1), help: "p_R temperature of the rerank and replug mixtures",
              basis: "Radit's choice (as train.retriever_temperature)"),
        .init(key: "eval.max_tokens", type: .int, defaultValue: .int(16), help: "cap on generated answer tokens (answers end at the end-of-answer token LM-ft trains)",
              basis: "Radit's choice (a cap only: answers end at the trained end-of-answer token; RAFT's CoT answers need more)"),
        .init(key: "eval.recall_at", type: .ints, defaultValue: .ints([1, 5]), help: "gold-passage recall cut-offs",
              basis: "Radit's choice"),
        .init(key: "eval.table", type: .bool, defaultValue: .bool(true),
              help: "also evaluate the base LM / base retriever pairs and print the RA-DIT Table 6 layout (on test when the data has a test split, else on dev)",
              basis: "RA-DIT Table 6 layout"),
        .init(key: "eval.lm", type: choices(EvaluatedLM.self), defaultValue: .string("lm"),
              help: "the LM the evaluation passes read with: the run's own LM (base and LM-ft), or the fixed model on the [remote] server (greedy /v1/completions, rerank scores through the remote score cache); remote needs train.schedule = \"retriever_only\" (the server's model is not tuned) and a mode other than replug",
              basis: "RA-DIT evaluates the LM it tunes (`lm`); `remote` is Radit's option for evaluating a retriever with a served LM (issue 14 §2)"),
        // [remote]
        .init(key: "remote.base_url", type: .string, defaultValue: .string(""),
              help: "OpenAI-compatible server (vLLM, `radit serve`, a hosted API; llama.cpp's server generates but refuses `echo`, so it cannot score) including the version path, e.g. http://127.0.0.1:8080/v1; used by train.lsr_scorer = \"remote\" and eval.lm = \"remote\"",
              basis: "Radit's option"),
        .init(key: "remote.model", type: .string, defaultValue: .string(""), help: "model name sent to the server", basis: "Radit's option"),
        .init(key: "remote.api_key_env", type: .string, defaultValue: .string("OPENAI_API_KEY"),
              help: "environment variable holding the API key (read only when a request is sent, never written anywhere); '' for a server without keys",
              basis: "the OpenAI client's convention"),
        .init(key: "remote.timeout", type: .double, defaultValue: .double(60), help: "seconds per request (the whole transfer)", basis: "Radit's choice"),
        .init(key: "remote.max_concurrency", type: .int, defaultValue: .int(8), help: "requests in flight at once", basis: "Radit's choice"),
        .init(key: "remote.max_attempts", type: .int, defaultValue: .int(5),
              help: "attempts per request, the first included: 429, 5xx and transport errors are retried with exponential backoff and jitter, honouring Retry-After",
              basis: "Radit's choice"),
        .init(key: "remote.end_of_answer", type: .string, defaultValue: .string(""),
              help: "text of the server model's end-of-answer token (e.g. \"</s>\", \"<|im_end|>\"), appended to each answer it scores so remote scores include log p(end | c ∘ x, y) as native scores do (LM-ft trains that token); '' scores the answer alone",
              basis: "native scores include the end token LM-ft trains (issue 12); '' when the server's token is unknown"),
    ]

    /// The presets of `train.recipe`: the value of each key a recipe governs, with its source.
    public static let recipes: [TrainingRecipe: [RecipeSetting]] = [
        .unset: [],
        .raDIT: [
            RecipeSetting("train.schedule", .string(TuningSchedule.cached.rawValue),
                          "the base retriever's top-K and the base LM's LSR targets fixed once; LM-ft on the base, fixed retriever's chunks (RA-DIT §2.3–2.4, §5.2, App. E.1)"),
            RecipeSetting("train.candidates", .int(10), "LSR over the base retriever's top-10"),
            RecipeSetting("train.lm_top_k", .int(3), "each of the top-3 chunks a separate LM-ft instance (§2.3)"),
            RecipeSetting("train.loss", .string(RetrieverLossKind.lsr.rawValue), "LM-supervised retrieval (§2.4)"),
            RecipeSetting("train.score_mode", .string(LSRScoreMode.prob.rawValue), "p_LM(y|c∘x) as a raw probability (Eq. 4)"),
            RecipeSetting("train.lm_temperature", .double(0.01), "τ = 0.01 (§2.4)"),
            RecipeSetting("train.kl_direction", .string(KLDirection.retrieverToTarget.rawValue), "KL(p_R‖p_LSR) as Eq. 5 writes it"),
            RecipeSetting("train.lm_source", .string(LMInstanceSource.retrieved.rawValue), "RA-IT instances from retrieval (§2.3)"),
            RecipeSetting("train.oracle_share", .double(0), "no gold chunk put into LM-ft contexts"),
            RecipeSetting("retriever.tune", .string(RetrieverTuning.query.rawValue), "the query encoder only; the index is never re-embedded (§2.4)"),
        ],
        .raft: [
            RecipeSetting("train.lm_source", .string(LMInstanceSource.raft.rawValue), "LM-ft on RAFT instances (§3)"),
            RecipeSetting("train.schedule", .string(TuningSchedule.lmOnly.rawValue), "RAFT tunes the LM only; the retriever stays fixed"),
            RecipeSetting("train.oracle_share", .double(0.8), "P = 80 % of instances hold the oracle (§4)"),
            RecipeSetting("train.raft_distractors", .int(4), "the oracle plus 4 distractors (§4)"),
            RecipeSetting("train.raft_distractor_source", .string(DistractorSourceKind.random.rawValue), "random distractors, as the gorilla code"),
            RecipeSetting("train.raft_answer", .string(RaftAnswer.cot.rawValue), "the chain-of-thought answer with quotes (§3)"),
            RecipeSetting("train.raft_no_oracle_answer", .string(RaftNoOracleAnswer.sameAnswer.rawValue), "instances without the oracle keep the same answer (§3)"),
            RecipeSetting("lm.template", .string("{c}\n{x}\n{y}"), "the `<DOCUMENT>` blocks, then the question (§3, gorilla's prompt)"),
            RecipeSetting("lm.chunk_separator", .string("\n"), "one document block per line"),
            RecipeSetting("lm.document_format", .string(DocumentFormat.raft.rawValue), "`<DOCUMENT>title\\ntext</DOCUMENT>` blocks"),
            RecipeSetting("lm.answer_tag", .string(RaftFormat.answerTag), "the answer is read after `<ANSWER>:`"),
            RecipeSetting("lm.max_length", .int(1024), "room for five documents and the CoT answer (RAFT trains at the model's context length; a run fails before training, naming the sizes, when an instance does not fit)"),
            RecipeSetting("eval.mode", .string(InferenceMode.concat.rawValue), "every document in one prompt, as trained"),
            RecipeSetting("eval.top_k", .int(5), "as many documents as a training instance (1 + 4)"),
            RecipeSetting("eval.max_tokens", .int(160), "room for the CoT answer before `<ANSWER>:`"),
        ],
    ]

    /// One line per recipe for `train.recipe`'s help.
    static func recipeSummary(_ r: TrainingRecipe) -> String {
        "\(r.rawValue) (\(r.paper)) sets " + (recipes[r] ?? []).map { "\($0.key) = \($0.value) (\($0.basis))" }.joined(separator: "; ")
    }

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
        "sweep.seeds": "seeds are a grid axis: write `grid = { \"train.seed\" = [0, 1, 2] }` in [sweep] and run `radit sweep CONFIG`",
    ]

    /// Sections that hold keys, in order (`[sweep]` holds a grid over them, `SweepPlan`).
    public static let keySections = sections.filter { s in fields.contains { $0.section == s } }

    public static let byKey: [String: ConfigField] = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })

    /// Each key's place in `fields`: the schema order grid axes, variant settings and a
    /// cell read back from `cell.json` are sorted in.
    public static let position: [String: Int] = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.key, $0) })
}
