import RaditBase
import RaditKernels
import RaditTensor

/// Optimisation settings for LM fine-tuning (full or LoRA: whatever the arena marks trainable).
public struct LlamaTrainingConfig: Sendable, Equatable {
    public var schedule: LearningRateSchedule
    public var adamW: AdamWConfig
    /// Global-norm clip; nil disables clipping.
    public var clipNorm: Double?

    /// No defaults: a run takes them from its config (`train.lm_*`), tests state theirs.
    public init(schedule: LearningRateSchedule, adamW: AdamWConfig, clipNorm: Double?) {
        self.schedule = schedule; self.adamW = adamW; self.clipNorm = clipNorm
    }
}

/// What one optimizer step did.
public struct LlamaStepReport: Sendable, Equatable {
    /// Token-weighted mean loss over the step's micro-batches (before the update).
    public var loss: Double
    public var tokens: Int
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    public var learningRate: Double
    public var step: Int
}

extension LlamaModel {
    /// One AdamW step over `microBatches` (gradient accumulation): gradients of the pooled
    /// token-mean loss, clipped by global norm, learning rate from the schedule at the
    /// arena's next step.
    @discardableResult
    public func trainStep(_ microBatches: [LlamaBatch], config t: LlamaTrainingConfig) -> LlamaStepReport {
        let total = microBatches.reduce(0) { $0 + $1.targetCount }
        arena.zeroGradients()
        var lossSum = 0.0
        for mb in microBatches where mb.targetCount > 0 {
            let l = forwardLoss(mb)
            lossSum += l.loss * Double(l.tokens)
            backward(scale: Double(l.tokens) / Double(max(1, total)))
        }
        let norm = t.clipNorm.map { arena.clipGradients(maxNorm: $0) } ?? arena.gradientNorm()
        let lr = t.schedule.lr(step: arena.step + 1)
        arena.adamWStep(lr: lr, config: t.adamW)
        return LlamaStepReport(loss: lossSum / Double(max(1, total)), tokens: total, gradientNorm: norm,
                               learningRate: lr, step: arena.step)
    }
}
