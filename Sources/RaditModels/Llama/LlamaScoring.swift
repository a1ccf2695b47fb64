import RaditKernels
import RaditTensor

/// `log p(answer | prompt)` token by token: the LSR / RA-IT / REPLUG primitive.
public struct AnswerScore: Sendable, Equatable {
    /// `log p(y_j | prompt, y_<j)` for each answer token, natural log.
    public var tokenLogProbs: [Double]
    /// Σ_j log p(y_j | …) = log p(y | prompt).
    public var total: Double { tokenLogProbs.reduce(0, +) }
    /// Mean token log-probability (Atlas' `mean_logprob`); 0 for an empty answer.
    public var mean: Double { tokenLogProbs.isEmpty ? 0 : total / Double(tokenLogProbs.count) }
}

/// One (prompt, answer) pair of token ids.
public struct ScoringPair: Sendable, Equatable {
    public var prompt: [Int]
    public var answer: [Int]
    public init(prompt: [Int], answer: [Int]) { self.prompt = prompt; self.answer = answer }
}

extension LlamaModel {
    /// Scores each answer given its prompt. Pairs are grouped by length into padded
    /// batches of up to `batchSize` sequences (padding on `padding`; results do not depend
    /// on it); each sequence gets one forward, and the output head runs only on the rows
    /// that predict answer tokens. Results are in input order.
    public func score(_ pairs: [ScoringPair], batchSize: Int = 8, padding: PaddingSide = .right) throws -> [AnswerScore] {
        for (i, p) in pairs.enumerated() {
            guard !p.prompt.isEmpty else { throw LlamaError.emptyPrompt(index: i) }
            for t in p.prompt + p.answer where t < 0 || t >= config.vocab {
                throw LlamaError.tokenOutOfRange(token: t, vocab: config.vocab)
            }
        }
        var results = [AnswerScore](repeating: AnswerScore(tokenLogProbs: []), count: pairs.count)
        // Similar lengths together keep padding (wasted work) small.
        let order = pairs.indices.sorted { pairs[$0].prompt.count + pairs[$0].answer.count < pairs[$1].prompt.count + pairs[$1].answer.count }
        var losses = [S]()
        for chunkStart in stride(from: 0, to: order.count, by: max(1, batchSize)) {
            let ids = Array(order[chunkStart..<min(order.count, chunkStart + max(1, batchSize))])
            let batch = try LlamaBatch(sequences: ids.map { pairs[$0].prompt + pairs[$0].answer },
                                       scoredFrom: ids.map { pairs[$0].prompt.count }, padding: padding)
            var rows: [Int] = [], targets: [Int32] = []
            for (i, t) in batch.targets.enumerated() where t >= 0 { rows.append(i); targets.append(t) }
            runForward(batch, training: false, logitRows: rows)
            losses = [S](repeating: 0, count: rows.count)
            losses.withUnsafeMutableBufferPointer { l in
                targets.withUnsafeBufferPointer { t in
                    _ = crossEntropyForward(losses: l.baseAddress, logits: work.logits.pointer, targets: t.baseAddress!,
                                            rows: rows.count, vocab: config.vocab)
                }
            }
            // Rows are in slot order, so each sequence's answer tokens come out in order.
            var cursor = 0
            for (b, pairIndex) in ids.enumerated() {
                let n = pairs[pairIndex].answer.count
                _ = b
                results[pairIndex] = AnswerScore(tokenLogProbs: (0..<n).map { -Double(losses[cursor + $0]) })
                cursor += n
            }
        }
        return results
    }
}
