import ArgumentParser
import Foundation
import RaditExperiments

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
        var serving = Serving(model: URL(fileURLWithPath: modelOrRun))
        serving.host = host
        serving.port = port
        serving.name = name
        serving.queue = queue
        serving.maxChatTokens = maxChatTokens
        let running = try serving.start()
        // Unbuffered, so a script waiting for the URL sees it at once.
        FileHandle.standardOutput.write(Data("radit serve: \(running.modelName) at \(running.baseURL) (queue \(queue)); Ctrl-C stops\n".utf8))
        try running.wait()
    }
}
