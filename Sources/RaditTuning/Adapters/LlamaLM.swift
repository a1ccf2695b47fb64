import Foundation
import RaditBase
import RaditKernels
import RaditModels
import RaditTensor
import RaditText

/// `LlamaModel` as the engine's LM: batched `log p(y | prompt)` (AnswerScorer), RA-IT
/// steps (LMTrainer, AdamW on whatever the arena trains: LoRA or full), greedy answers
/// (AnswerGenerator) and checkpoints of the trainable tensors.
public final class LlamaLM: LMTrainer, AnswerGenerator, Checkpointable {
    public let model: LlamaModel<Float>
    public let codec: TextCodec
    /// Identifies the base weights (e.g. the model file and its size); part of every cache key.
    public let baseIdentity: String
    /// Longest prompt + answer in tokens; longer prompts lose their beginning.
    public var maxLength: Int
    public var scoringBatchSize = 8
    /// Sequences per micro-batch in an LM-ft step (gradients accumulate across them).
    public var microBatchSize = 4
    public var adamW = AdamWConfig()
    public var clipNorm: Double? = 1.0
    var identityMemo: String?

    public init(model: LlamaModel<Float>, codec: TextCodec, baseIdentity: String, maxLength: Int) {
        self.model = model
        self.codec = codec
        self.baseIdentity = baseIdentity
        self.maxLength = min(maxLength, model.config.maxPositions)
    }

    /// SHA-256 over the base identity and the trainable tensors, recomputed only after the
    /// parameters change.
    public var checkpointIdentity: String {
        if let m = identityMemo { return m }
        var h = SHA256()
        h.update(baseIdentity)
        let arena = model.arena
        for slot in arena.slots where slot.spec.trainable {
            h.update(slot.name)
            h.update(UnsafeRawBufferPointer(start: arena.values + slot.offset, count: slot.count * MemoryLayout<Float>.stride))
        }
        let id = SHA256.hexString(h.finalize())
        identityMemo = id
        return id
    }

    /// Prompt and answer ids, the prompt cut from the left to fit `maxLength`.
    func tokens(_ p: PromptAnswer) -> (prompt: [Int], answer: [Int]) {
        var prompt = codec.encode(p.prompt, special: true)
        var answer = codec.encode(p.answer, special: false)
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
                                                                   adamW: adamW, clipNorm: clipNorm))
        identityMemo = nil
        return LMStepReport(loss: r.loss, tokens: ids.reduce(0) { $0 + $1.prompt.count + $1.answer.count })
    }

    public func generate(_ prompts: [String], maxTokens: Int) throws -> [String] {
        let stop = Set([model.config.eosToken].compactMap { $0 })
        let ids = prompts.map { p in
            let ids = codec.encode(p, special: true)
            return ids.count + maxTokens > model.config.maxPositions ? Array(ids.suffix(model.config.maxPositions - maxTokens)) : ids
        }
        // One batch: every prompt decodes together, each stopping on its own.
        let results = try model.generate(prompts: ids, config: GenerationConfig(maxTokens: maxTokens, stopTokens: stop, stopStrings: ["\n"]),
                                         detokenize: { self.codec.decode($0) })
        return results.map { codec.decode($0.tokens.filter { !stop.contains($0) }) }
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
