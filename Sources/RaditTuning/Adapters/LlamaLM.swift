import Foundation
import RaditBase
import RaditKernels
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditText

/// `LlamaModel` as the engine's LM: batched `log p(y | prompt)` (AnswerScorer), RA-IT
/// steps (LMTrainer, AdamW on whatever the arena trains: LoRA or full), greedy answers
/// (AnswerGenerator) and checkpoints of the trainable tensors.
public final class LlamaLM: LMTrainer, MixtureGenerator, ContinuationScoringGenerator, Checkpointable, TokenBudget {
    public let model: LlamaModel<Float>
    public let codec: TextCodec
    /// Identifies the base weights (e.g. the model file and its size); part of every cache key.
    public let baseIdentity: String
    /// Longest prompt + answer in tokens; longer prompts lose their beginning.
    public var maxLength: Int
    /// Pairs per scoring batch.
    public var scoringBatchSize: Int
    /// Sequences per micro-batch in an LM-ft step (gradients accumulate across them).
    public var microBatchSize: Int
    public var optimizer: OptimizerOptions
    /// When set, prompts are user turns of this chat template and answers end with its
    /// end-of-turn token; otherwise answers end with the model's EOS.
    public let chatTemplate: ChatTemplate?
    /// The token trained after every answer and where generation stops (nil: the model
    /// has no EOS, so answers are not terminated and only `maxTokens` ends generation).
    public let endOfAnswerToken: Int?
    var identityMemo: String?

    /// Answers end with the model's EOS.
    public init(model: LlamaModel<Float>, codec: TextCodec, baseIdentity: String, maxLength: Int,
                scoringBatchSize: Int, microBatchSize: Int, optimizer: OptimizerOptions) {
        self.model = model
        self.codec = codec
        self.baseIdentity = baseIdentity
        self.maxLength = min(maxLength, model.config.maxPositions)
        self.scoringBatchSize = scoringBatchSize
        self.microBatchSize = microBatchSize
        self.optimizer = optimizer
        chatTemplate = nil
        endOfAnswerToken = model.config.eosToken
    }

    /// Prompts are user turns of `chatTemplate`; answers end with its end-of-turn token,
    /// which must be a single token of `codec`.
    public init(model: LlamaModel<Float>, codec: TextCodec, baseIdentity: String, maxLength: Int,
                scoringBatchSize: Int, microBatchSize: Int, optimizer: OptimizerOptions,
                chatTemplate: ChatTemplate) throws {
        // The end-of-turn marker must be one token, or generation could never stop on it.
        let ids = codec.encode(chatTemplate.endOfTurn, special: false)
        guard ids.count == 1 else {
            throw TuningError.invalidOption(option: "chatTemplate", reason: "the chat template's end of turn \(chatTemplate.endOfTurn.debugDescription) is \(ids.count) tokens in this tokenizer, not one special token; use the plain template")
        }
        self.model = model
        self.codec = codec
        self.baseIdentity = baseIdentity
        self.maxLength = min(maxLength, model.config.maxPositions)
        self.scoringBatchSize = scoringBatchSize
        self.microBatchSize = microBatchSize
        self.optimizer = optimizer
        self.chatTemplate = chatTemplate
        endOfAnswerToken = ids[0]
    }

    /// SHA-256 over the base identity, the answer framing and the trainable tensors,
    /// recomputed only after the parameters change.
    public var checkpointIdentity: String {
        if let m = identityMemo { return m }
        var h = SHA256()
        h.update(baseIdentity)
        // Scores with and without the end token (or inside a chat turn) are different numbers.
        h.update("end-of-answer:\(endOfAnswerToken.map(String.init) ?? "none");chat:\(chatTemplate.map { "\($0)" } ?? "none")")
        let arena = model.arena
        for slot in arena.slots where slot.spec.trainable {
            h.update(slot.name)
            h.update(UnsafeRawBufferPointer(start: arena.values + slot.offset, count: slot.count * MemoryLayout<Float>.stride))
        }
        let id = SHA256.hexString(h.finalize())
        identityMemo = id
        return id
    }

    public var endOfAnswer: Set<Int> { Set([endOfAnswerToken, model.config.eosToken].compactMap { $0 }) }

    /// The ids a prompt starts generation from: the codec's framing (BOS) around the text,
    /// inside a user turn when a chat template is set. A framing that also closes the text
    /// (the byte codec's [1] … [2], 2 being the tiny LM's EOS) loses that end token: a
    /// decoder's prompt is continued, not ended.
    func promptIDs(_ text: String) -> [Int] {
        let rendered = chatTemplate.map { $0.render([ChatMessage(role: .user, content: text)], addGenerationPrompt: true) } ?? text
        var ids = codec.encode(rendered, special: true)
        if let last = ids.last, endOfAnswer.contains(last), codec.encode(rendered, special: false).last != last {
            ids.removeLast()
        }
        return ids
    }

    /// Answer ids: the completion's tokens, then the end-of-answer token (RA-DIT trains
    /// `<bos> x y <eos>`; in a chat turn the end of turn). In a chat turn the completion's
    /// leading space belongs to the plain template and is dropped.
    func answerIDs(_ completion: String) -> [Int] {
        let text = chatTemplate == nil ? completion : String(completion.drop(while: { $0 == " " }))
        return codec.encode(text, special: false) + [endOfAnswerToken].compactMap { $0 }
    }

    public func tokenCounts(_ pair: PromptAnswer) -> (prompt: Int, answer: Int) {
        (promptIDs(pair.prompt).count, answerIDs(pair.answer).count)
    }

    /// Prompt and answer ids, the prompt cut from the left to fit `maxLength`.
    func tokens(_ p: PromptAnswer) -> (prompt: [Int], answer: [Int]) {
        var prompt = promptIDs(p.prompt)
        var answer = answerIDs(p.answer)
        if answer.count >= maxLength { answer = Array(answer.prefix(maxLength - 1)) }
        if prompt.count + answer.count > maxLength { prompt = Array(prompt.suffix(maxLength - answer.count)) }
        if prompt.isEmpty { prompt = [codec.encode("", special: true).first ?? 0] }
        return (prompt, answer)
    }

    public func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb] {
        let ids = pairs.map(tokens)
        let scores = try model.score(ids.map { ScoringPair(prompt: $0.prompt, answer: $0.answer) }, batchSize: scoringBatchSize)
        return scores.map { AnswerLogProb(sum: $0.total, tokens: $0.tokenLogProbs.count) }
    }

    public func trainStep(_ batch: [PromptAnswer], learningRate: Float) throws -> LMStepReport {
        let ids = batch.map(tokens)
        var micro: [LlamaBatch] = []
        for start in stride(from: 0, to: ids.count, by: max(1, microBatchSize)) {
            let part = ids[start..<min(ids.count, start + max(1, microBatchSize))]
            micro.append(try LlamaBatch(sequences: part.map { $0.prompt + $0.answer }, scoredFrom: part.map { $0.prompt.count }))
        }
        let r = model.trainStep(micro, config: LlamaTrainingConfig(schedule: .constant(peak: Double(learningRate)),
                                                                   adamW: optimizer.adamW, clipNorm: optimizer.clipNorm))
        identityMemo = nil
        return LMStepReport(loss: r.loss, tokens: ids.reduce(0) { $0 + $1.prompt.count + $1.answer.count })
    }

    /// A prompt's ids cut from the left so `maxTokens` more fit the context window.
    func generationPrompt(_ p: String, maxTokens: Int) -> [Int] {
        let ids = promptIDs(p)
        let room = max(1, model.config.maxPositions - maxTokens)
        return ids.count > room ? Array(ids.suffix(room)) : ids
    }

    /// Greedy decoding until the end-of-answer token; `maxTokens` only caps it. Every
    /// prompt decodes in one batch, each stopping on its own.
    public func generate(_ prompts: [String], maxTokens: Int) throws -> [String] {
        let ids = prompts.map { generationPrompt($0, maxTokens: maxTokens) }
        let results = try model.generate(prompts: ids, config: GenerationConfig(maxTokens: maxTokens, stopTokens: endOfAnswer))
        return results.map { text($0.tokens) }
    }

    /// Generates as `generate` does (every group's prompts in one decoding batch), keeping
    /// each prompt's KV cache, then scores each group's completions after that group's
    /// prompts against those caches: one forward per completion over its own few tokens
    /// instead of one over prompt + completion per pair.
    public func generateThenScore(_ groups: [[String]], maxTokens: Int,
                                  completions: (_ group: Int, _ answers: [String]) -> [String]) throws -> (answers: [[String]], scores: [[[AnswerLogProb]]?]) {
        let prompts = groups.flatMap { $0 }
        let ids = prompts.map { generationPrompt($0, maxTokens: maxTokens) }
        // Room after the prompt for a candidate re-tokenised from the generated text (its
        // leading space and end token may add a token or two to the generated ones).
        let (results, states) = try model.generateRetainingPrompts(ids, config: GenerationConfig(maxTokens: maxTokens, stopTokens: endOfAnswer),
                                                                   scoringRoom: maxTokens + 8)
        var answers: [[String]] = [], scores: [[[AnswerLogProb]]?] = []
        var first = 0
        for (g, group) in groups.enumerated() {
            let range = first..<(first + group.count)
            first += group.count
            let groupAnswers = range.map { text(results[$0].tokens) }
            answers.append(groupAnswers)
            var table: [[AnswerLogProb]]? = []
            for completion in completions(g, groupAnswers) {
                let answer = answerIDs(completion)
                // Only pairs `score` would see exactly as generated: same prompt ids, no cut.
                let exact = range.allSatisfy { p in
                    let pair = tokens(PromptAnswer(prompt: prompts[p], answer: completion))
                    return pair.prompt == ids[p] && pair.answer == answer && answer.count - 1 <= states[p].room
                }
                guard exact else { table = nil; break }
                table?.append(try model.score(continuation: answer, after: Array(states[range]))
                    .map { AnswerLogProb(sum: $0.total, tokens: $0.tokenLogProbs.count) })
            }
            scores.append(table)
        }
        return (answers, scores)
    }

    public func text(_ tokens: [Int]) -> String {
        let end = endOfAnswer
        return codec.decode(tokens.filter { !end.contains($0) })
    }

    public func openSources(_ prompts: [String], maxTokens: Int) throws -> [NextTokenSource] {
        try prompts.map { p in
            let ids = generationPrompt(p, maxTokens: maxTokens)
            return try LlamaTokenSource(model: model, prompt: ids,
                                        capacity: min(model.config.maxPositions, ids.count + maxTokens))
        }
    }

    /// Trainable tensors, their AdamW moments, the optimizer step and the LoRA-dropout
    /// generator (so a resumed run drops the same units).
    public func checkpointTensors() -> [CheckpointTensor] {
        ArenaCheckpoint.tensors(model.arena, prefix: "lm.")
            + [CheckpointTensor(.extra, "lm.dropout_rng", ArenaCheckpoint.encode(model.dropoutRandom))]
    }

    public func restore(from tensors: [String: Tensor<Float>]) throws {
        try ArenaCheckpoint.restore(model.arena, prefix: "lm.", from: tensors)
        if let r = tensors["\(CheckpointSection.extra.rawValue)/lm.dropout_rng"] { model.dropoutRandom = try ArenaCheckpoint.decode(r) }
        identityMemo = nil
    }
}

/// One context of a REPLUG mixture: a KV-cached decoder and its current next-token
/// log-probabilities (log-softmax of the logits, in Double).
final class LlamaTokenSource: NextTokenSource {
    let decoder: LlamaDecoder<Float>
    private(set) var logProbabilities: [Double] = []

    init(model: LlamaModel<Float>, prompt: [Int], capacity: Int) throws {
        decoder = LlamaDecoder(model: model, capacity: capacity)
        logProbabilities = Self.logSoftmax(try decoder.append(prompt))
    }

    var isFull: Bool { decoder.length >= decoder.capacity }

    func append(_ token: Int) throws { logProbabilities = Self.logSoftmax(try decoder.append([token])) }

    static func logSoftmax(_ logits: [Float]) -> [Double] {
        let z = logits.map(Double.init)
        let lse = logSumExp(z)
        return z.map { $0 - lse }
    }
}
