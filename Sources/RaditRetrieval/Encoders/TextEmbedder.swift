import RaditTensor

/// Text → embedding, the seam through which encoders (a `SentenceEncoder`, the query
/// encoder being tuned, a remote embeddings API) plug into dense retrieval.
public protocol TextEmbedder {
    /// D.
    var dimension: Int { get }
    /// (N, D) embeddings of the texts, in order.
    func embed(_ texts: [String]) throws -> Tensor<Float>
}
