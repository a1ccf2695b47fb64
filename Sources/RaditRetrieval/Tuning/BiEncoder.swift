import RaditBase
import RaditKernels
import RaditModels
import RaditTensor

/// Which side of the bi-encoder R-ft updates.
public enum BiEncoderTraining: String, Sendable, Codable, CaseIterable {
    /// Only the query encoder (RA-DIT, Atlas query-side tuning): document embeddings, and
    /// so the index, stay valid.
    case queryOnly = "query_only"
    /// Both encoders: every document step makes the index stale until it is re-embedded.
    case both
}

/// Dual encoder for retrieval (DPR-style): `s(x, c) = E_q(x) · E_d(c)` with L2-normalised
/// embeddings. Both encoders start from the same weights, in separate arenas; the
/// document encoder is frozen unless `training == .both`.
public final class BiEncoder<S: BLASScalar> {
    public let query: BertEncoder<S>
    public let document: BertEncoder<S>
    public let training: BiEncoderTraining
    /// True once the document encoder has changed since the index was built; whoever owns
    /// the index re-embeds and calls `markIndexRefreshed()`.
    public private(set) var indexStale = false

    /// Copies `base` into a query encoder training `queryTrainable` and a document encoder
    /// that trains the same tensors only when `training == .both`.
    public init(base: BertEncoder<S>, training: BiEncoderTraining = .queryOnly,
                queryTrainable: BertTrainable = .all) {
        self.training = training
        query = base.copy(trainable: queryTrainable)
        document = base.copy(trainable: training == .both ? queryTrainable : .none)
    }

    public func markIndexRefreshed() { indexStale = false }

    @usableFromInline func markIndexStale() { indexStale = true }

    /// Query embeddings (count, D).
    @inlinable
    public func encodeQueries(_ sequences: [[Int]], batchSize: Int = 32) throws -> [S] {
        try query.encode(sequences, batchSize: batchSize)
    }

    /// Document embeddings (count, D).
    @inlinable
    public func encodeDocuments(_ sequences: [[Int]], batchSize: Int = 32,
                                progress: ProgressHandler = silentProgress) throws -> [S] {
        try document.encode(sequences, batchSize: batchSize, progress: progress)
    }

    /// One optimiser step of the query encoder on `queries`: `loss(E (B, D))` returns the
    /// loss and `∂L/∂E (B, D)`, built from any R-ft loss (`lsrLoss`, `emdr2Loss` with
    /// `scoresBackward`, or `contrastiveLoss`). Gradients are zeroed first, clipped to
    /// `maxGradientNorm` when given, then AdamW. Returns the loss.
    @discardableResult
    @inlinable
    public func queryStep(_ queries: [[Int]], learningRate: Double, optimizer: AdamWConfig,
                          maxGradientNorm: Double?,
                          loss: (_ embeddings: [S]) -> (value: Double, gradient: [S])) throws -> Double {
        let batch = try BertBatch(queries, vocabSize: query.config.vocabSize,
                                  maxPositions: query.config.maxPositionEmbeddings)
        let a = query.forward(batch, training: true)
        let (value, gradient) = loss(a.embeddings)
        precondition(gradient.count == a.embeddings.count, "queryStep: gradient has \(gradient.count) values, embeddings \(a.embeddings.count)")
        query.parameters.zeroGradients()
        gradient.withUnsafeBufferPointer { query.backward(a, dEmbeddings: $0.baseAddress!) }
        if let maxGradientNorm { query.parameters.clipGradients(maxNorm: maxGradientNorm) }
        query.parameters.adamWStep(lr: learningRate, config: optimizer)
        return value
    }

    /// One optimiser step of the document encoder (only when `training == .both`), with
    /// `loss` giving ∂L/∂(document embeddings); marks the index stale.
    @discardableResult
    @inlinable
    public func documentStep(_ documents: [[Int]], learningRate: Double, optimizer: AdamWConfig,
                             maxGradientNorm: Double?,
                             loss: (_ embeddings: [S]) -> (value: Double, gradient: [S])) throws -> Double {
        precondition(training == .both, "documentStep: the document encoder is frozen (training = .queryOnly)")
        let batch = try BertBatch(documents, vocabSize: document.config.vocabSize,
                                  maxPositions: document.config.maxPositionEmbeddings)
        let a = document.forward(batch, training: true)
        let (value, gradient) = loss(a.embeddings)
        document.parameters.zeroGradients()
        gradient.withUnsafeBufferPointer { document.backward(a, dEmbeddings: $0.baseAddress!) }
        if let maxGradientNorm { document.parameters.clipGradients(maxNorm: maxGradientNorm) }
        document.parameters.adamWStep(lr: learningRate, config: optimizer)
        markIndexStale()
        return value
    }
}
