import ArgumentParser
import Foundation
import RaditExperiments

/// `radit serve MODEL`: the OpenAI-compatible API over a native model, on loopback.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a Llama-family model or a run's tuned LM with the OpenAI-compatible API (models, completions with logprobs/echo, chat completions with streaming), and POST /retrieve.",
        discussion: """
        A run folder serves its best checkpoint's LM with LoRA merged (as `radit export --lm` \
        writes it) and answers POST /retrieve ({"queries": [...], "topk": k} → documents with \
        scores, as Search-R1/FlashRAG retrieval servers do) with the run's tuned retriever over \
        its corpus. For a model file or folder, --retriever and --corpus serve a base encoder.
        """)

    @Argument(help: "A .gguf file, an HF folder (config.json, model.safetensors, tokenizer.json) or a run folder.")
    var modelOrRun: String

    @Option(help: "Encoder for POST /retrieve (catalog name or folder), with --corpus; not with a run folder.")
    var retriever: String?

    @Option(help: "Corpus for POST /retrieve (any dataset or text/PDF folder the readers know), with --retriever.")
    var corpus: String?

    @Option(help: "Folder that holds catalog models.")
    var modelsDir = "models"

    @Option(help: "Address to listen on (the server has no authentication: keep it on loopback).")
    var host = "127.0.0.1"

    @Option(help: "Port; 0 picks a free one (printed on start).")
    var port = 8080

    @Option(help: "The model name clients send (default: the file or folder name without extension).")
    var name: String?

    @Option(help: "Requests admitted at once (running or queued); more are answered with 429.")
    var queue = 256

    @Option(help: "max_tokens for chat requests that give none.")
    var maxChatTokens = 256

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535, got \(port)") }
        guard queue > 0 else { throw ValidationError("--queue must be > 0, got \(queue)") }
        guard maxChatTokens >= 0 else { throw ValidationError("--max-chat-tokens must be ≥ 0, got \(maxChatTokens)") }
    }

    func run() throws {
        var serving = Serving(model: URL(fileURLWithPath: modelOrRun))
        serving.host = host
        serving.port = port
        serving.name = name
        serving.queue = queue
        serving.maxChatTokens = maxChatTokens
        serving.retriever = retriever
        serving.corpus = corpus
        serving.modelsDir = URL(fileURLWithPath: modelsDir)
        let progress = ProgressRenderer()
        let running = try serving.start(progress: progress.handle)
        progress.finish()
        let retrieve = running.documents > 0 ? ", POST \(running.rootURL)/retrieve over \(running.documents) documents" : ""
        // Unbuffered, so a script waiting for the URL sees it at once.
        FileHandle.standardOutput.write(Data("radit serve: \(running.modelName) at \(running.baseURL) (queue \(queue))\(retrieve); Ctrl-C stops\n".utf8))
        try running.wait()
    }
}
