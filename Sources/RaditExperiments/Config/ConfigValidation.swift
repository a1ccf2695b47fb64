import Foundation
import RaditModels
import RaditData
import RaditTuning

extension ExperimentConfig {
    /// Checks cross-key rules and that model files exist, before any work. `root` resolves
    /// relative paths; `checkFiles: false` skips the file checks (for `--dry-run` on a
    /// machine without models).
    public func validate(root: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                         checkFiles: Bool = true) throws {
        try validateOne(root: root, checkFiles: checkFiles)
        for (key, options) in sweep {
            for v in options {
                var c = self
                c.values[key] = v
                c.sweep = []
                try c.validateOne(root: root, checkFiles: false)
            }
        }
    }

    /// A path from the config, relative to `root` unless absolute; a catalog model name
    /// (`all-MiniLM-L6-v2`, `SmolLM2-135M-Instruct`) is its file or folder under `root/models`.
    public func path(_ key: String, root: URL) -> URL {
        let p = string(key)
        if let m = ModelCatalog.named(p) { return ModelCatalog.location(m, modelsDir: root.appendingPathComponent("models")) }
        return p.hasPrefix("/") ? URL(fileURLWithPath: p) : root.appendingPathComponent(p)
    }

    func validateOne(root: URL, checkFiles: Bool) throws {
        func bad(_ key: String, _ reason: String) -> ConfigError { .invalid(key: key, reason: reason) }
        for f in ConfigSchema.fields where ConfigSchema.notWired.contains(f.key) && self[f.key] != f.defaultValue {
            throw bad(f.key, "= \(self[f.key]) is not supported by `radit run` yet (only the default \(f.defaultValue)); remove the key")
        }
        for key in ["train.steps", "train.warmup_steps", "train.checkpoint_every", "train.eval_every",
                    "data.train_limit", "data.dev_limit", "index.refresh_every",
                    "retriever.trainable_layers"]
        where int(key) < 0 {
            throw bad(key, "is \(int(key)); it must be ≥ 0")
        }
        for key in ["train.batch_size", "train.candidates", "train.lm_top_k", "eval.top_k", "eval.max_tokens",
                    "retriever.max_length", "lm.max_length", "index.chunk_size", "data.entities", "train.keep_checkpoints"]
        where int(key) < 1 {
            throw bad(key, "is \(int(key)); it must be ≥ 1")
        }
        if int("train.lm_top_k") > int("train.candidates") {
            throw bad("train.lm_top_k", "k = \(int("train.lm_top_k")) exceeds train.candidates K = \(int("train.candidates")); LM-ft instances are taken from the top-K, so use k ≤ K")
        }
        let p = double("train.oracle_share")
        if !(0...1).contains(p) {
            throw bad("train.oracle_share", "P = \(p) is outside [0, 1]; it is the share of LM-ft instances given the gold chunk")
        }
        // RAFT's script silently defaulted P; here P and n must be given when RAFT is chosen.
        if string("train.lm_source") == LMInstanceSource.raft.rawValue {
            let raftP = double("train.raft_p"), n = int("train.raft_distractors")
            if raftP == -1 {
                throw bad("train.raft_p", "is required with train.lm_source = \"raft\": set P, the probability an instance holds the gold chunk, in [0, 1]")
            }
            if !(0...1).contains(raftP) {
                throw bad("train.raft_p", "P = \(raftP) is outside [0, 1]; it is the probability a RAFT instance holds the gold chunk")
            }
            if n == -1 {
                throw bad("train.raft_distractors", "is required with train.lm_source = \"raft\": set n ≥ 0, distractor chunks per instance")
            }
            if n < 0 || n + 1 > int("data.entities") {
                throw bad("train.raft_distractors", "is \(n); use 0 ≤ n < data.entities = \(int("data.entities")) (distractors are other chunks)")
            }
        }
        if !(0...1).contains(double("train.min_lr_ratio")) {
            throw bad("train.min_lr_ratio", "is \(double("train.min_lr_ratio")); use a share of the peak in [0, 1]")
        }
        if string("train.lr_schedule") == "cosine" && int("train.warmup_steps") > int("train.steps") {
            throw bad("train.warmup_steps", "= \(int("train.warmup_steps")) exceeds train.steps = \(int("train.steps"))")
        }
        for key in ["train.retriever_temperature", "train.lm_temperature", "eval.temperature"] where !(double(key) > 0) {
            throw bad(key, "is \(double(key)); a temperature must be > 0")
        }
        for key in ["train.lm_lr", "train.retriever_lr", "remote.timeout"] where !(double(key) >= 0) {
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
        for kind in string("data.question_kinds").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !["single_hop", "bridge", "comparison"].contains(kind) {
            throw bad("data.question_kinds", "has \"\(kind)\"; use single_hop, bridge, comparison (comma-separated)")
        }
        let source: DataSource = choice("data.source")
        if source != .synthkb && string("data.path").isEmpty {
            throw bad("data.path", "is empty; data.source = \"\(source.rawValue)\" reads its questions from data.path")
        }
        guard checkFiles else { return }
        if source != .synthkb {
            let url = path("data.path", root: root)
            if !FileManager.default.fileExists(atPath: url.path) { throw ConfigError.missingFile(key: "data.path", path: url.path) }
        }
        if !(0..<1).contains(double("lm.lora_dropout")) {
            throw bad("lm.lora_dropout", "is \(double("lm.lora_dropout")); use a probability in [0, 1)")
        }
        if string("remote.base_url").isEmpty && string("lm.model") != "tiny" {
            let lm = path("lm.model", root: root)
            if !FileManager.default.fileExists(atPath: lm.path) { throw ConfigError.missingFile(key: "lm.model", path: lm.path) }
        }
        let r = path("retriever.model", root: root)
        if string("retriever.model") != "tiny" && !FileManager.default.fileExists(atPath: r.path) { throw ConfigError.missingFile(key: "retriever.model", path: r.path) }
    }
}
