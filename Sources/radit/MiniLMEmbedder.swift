import Foundation
import RaditIndex
import RaditModels
import RaditTensor
import RaditText

/// A BERT-family bi-encoder (all-MiniLM-L6-v2 by default: mean pooling, L2-normalised) as
/// a `TextEmbedder`, for `radit bench retrieval` dense rows and `radit generate raft
/// --source dense`.
struct MiniLMEmbedder: TextEmbedder {
    let encoder: BertEncoder<Float>
    let tokenizer: Tokenizer
    let batchSize: Int

    var dimension: Int { encoder.config.hiddenSize }

    init(encoder: BertEncoder<Float>, tokenizer: Tokenizer, batchSize: Int = 32) {
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.batchSize = batchSize
    }

    /// Loads the encoder and its tokenizer from a model folder; truncates as
    /// sentence-transformers does (256 tokens) and leaves padding to the encoder's batches.
    init(directory: URL, batchSize: Int = 32) throws {
        let encoder = try BertEncoder<Float>.load(directory: directory)
        var t = try Tokenizer(tokenizerJSON: directory.appendingPathComponent("tokenizer.json"))
        t.truncation = Truncation(maxLength: min(256, encoder.config.maxPositionEmbeddings))
        t.padding = nil
        self.init(encoder: encoder, tokenizer: t, batchSize: batchSize)
    }

    func embed(_ texts: [String]) throws -> Tensor<Float> {
        let sequences = texts.map { tokenizer.encode($0).ids }
        return Tensor(shape: [texts.count, dimension],
                      scalars: try encoder.encode(sequences, batchSize: min(batchSize, 32)))
    }
}
