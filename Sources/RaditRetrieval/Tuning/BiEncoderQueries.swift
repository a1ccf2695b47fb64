import RaditKernels
import RaditModels
import RaditTensor

/// The query side of a `BiEncoder` as a `QueryEncoder`: embeddings of questions, and R-ft
/// steps that take dL/d(embeddings) from the engine's loss. Both sides read text through
/// the same `SentenceEncoder` path as every other encoder user.
public final class BiEncoderQueries: QueryEncoder {
    public let biEncoder: BiEncoder<Float>
    /// Text → query encoder (trained).
    public let queries: SentenceEncoder<Float>
    /// Text → document encoder (frozen unless the bi-encoder trains both sides).
    public let documents: SentenceEncoder<Float>
    /// R-ft's AdamW settings and gradient-norm clip (nil: none): the run config's
    /// `train.retriever_*` values, never defaults of this type's own.
    public var adamW: AdamWConfig
    public var clipNorm: Double?
    /// Queries and dL/dE added by `backward` since the last `step`.
    var pendingQueries: [[Int]] = []
    var pendingGradient: [Float] = []

    /// Copies `base`'s encoder into the two sides (query side training `queryTrainable`),
    /// stepping the query side with `optimizer`, clipped to `clipNorm`.
    public init(base: SentenceEncoder<Float>, training: BiEncoderTraining, queryTrainable: BertTrainable,
                optimizer: AdamWConfig, clipNorm: Double?) {
        adamW = optimizer
        self.clipNorm = clipNorm
        biEncoder = BiEncoder(base: base.encoder, training: training, queryTrainable: queryTrainable)
        queries = base.with(encoder: biEncoder.query)
        documents = base.with(encoder: biEncoder.document)
    }

    public var dimension: Int { biEncoder.query.config.hiddenSize }
    public var maxLength: Int { queries.maxLength }

    /// Token ids the query encoder sees for `texts`.
    public func tokenize(_ texts: [String]) -> [[Int]] { queries.tokenize(texts) }

    public func embed(_ texts: [String]) throws -> Tensor<Float> { try queries.embed(texts) }

    /// Document embeddings with the (frozen) document encoder, for building the index.
    public func embedDocuments(_ texts: [String]) throws -> Tensor<Float> { try documents.embed(texts) }

    public func backward(_ texts: [String], embeddingGradient: Tensor<Float>) throws {
        pendingQueries += queries.tokenize(texts)
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
}
