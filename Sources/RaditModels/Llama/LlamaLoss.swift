import RaditKernels
import RaditTensor

/// Mean cross-entropy over the scored (answer) tokens of a batch, and how many there were.
public struct LlamaLoss: Sendable, Equatable {
    public var loss: Double
    public var tokens: Int
}

extension LlamaModel {
    /// Logits at every slot of a batch, `(B, T, V)` (padding slots hold garbage-free but
    /// meaningless values). Inference forward; no activations kept.
    public func logits(_ batch: LlamaBatch) -> Tensor<S> {
        let rows = Array(0..<(batch.batch * batch.length))
        runForward(batch, training: false, logitRows: rows)
        let n = rows.count * config.vocab
        return Tensor(shape: [batch.batch, batch.length, config.vocab],
                      scalars: Array(UnsafeBufferPointer(start: work.logits.pointer, count: n)))
    }

    /// Training forward: mean `−log p(target)` over the batch's scored tokens (answer
    /// tokens only; prompt and padding are masked by `targets = −1`). Keeps activations
    /// for `backward`. Logits are computed for scored rows only.
    public func forwardLoss(_ batch: LlamaBatch) -> LlamaLoss {
        var rows: [Int] = []
        var targets: [Int32] = []
        for (i, t) in batch.targets.enumerated() where t >= 0 {
            rows.append(i)
            targets.append(t)
        }
        runForward(batch, training: true, logitRows: rows)
        work.pendingBatch = batch
        work.pendingTargets = targets
        let (mean, counted) = targets.withUnsafeBufferPointer { t in
            crossEntropyForward(losses: nil, logits: work.logits.pointer, targets: t.baseAddress!,
                                rows: rows.count, vocab: config.vocab)
        }
        return LlamaLoss(loss: Double(mean), tokens: counted)
    }

    /// Adds the gradient of `scale · loss` of the last `forwardLoss` into `arena.grads`
    /// (trainable parameters only). For gradient accumulation over micro-batches pass
    /// `scale = tokens_i / Σ tokens` so the sum is the gradient of the pooled mean.
    public func backward(scale: Double = 1) {
        guard let batch = work.pendingBatch else { preconditionFailure("backward() without a preceding forwardLoss()") }
        runBackward(batch, targets: work.pendingTargets, dLoss: S(scale))
    }

    /// Zeroes gradients, then forward and backward of one batch.
    @discardableResult
    public func lossAndGradients(_ batch: LlamaBatch) -> LlamaLoss {
        arena.zeroGradients()
        let loss = forwardLoss(batch)
        backward()
        return loss
    }
}
