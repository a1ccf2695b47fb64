import Foundation
import RaditIndex
import RaditModels
import RaditTensor
import RaditText

/// The default retriever (all-MiniLM-L6-v2: BERT, mean pooling, L2-normalised) as a
/// `TextEmbedder`, for `radit generate raft --source dense`.
struct MiniLMEmbedder: TextEmbedder {
    let encoder: BertEncoder<Float>
    let tokenizer: Tokenizer

    var dimension: Int { encoder.config.hiddenSize }

    init(directory: URL) throws {
        encoder = try BertEncoder<Float>.load(directory: directory)
        var t = try Tokenizer(tokenizerJSON: directory.appendingPathComponent("tokenizer.json"))
        // sentence-transformers embeds up to 256 tokens, unpadded; the encoder masks its own batches.
        t.truncation = Truncation(maxLength: min(256, encoder.config.maxPositionEmbeddings))
        t.padding = nil
        tokenizer = t
    }

    func embed(_ texts: [String]) throws -> Tensor<Float> {
        let ids = texts.map { tokenizer.encode($0).ids }
        return Tensor(shape: [texts.count, dimension], scalars: try encoder.encode(ids))
    }
}
