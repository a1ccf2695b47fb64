import Foundation
import RaditModels
import RaditData
import RaditRetrieval
import RaditTuning

extension ExperimentConfig {
    /// Checks cross-key rules and that model files exist, before any work. `root` resolves
    /// relative paths; `checkFiles: false` skips the file checks (for `--dry-run` on a
    /// machine without models).
    public func validate(root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                         checkFiles: Bool = true) throws {
        try validateRules()
        if checkFiles { try validateFiles(root: root) }
    }

    /// A path from the config, relative to `root` unless absolute.
    public func path(_ key: String, root: URL) -> URL { RunSettings.resolve(string(key), root: root) }

    /// Cross-key rules; every message names the key.
    func validateRules() throws {
        func bad(_ key: String, _ reason: String) -> ConfigError { .invalid(key: key, reason: reason) }
        // Nothing silent: a single run of a sweep file would ignore its grid.
        if sweep != nil { throw ConfigError.sweepNeedsSweepCommand(file: file) }
        for f in ConfigSchema.fields where ConfigSchema.notWired.contains(f.key) && self[f.key] != f.defaultValue {
            throw bad(f.key, "= \(self[f.key]) is not supported by `radit run` yet (only the default \(f.defaultValue)); remove the key")
        }
        for key in ["train.steps", "train.warmup_steps", "train.checkpoint_every", "train.eval_every",
                    "data.train_limit", "data.dev_limit", "data.test_limit", "index.refresh_every",
                    "retriever.trainable_layers", "data.chunk_tokens", "data.chunk_overlap"]
        where int(key) < 0 {
            throw bad(key, "is \(int(key)); it must be ≥ 0")
        }
        for key in ["train.batch_size", "train.candidates", "train.lm_top_k", "eval.top_k", "eval.max_tokens",
                    "retriever.max_length", "lm.max_length", "data.entities", "train.keep_checkpoints",
                    "train.lm_micro_batch", "lm.scoring_batch", "remote.max_concurrency", "remote.max_attempts"]
        where int(key) < 1 {
            throw bad(key, "is \(int(key)); it must be ≥ 1")
        }
        if int("retriever.max_length") < 2 {
            throw bad("retriever.max_length", "is \(int("retriever.max_length")); an encoder needs at least 2 tokens ([CLS] and [SEP])")
        }
        if int("train.lm_top_k") > int("train.candidates") {
            throw bad("train.lm_top_k", "k = \(int("train.lm_top_k")) exceeds train.candidates K = \(int("train.candidates")); LM-ft instances are taken from the top-K, so use k ≤ K")
        }
        let p = double("train.oracle_share")
        if !(0...1).contains(p) {
            throw bad("train.oracle_share", "P = \(p) is outside [0, 1]; it is the probability an LM-ft instance is given a gold chunk")
        }
        // RAFT's script silently defaulted P; here P and n must be chosen when RAFT is chosen.
        if string("train.lm_source") == LMInstanceSource.raft.rawValue {
            let preset = Set((ConfigSchema.recipes[recipe] ?? []).map(\.key))
            if !explicitKeys.contains("train.oracle_share") && !preset.contains("train.oracle_share") {
                throw bad("train.oracle_share", "must be set with train.lm_source = \"raft\": choose P, the probability an instance holds the gold chunk, in [0, 1]")
            }
            let n = int("train.raft_distractors")
            if n == -1 {
                throw bad("train.raft_distractors", "is required with train.lm_source = \"raft\": set n ≥ 0, distractor chunks per instance")
            }
            if n < 0 {
                throw bad("train.raft_distractors", "is \(n); use n ≥ 0 distractor chunks per instance")
            }
            if choice("data.source") == DataSource.synthkb && string("data.path").isEmpty && n + 1 > int("data.entities") {
                throw bad("train.raft_distractors", "is \(n); use 0 ≤ n < data.entities = \(int("data.entities")) (distractors are other chunks)")
            }
            if string("train.raft_answer") == RaftAnswer.cot.rawValue && string("lm.answer_tag") != RaftFormat.answerTag {
                throw bad("lm.answer_tag", "is \(self["lm.answer_tag"]), but RAFT's chain-of-thought answers (train.raft_answer = \"cot\") give the answer after \"\(RaftFormat.answerTag)\": set lm.answer_tag = \"\(RaftFormat.answerTag)\" (train.recipe = \"raft\" sets RAFT's whole prompt), or train.raft_answer = \"short\"")
            }
        }
        if !(0...1).contains(double("train.min_lr_ratio")) {
            throw bad("train.min_lr_ratio", "is \(double("train.min_lr_ratio")); use a share of the peak in [0, 1]")
        }
        // A run of 0 steps only evaluates (e.g. components adopted with *.from_run).
        if string("train.lr_schedule") == "cosine" && int("train.steps") > 0 && int("train.warmup_steps") > int("train.steps") {
            throw bad("train.warmup_steps", "= \(int("train.warmup_steps")) exceeds train.steps = \(int("train.steps"))")
        }
        for stage in ["lm", "retriever"] {
            for key in ["train.\(stage)_adam_beta1", "train.\(stage)_adam_beta2"] where !(0..<1).contains(double(key)) {
                throw bad(key, "is \(double(key)); an Adam β is in [0, 1)")
            }
            for key in ["train.\(stage)_adam_eps", "train.\(stage)_weight_decay", "train.\(stage)_clip_norm"] where !(double(key) >= 0) {
                throw bad(key, "is \(double(key)); it must be ≥ 0")
            }
        }
        for key in ["data.dev_fraction", "data.test_fraction"] where !(0..<1).contains(double(key)) {
            throw bad(key, "is \(double(key)); use a share in [0, 1)")
        }
        if double("data.dev_fraction") + double("data.test_fraction") >= 1 {
            throw bad("data.test_fraction", "+ data.dev_fraction = \(double("data.dev_fraction") + double("data.test_fraction")) leaves no training questions; keep the sum below 1")
        }
        if int("data.chunk_tokens") > 0 && int("data.chunk_overlap") >= int("data.chunk_tokens") {
            throw bad("data.chunk_overlap", "= \(int("data.chunk_overlap")) must be smaller than data.chunk_tokens = \(int("data.chunk_tokens"))")
        }
        if int("data.chunk_tokens") == 0 && int("data.chunk_overlap") > 0 {
            throw bad("data.chunk_overlap", "= \(int("data.chunk_overlap")) needs chunking: set data.chunk_tokens > 0")
        }
        for key in ["train.retriever_temperature", "train.lm_temperature", "eval.temperature"] where !(double(key) > 0) {
            throw bad(key, "is \(double(key)); a temperature must be > 0")
        }
        for key in ["train.lm_lr", "train.retriever_lr"] where !(double(key) >= 0) {
            throw bad(key, "is \(double(key)); it must be ≥ 0")
        }
        if string("lm.finetune") == "lora" && int("lm.lora_rank") < 1 {
            throw bad("lm.lora_rank", "is \(int("lm.lora_rank")); LoRA needs rank ≥ 1")
        }
        if let k = ints("eval.recall_at").first(where: { $0 < 1 }) {
            throw bad("eval.recall_at", "contains \(k); cut-offs must be ≥ 1")
        }
        do { _ = try RaditData.PromptTemplate(string("lm.template")) } catch {
            throw bad("lm.template", "is not a one-chunk template: \(error) (it needs {c}, {x} and a final {y})")
        }
        let closed = string("lm.closed_book_template")
        if !closed.contains("{x}") || !closed.hasSuffix("{y}") {
            throw bad("lm.closed_book_template", "must contain {x} (the question) and end with {y} (the answer)")
        }
        if list("data.question_kinds").isEmpty {
            throw bad("data.question_kinds", "is empty; list at least one of single_hop, bridge, comparison")
        }
        let source: DataSource = choice("data.source")
        if source != .synthkb && string("data.path").isEmpty {
            throw bad("data.path", "is empty; data.source = \"\(source.rawValue)\" reads its questions from data.path")
        }
        try validateRemote()
        if !(0..<1).contains(double("lm.lora_dropout")) {
            throw bad("lm.lora_dropout", "is \(double("lm.lora_dropout")); use a probability in [0, 1)")
        }
    }

    /// `[remote]` is used by what names it, and nothing names an unusable server.
    func validateRemote() throws {
        func bad(_ key: String, _ reason: String) -> ConfigError { .invalid(key: key, reason: reason) }
        let scorer = string("train.lsr_scorer") == LSRScorer.remote.rawValue
        let reader = string("eval.lm") == EvaluatedLM.remote.rawValue
        let url = string("remote.base_url")
        if reader {
            if string("train.schedule") != TuningSchedule.retrieverOnly.rawValue {
                throw bad("eval.lm", "= \"remote\" evaluates the server's model, which LM-ft cannot tune; set train.schedule = \"retriever_only\" (R-ft only) or eval.lm = \"lm\"")
            }
            if string("eval.mode") == InferenceMode.replug.rawValue {
                throw bad("eval.lm", "= \"remote\" but eval.mode = \"replug\" needs next-token distributions a server does not return; use eval.mode = \"rerank\"")
            }
        }
        if scorer || reader {
            let who = scorer ? "train.lsr_scorer = \"remote\" scores" : "eval.lm = \"remote\" reads"
            if url.isEmpty {
                throw bad("remote.base_url", "is empty; \(who) with the OpenAI-compatible server at remote.base_url (e.g. http://127.0.0.1:8080/v1)")
            }
            if string("remote.model").isEmpty {
                throw bad("remote.model", "is empty; name the model the server at \(url) serves (its /v1/models lists them)")
            }
            if scorer && string("train.schedule") == TuningSchedule.lmOnly.rawValue {
                throw bad("train.lsr_scorer", "= \"remote\" but train.schedule = \"lm_only\" takes no R-ft step; use train.lsr_scorer = \"lm\"")
            }
            if scorer && string("train.loss") == RetrieverLossKind.contrastive.rawValue {
                throw bad("train.lsr_scorer", "= \"remote\" but train.loss = \"contrastive\" uses no LM scores; use train.loss = \"lsr\" or train.lsr_scorer = \"lm\"")
            }
        } else {
            // Nothing silent: a server that nothing uses is a mistake in the config.
            for key in ["remote.base_url", "remote.model"] where !string(key).isEmpty {
                throw bad(key, "is set but nothing in `radit run` uses it; set train.lsr_scorer = \"remote\" to score the R-ft targets on that server, eval.lm = \"remote\" to evaluate with its model, or remove the key")
            }
        }
        if !url.isEmpty && !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw bad("remote.base_url", "= \(url.debugDescription) is not an http:// or https:// URL")
        }
        if !(double("remote.timeout") > 0) {
            throw bad("remote.timeout", "is \(double("remote.timeout")); a request needs a time limit > 0 seconds")
        }
    }

    /// Rules that need the data: the corpus holds enough chunks for K, k and RAFT's n.
    public func validate(candidates: Int, chunks: Int) throws {
        func bad(_ key: String, _ reason: String) -> ConfigError { .invalid(key: key, reason: reason) }
        if candidates > chunks {
            throw bad("train.candidates", "K = \(candidates) exceeds the \(chunks) chunks of the corpus")
        }
        if int("eval.top_k") > chunks {
            throw bad("eval.top_k", "= \(int("eval.top_k")) exceeds the \(chunks) chunks of the corpus")
        }
        if string("train.lm_source") == LMInstanceSource.raft.rawValue && int("train.raft_distractors") >= chunks {
            throw bad("train.raft_distractors", "n = \(int("train.raft_distractors")) needs more than the \(chunks) chunks of the corpus (distractors are other chunks)")
        }
    }

    /// RAFT instances fit the LM whole (`lm.max_length`, capped by the model's context): a
    /// longer prompt would lose its beginning, documents first, so the run stops before
    /// training and names the sizes instead. Every instance is measured in the LM's tokens.
    public func validate(raftInstances: [[PromptAnswer]], budget: TokenBudget) throws {
        var longest = (tokens: 0, prompt: 0, answer: 0)
        var over = 0
        var total = 0
        for list in raftInstances {
            for pair in list {
                let n = budget.tokenCounts(pair)
                total += 1
                if n.prompt + n.answer > budget.maxLength { over += 1 }
                if n.prompt + n.answer > longest.tokens { longest = (n.prompt + n.answer, n.prompt, n.answer) }
            }
        }
        guard over > 0 else { return }
        let configured = int("lm.max_length")
        let cap = budget.maxLength < configured ? " (the model's context length caps lm.max_length = \(configured))" : ""
        throw ConfigError.invalid(key: "lm.max_length", reason: "= \(budget.maxLength)\(cap) tokens is too short for \(over) of the \(total) RAFT instances: the longest is \(longest.tokens) tokens (prompt \(longest.prompt) with its documents, answer \(longest.answer) with its end token); raise lm.max_length to at least \(longest.tokens), or lower train.raft_distractors or data.chunk_tokens. Radit never cuts a RAFT prompt, so no document is dropped silently")
    }

    /// The data and model files exist.
    func validateFiles(root: URL) throws {
        if !string("data.path").isEmpty {
            let url = path("data.path", root: root)
            if !FileManager.default.fileExists(atPath: url.path) { throw ConfigError.missingFile(key: "data.path", path: url.path) }
        }
        if string("lm.model") != "tiny" {
            let lm = path("lm.model", root: root)
            if !FileManager.default.fileExists(atPath: lm.path) { throw ConfigError.missingFile(key: "lm.model", path: lm.path) }
        }
        for c in TunedComponent.allCases where !string(c.fromRunKey).isEmpty {
            let url = path(c.fromRunKey, root: root)
            if !FileManager.default.fileExists(atPath: url.path) { throw ConfigError.missingFile(key: c.fromRunKey, path: url.path) }
        }
        let r = path("retriever.model", root: root)
        if string("retriever.model") != "tiny" && !FileManager.default.fileExists(atPath: r.path) { throw ConfigError.missingFile(key: "retriever.model", path: r.path) }
    }
}
