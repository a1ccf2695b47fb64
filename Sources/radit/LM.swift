import ArgumentParser
import Foundation
import RaditModels

/// `radit lm generate|score`: quick checks of a Llama model (named `lm` so that
/// `radit generate synthkb|raft` stays free for data generation).
struct LM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Generate with or score answers under a Llama-family model (GGUF file or HF folder).",
        subcommands: [Generate.self, Score.self])

    struct ModelOptions: ParsableArguments {
        @Option(help: "A catalog name (SmolLM2-135M-Instruct), a .gguf file or an HF folder (config.json, model.safetensors, tokenizer.json).")
        var model: String = "SmolLM2-135M-Instruct"

        @Option(help: "Folder that holds catalog models.")
        var modelsDir: String = "models"

        @Flag(help: "Wrap the prompt in the model's chat template (as a user turn).")
        var chat = false

        func load() throws -> LlamaBundle {
            try LlamaBundle(path: try ModelCatalog.resolveModel(model, modelsDir: URL(fileURLWithPath: modelsDir)))
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Continue a prompt (greedy by default).")
        @OptionGroup var options: ModelOptions
        @Option(help: "Prompt text.") var prompt: String
        @Option(help: "Maximum new tokens.") var maxTokens = 64
        @Option(help: "Sampling temperature; 0 = greedy.") var temperature = 0.0
        @Option(help: "Nucleus (top-p) mass when sampling.") var topP = 1.0
        @Option(help: "Sampler seed.") var seed: UInt64 = 0
        @Option(help: "Stop when the output contains this string (repeatable).") var stop: [String] = []

        func validate() throws {
            guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be ≥ 0, got \(maxTokens)") }
            guard temperature >= 0 else { throw ValidationError("--temperature must be ≥ 0, got \(temperature)") }
            guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1], got \(topP)") }
        }

        func run() throws {
            let bundle = try options.load()
            let sampling: SamplingMode = temperature == 0 ? .greedy : .sample(temperature: temperature, topP: topP)
            let start = Date()
            let (text, result) = try bundle.generate(prompt, chat: options.chat,
                                                     config: GenerationConfig(maxTokens: maxTokens, sampling: sampling,
                                                                              seed: seed, stopStrings: stop))
            let seconds = Date().timeIntervalSince(start)
            print(text)
            FileHandle.standardError.write(Data(String(format: "[%d tokens, %@, %.1f tokens/s]\n", result.tokens.count,
                                                       result.stopReason.rawValue, Double(result.tokens.count) / max(seconds, 1e-9)).utf8))
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print log p(answer | prompt), total and per token.")
        @OptionGroup var options: ModelOptions
        @Option(help: "Prompt text.") var prompt: String
        @Option(help: "Answer text (repeatable: each is scored against the prompt).") var answer: [String]

        func validate() throws {
            guard !answer.isEmpty else { throw ValidationError("give at least one --answer") }
        }

        func run() throws {
            let bundle = try options.load()
            let scores = try bundle.score(answer.map { (prompt, $0) }, chat: options.chat)
            for (a, s) in zip(answer, scores) {
                let tokens = s.tokenLogProbs.map { String(format: "%.4f", $0) }.joined(separator: " ")
                print(String(format: "logp=%.4f mean=%.4f tokens=%d  %@  [%@]", s.total, s.mean, s.tokenLogProbs.count, a, tokens))
            }
        }
    }
}
