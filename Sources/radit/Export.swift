import ArgumentParser
import Foundation
import RaditExperiments

/// `radit export RUN --lm OUT --retriever OUT`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a run's tuned LM (transformers folder) and query encoder (sentence-transformers folder).",
        discussion: """
            The LM is written with LoRA merged as model.safetensors (float32) + config.json + \
            tokenizer.json + tokenizer_config.json (chat template) + generation_config.json; \
            AutoModelForCausalLM / AutoTokenizer load it, and so does `radit lm generate --model OUT`. \
            The query encoder is written as a sentence-transformers folder; SentenceTransformer(OUT) \
            loads it, and so does `radit bench retrieval --query-encoder OUT`. Each folder is written \
            to a temporary sibling and renamed when complete.
            """)

    @Argument(help: "The run folder (runs/<name>).")
    var runFolder: String

    @Option(help: "Write the tuned LM (LoRA merged) as a transformers folder here.")
    var lm: String?

    @Option(help: "Write the tuned query encoder as a sentence-transformers folder here.")
    var retriever: String?

    @Option(help: "Checkpoint to export: best (best dev EM; the latest when the run never evaluated) or latest.")
    var checkpoint: String = ExportCheckpoint.best.rawValue

    @Flag(help: "Replace existing, non-empty destination folders.")
    var overwrite = false

    @Option(help: "Also write Radit's own logits and query embeddings for --reference-prompt/--reference-sentence to this JSON file (for tools/check_exports.py).")
    var reference: String?

    @Option(help: "A prompt whose logits go into --reference (repeatable).")
    var referencePrompt: [String] = []

    @Option(help: "A sentence whose query embedding goes into --reference (repeatable).")
    var referenceSentence: [String] = []

    func validate() throws {
        if lm == nil && retriever == nil && reference == nil {
            throw ValidationError("nothing to export: pass --lm OUT and/or --retriever OUT")
        }
        if ExportCheckpoint(rawValue: checkpoint) == nil {
            throw ValidationError("--checkpoint must be one of \(ExportCheckpoint.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let export = try RunExport(run: URL(fileURLWithPath: runFolder), root: root, checkpoint: ExportCheckpoint(rawValue: checkpoint)!)
        print("export: \(runFolder) at step \(export.step) (\(export.checkpoint.lastPathComponent))")
        if let reference {
            let r = try export.reference(prompts: referencePrompt, sentences: referenceSentence)
            try JSONEncoder().encode(r).write(to: URL(fileURLWithPath: reference), options: .atomic)
            print("reference: \(reference) (\(r.lm.count) prompts, \(r.retriever.count) sentences)")
        }
        if let lm {
            try export.writeLM(to: URL(fileURLWithPath: lm), overwrite: overwrite)
            print("lm: \(lm) (transformers folder, LoRA merged)")
        }
        if let retriever {
            try export.writeRetriever(to: URL(fileURLWithPath: retriever), overwrite: overwrite)
            print("retriever: \(retriever) (sentence-transformers folder)")
        }
    }
}
