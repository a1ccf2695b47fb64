import RaditTensor

/// The retriever's trainable side: the query encoder (Atlas/RA-DIT query-side tuning). Its
/// `embed` is the query side of a tuned `DenseRetriever`.
public protocol QueryEncoder: AnyObject, TextEmbedder {
    /// Adds dL/d(parameters) given dL/d(embeddings) (Nq, D) for the same queries.
    func backward(_ queries: [String], embeddingGradient: Tensor<Float>) throws
    /// One optimizer step on the accumulated gradients, which are then cleared.
    func step(learningRate: Float) throws
}
