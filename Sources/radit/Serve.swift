import ArgumentParser
import Foundation
import RaditModels
import RaditServe

/// `radit serve MODEL`: the OpenAI-compatible API over a native model, on loopback.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a Llama-family model with the OpenAI-compatible API (models, completions with logprobs/echo, chat completions with streaming).")

    @Argument(help: "A .gguf file or an HF folder (config.json, model.safetensors, tokenizer.json).")
    var modelOrRun: String

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
        let url = URL(fileURLWithPath: modelOrRun)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("\(modelOrRun) does not exist: give a .gguf file or an HF model folder")
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("run.h5").path) {
            throw ValidationError("\(modelOrRun) is a run folder; serving a run's tuned LM (LoRA merged) is not supported yet: serve its base model file or an exported HF folder")
        }
        let bundle = try LlamaBundle(path: url)
        let modelName = name ?? url.deletingPathExtension().lastPathComponent
        let server = try OpenAIServer(bundle: bundle, config: ServeConfig(host: host, port: port, modelName: modelName,
                                                                          queueCapacity: queue, defaultChatMaxTokens: maxChatTokens))
        // Unbuffered, so a script waiting for the URL sees it at once.
        FileHandle.standardOutput.write(Data("radit serve: \(modelName) at \(server.baseURL) (queue \(queue)); Ctrl-C stops\n".utf8))
        try server.wait()
    }
}
