import RaditKernels
import RaditModels
import RaditTensor

/// The query side of a `BiEncoder` as the engine's QueryEncoder: embeddings of questions,
/// and R-ft steps that take dL/d(embeddings) from the engine's loss.
public final class BiEncoderQueries: QueryEncoder, Checkpointable {
    public let biEncoder: BiEncoder<Float>
    public let codec: TextCodec
    public var maxLength: Int
    public var adamW = AdamWConfig()
    public var clipNorm: Double? = 1.0
    /// Queries and dL/dE added by `backward` since the last `step`.
    var pendingQueries: [[Int]] = []
    var pendingGradient: [Float] = []

    public init(biEncoder: BiEncoder<Float>, codec: TextCodec, maxLength: Int) {
        self.biEncoder = biEncoder
        self.codec = codec
        self.maxLength = min(maxLength, biEncoder.query.config.maxPositionEmbeddings)
    }

    public var dimension: Int { biEncoder.query.config.hiddenSize }

    /// Ids with the model's framing tokens, cut to `maxLength` (keeping the end token).
    func ids(_ text: String) -> [Int] {
        let all = codec.encode(text, special: true)
        guard all.count > maxLength else { return all }
        return Array(all.prefix(maxLength - 1)) + [all.last!]
    }

    public func embed(_ queries: [String]) throws -> Tensor<Float> {
        Tensor(shape: [queries.count, dimension], scalars: try biEncoder.encodeQueries(queries.map(ids)))
    }

    /// Document embeddings with the (frozen) document encoder, for building the index.
    public func embedDocuments(_ texts: [String]) throws -> Tensor<Float> {
        Tensor(shape: [texts.count, dimension], scalars: try biEncoder.encodeDocuments(texts.map(ids)))
    }

    public func backward(_ queries: [String], embeddingGradient: Tensor<Float>) throws {
        pendingQueries += queries.map(ids)
        pendingGradient += embeddingGradient.scalars
    }

    public func step(learningRate: Float) throws {
        guard !pendingQueries.isEmpty else { return }
        let g = pendingGradient
        // queryStep recomputes the same embeddings (the parameters have not moved since
        // `embed`), back-propagates the given gradient, clips and takes an AdamW step.
        try biEncoder.queryStep(pendingQueries, learningRate: Double(learningRate), optimizer: adamW,
                                maxGradientNorm: clipNorm) { _ in (0, g) }
        pendingQueries = []
        pendingGradient = []
    }

    public func checkpointTensors() -> [CheckpointTensor] {
        ArenaCheckpoint.tensors(biEncoder.query.parameters, prefix: "retriever.query.")
    }

    public func restore(from tensors: [String: Tensor<Float>]) throws {
        try ArenaCheckpoint.restore(biEncoder.query.parameters, prefix: "retriever.query.", from: tensors)
    }
}
