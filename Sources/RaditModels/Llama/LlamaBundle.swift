import Foundation
import RaditTensor
import RaditText

/// A Llama model with its tokenizer and (optional) chat template, loaded from a GGUF
/// file (tokenizer and template from its metadata) or an HF folder (`config.json`,
/// `model.safetensors`, `tokenizer.json`).
public final class LlamaBundle {
    public let model: LlamaModel<Float>
    public let tokenizer: Tokenizer
    public let chatTemplate: ChatTemplate?

    public init(model: LlamaModel<Float>, tokenizer: Tokenizer, chatTemplate: ChatTemplate?) {
        self.model = model; self.tokenizer = tokenizer; self.chatTemplate = chatTemplate
    }

    /// Loads `path`: a `.gguf` file or an HF checkpoint folder.
    public convenience init(path: URL) throws {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            let model = try LlamaModel<Float>(huggingFace: path)
            var tok = try Tokenizer(tokenizerJSON: path.appendingPathComponent("tokenizer.json"))
            let settings = try HFTokenizerConfig.load(folder: path)
            tok.bosId = settings.bosToken.flatMap(tok.id(of:)) ?? model.config.bosToken
            tok.eosId = settings.eosToken.flatMap(tok.id(of:)) ?? model.config.eosToken
            self.init(model: model, tokenizer: tok, chatTemplate: try settings.chatTemplate.map { try ChatTemplate(jinja: $0) })
        } else {
            let f = try GGUFFile(url: path)
            let model = try LlamaModel<Float>(gguf: path)
            self.init(model: model, tokenizer: try f.tokenizer(), chatTemplate: try f.chatTemplate())
        }
    }

    /// The prompt text the model sees: the chat template around a user turn when
    /// `chat` is set and a template is known, else the raw text.
    public func promptText(_ text: String, chat: Bool) -> String {
        guard chat, let chatTemplate else { return text }
        return chatTemplate.render([ChatMessage(role: .user, content: text)], addGenerationPrompt: true)
    }

    /// Generates a continuation of `prompt` (chat template applied when `chat`); stops at
    /// EOS, the configured stop tokens or strings. Returns the text and token ids.
    public func generate(_ prompt: String, chat: Bool, config: GenerationConfig) throws -> (text: String, result: GenerationResult) {
        try generate(promptText: promptText(prompt, chat: chat), config: config)
    }

    /// Generates a continuation of the exact text the model sees (a chat template already
    /// rendered, or none); `onToken` hears each token as it is chosen. The text is cut
    /// before a stop string.
    public func generate(promptText: String, config: GenerationConfig,
                         onToken: ((Int) -> Void)? = nil) throws -> (text: String, result: GenerationResult) {
        let ids = tokenizer.encode(promptText).ids
        var g = config
        if let eos = tokenizer.eosId ?? model.config.eosToken { g.stopTokens.insert(eos) }
        let tok = tokenizer
        let result = try model.generate(prompt: ids, config: g, detokenize: { tok.decode($0) }, onToken: onToken)
        var text = tokenizer.decode(result.tokens)
        if result.stopReason == .stopString, let s = g.stopStrings.first(where: { text.contains($0) }),
           let r = text.range(of: s) {
            text = String(text[..<r.lowerBound])
        }
        return (text, result)
    }

    /// `log p(answer | prompt)` for text pairs; the answer is tokenised on its own and
    /// appended to the prompt's tokens (chat template around the prompt when `chat`).
    public func score(_ pairs: [(prompt: String, answer: String)], chat: Bool, batchSize: Int = 8) throws -> [AnswerScore] {
        let tokenPairs = pairs.map { p in
            ScoringPair(prompt: tokenizer.encode(promptText(p.prompt, chat: chat)).ids,
                        answer: tokenizer.encode(p.answer, addSpecialTokens: false).ids)
        }
        return try model.score(tokenPairs, batchSize: batchSize)
    }
}
