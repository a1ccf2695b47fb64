import Foundation
import RaditModels
import RaditRemote
import RaditText

/// What a completion or chat request asks of the model, validated.
struct GenerationAsk: Sendable {
    var maxTokens: Int
    var sampling: SamplingMode
    var seed: UInt64
    var stop: [String]
}

/// A prompt as token ids, with the text it came from (nil when the client sent ids).
struct PromptTokens: Sendable {
    var ids: [Int]
    var text: String?
    /// Leading ids the tokenizer added (BOS): they have no text.
    var added: Int
}

/// The model-side work of the API; every function runs on the model worker.
enum Inference {
    /// Each token's text and where it starts (Unicode scalars from the start of the text);
    /// tokens the tokenizer added have no text. A token ending inside a UTF-8 character
    /// gets its text with the next token.
    static func tokenTexts(_ tokenizer: Tokenizer, ids: [Int], added: Int) -> (texts: [String], offsets: [Int]) {
        var texts: [String] = [], offsets: [Int] = []
        var done: [Unicode.Scalar] = []
        for i in ids.indices {
            offsets.append(done.count)
            guard i >= added else { texts.append(""); continue }
            var scalars = Array(tokenizer.decode(Array(ids[added...i]), skipSpecialTokens: false).unicodeScalars)
            while scalars.last == "\u{FFFD}" && i + 1 < ids.count { scalars.removeLast() }  // incomplete character
            if scalars.count > done.count, Array(scalars[0..<done.count]) == done {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[done.count...])
                texts.append(String(view))
                done = scalars
            } else {
                texts.append("")
            }
        }
        return (texts, offsets)
    }

    /// `log p(ids[t] | ids[<t])` for t ≥ 1 (nil for the first token) and, when `top > 0`,
    /// the `top` most likely tokens at each position.
    static func logprobs(_ bundle: LlamaBundle, ids: [Int], top: Int) throws -> (token: [Double?], top: [[String: Double]?]?) {
        guard ids.count > 1 else { return ([nil], top > 0 ? [nil] : nil) }
        let scores = try bundle.model.score([ScoringPair(prompt: [ids[0]], answer: Array(ids[1...]))], batchSize: 1)[0]
        let token: [Double?] = [nil] + scores.tokenLogProbs.map { Optional($0) }
        guard top > 0 else { return (token, nil) }
        let logits = bundle.model.logits(try LlamaBatch(sequences: [ids]))  // (1, T, V)
        let V = bundle.model.config.vocab
        var tops: [[String: Double]?] = [nil]
        logits.withUnsafeBufferPointer { p in
            for t in 0..<(ids.count - 1) {
                let row = p.baseAddress! + t * V
                var m = -Double.infinity
                for v in 0..<V { m = max(m, Double(row[v])) }
                var z = 0.0
                for v in 0..<V { z += Foundation.exp(Double(row[v]) - m) }
                let lse = m + Foundation.log(z)
                var best: [(Int, Double)] = []
                for v in 0..<V {
                    let lp = Double(row[v]) - lse
                    if best.count < top || lp > best[best.count - 1].1 {
                        best.append((v, lp))
                        best.sort { $0.1 > $1.1 }
                        if best.count > top { best.removeLast() }
                    }
                }
                var entry: [String: Double] = [:]
                for (v, lp) in best { entry[bundle.tokenizer.decode([v], skipSpecialTokens: false)] = lp }
                tops.append(entry)
            }
        }
        return (token, tops)
    }

    /// One completion choice: optional echo of the prompt, up to `maxTokens` generated
    /// tokens, and log-probs when asked (`logprobs`: alternatives per position).
    static func complete(_ bundle: LlamaBundle, prompt: PromptTokens, ask: GenerationAsk, echo: Bool,
                         logprobs: Int?, index: Int) throws -> (choice: CompletionResponse.Choice, generated: Int) {
        var generated: [Int] = []
        var text = ""
        var finish = "length"
        var completionTokens = 0
        if ask.maxTokens > 0 {
            let config = GenerationConfig(maxTokens: ask.maxTokens, sampling: ask.sampling, seed: ask.seed, stopStrings: ask.stop)
            // The prompt's tokens as `OpenAIService.textPrompt` prepared them (text prompts too).
            var g = config
            if let eos = bundle.tokenizer.eosId ?? bundle.model.config.eosToken { g.stopTokens.insert(eos) }
            let tok = bundle.tokenizer
            let result = try bundle.model.generate(prompt: prompt.ids, config: g, detokenize: { tok.decode($0) })
            text = tok.decode(result.tokens)
            if result.stopReason == .stopString, let s = ask.stop.first(where: { text.contains($0) }), let r = text.range(of: s) {
                text = String(text[..<r.lowerBound])
            }
            generated = result.tokens
            completionTokens = result.tokens.count
            finish = result.stopReason == .stopToken || result.stopReason == .stopString ? "stop" : "length"
            // The end-of-text token is not part of the text.
            if result.stopReason == .stopToken { generated.removeLast() }
        }
        let promptText = prompt.text ?? bundle.tokenizer.decode(Array(prompt.ids[prompt.added...]), skipSpecialTokens: false)
        let choiceText = echo ? promptText + text : text
        var lp: CompletionLogprobs?
        if let top = logprobs {
            let all = prompt.ids + generated
            let (token, tops) = try Self.logprobs(bundle, ids: all, top: top)
            let (texts, offsets) = tokenTexts(bundle.tokenizer, ids: all, added: prompt.added)
            let from = echo ? 0 : prompt.ids.count
            let shift = echo ? 0 : promptText.unicodeScalars.count
            lp = CompletionLogprobs(tokens: Array(texts[from...]), tokenLogprobs: Array(token[from...]),
                                    topLogprobs: tops.map { Array($0[from...]) },
                                    textOffset: offsets[from...].map { $0 - shift })
        }
        return (CompletionResponse.Choice(index: index, text: choiceText, logprobs: lp, finishReason: finish), completionTokens)
    }

    /// A chat turn: the template renders the messages, the model continues; `onDelta`
    /// hears new text as it becomes final (for streaming).
    static func chat(_ bundle: LlamaBundle, messages: [ChatMessage], ask: GenerationAsk,
                     onDelta: ((String) -> Void)?) throws -> (text: String, finish: String, promptTokens: Int, completionTokens: Int) {
        guard let template = bundle.chatTemplate else {
            throw APIError.invalid("This model has no chat template; use /v1/completions.", param: "messages")
        }
        let promptText = template.render(messages, addGenerationPrompt: true)
        let promptTokens = bundle.tokenizer.encode(promptText).ids.count
        let config = GenerationConfig(maxTokens: ask.maxTokens, sampling: ask.sampling, seed: ask.seed, stopStrings: ask.stop)
        var stream = DeltaStream(holdBack: max(0, (ask.stop.map { $0.unicodeScalars.count }.max() ?? 0) - 1))
        var tokens: [Int] = []
        let tok = bundle.tokenizer
        let (text, result) = try bundle.generate(promptText: promptText, config: config, onToken: onDelta.map { emit in
            { token in
                tokens.append(token)
                if let d = stream.advance(to: tok.decode(tokens)) { emit(d) }
            }
        })
        if let emit = onDelta, let d = stream.finish(with: text) { emit(d) }
        let finish = result.stopReason == .stopToken || result.stopReason == .stopString ? "stop" : "length"
        return (text, finish, promptTokens, result.tokens.count)
    }
}

/// Turns a growing decoded text into deltas that never need taking back: it holds back
/// an incomplete UTF-8 character and the last `holdBack` characters (a stop string may
/// still cut them).
struct DeltaStream {
    let holdBack: Int
    private var sent: [Unicode.Scalar] = []

    init(holdBack: Int) { self.holdBack = holdBack }

    mutating func advance(to text: String) -> String? {
        var scalars = Array(text.unicodeScalars)
        while scalars.last == "\u{FFFD}" { scalars.removeLast() }
        let stable = scalars.count - holdBack
        guard stable > sent.count, Array(scalars[0..<sent.count]) == sent else { return nil }
        return emit(Array(scalars[sent.count..<stable]))
    }

    /// The rest of `final` (the text as cut at a stop string).
    mutating func finish(with final: String) -> String? {
        let scalars = Array(final.unicodeScalars)
        guard scalars.count > sent.count, Array(scalars[0..<sent.count]) == sent else { return nil }
        return emit(Array(scalars[sent.count...]))
    }

    private mutating func emit(_ new: [Unicode.Scalar]) -> String {
        sent += new
        var view = String.UnicodeScalarView()
        view.append(contentsOf: new)
        return String(view)
    }
}
