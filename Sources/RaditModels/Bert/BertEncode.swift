import RaditBase
import RaditTensor

extension BertEncoder {
    /// Embeds already-tokenised sequences (with [CLS]/[SEP], at most `maxPositionEmbeddings`
    /// ids each), `batchSize` at a time, and returns (count, D) row-major in input order.
    /// Sequences are batched in order of length, as sentence-transformers does, so padding
    /// costs little; the result does not depend on the batching (padding is masked).
    @inlinable
    public func encode(_ sequences: [[Int]], batchSize: Int = 32,
                       progress: ProgressHandler = silentProgress) throws -> [S] {
        precondition(batchSize > 0, "encode: batchSize must be positive")
        let D = config.hiddenSize
        var out = [S](repeating: 0, count: sequences.count * D)
        let order = sequences.indices.sorted { (sequences[$0].count, $0) > (sequences[$1].count, $1) }
        // Longest batch first, so its buffers hold every later batch: one allocation per call.
        var workspace: BertActivations<S>? = nil
        var start = 0
        while start < order.count {
            let chunk = Array(order[start..<min(order.count, start + batchSize)])
            let batch = try BertBatch(chunk.map { sequences[$0] }, vocabSize: config.vocabSize,
                                      maxPositions: config.maxPositionEmbeddings)
            let a = forward(batch, reusing: workspace)
            workspace = a
            for (row, index) in chunk.enumerated() {
                for i in 0..<D { out[index * D + i] = a.output.pointer[row * D + i] }
            }
            start += chunk.count
            if progress(ProgressEvent(stage: "encode", done: start, total: order.count, unit: "sequences")) == .stop { break }
        }
        return out
    }
}
