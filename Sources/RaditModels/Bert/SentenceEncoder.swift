import Foundation
import RaditBase
import RaditTensor
import RaditText

/// Text in, normalised embeddings out: WordPiece tokenizer + `BertEncoder`, truncating at
/// `maxLength` tokens (sentence-transformers' `max_seq_length`, 256 for all-MiniLM-L6-v2).
public final class SentenceEncoder<S: BLASScalar> {
    public let name: String
    public let encoder: BertEncoder<S>
    public let tokenizer: Tokenizer
    /// Longest sequence fed to the encoder, in tokens including [CLS] and [SEP].
    public let maxLength: Int

    public init(name: String, encoder: BertEncoder<S>, tokenizer: Tokenizer, maxLength: Int = 256) {
        precondition(maxLength >= 2 && maxLength <= encoder.config.maxPositionEmbeddings,
                     "SentenceEncoder: maxLength \(maxLength) outside 2...\(encoder.config.maxPositionEmbeddings)")
        self.name = name
        self.encoder = encoder
        var t = tokenizer
        // tokenizer.json may carry the exporter's own truncation/padding (MiniLM's pads to
        // 128); the encoder pads per batch and truncates at maxLength.
        t.truncation = Truncation(maxLength: maxLength)
        t.padding = nil
        self.tokenizer = t
        self.maxLength = maxLength
    }

    /// Loads `config.json`, `model.safetensors` and `tokenizer.json` from a model folder.
    public static func load(directory: URL, maxLength: Int = 256, trainable: BertTrainable = .none) throws -> SentenceEncoder {
        let tokenizerURL = directory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
            throw BertError.missingFile(path: tokenizerURL.path, what: "tokenizer.json")
        }
        let encoder = try BertEncoder<S>.load(directory: directory, trainable: trainable)
        let tokenizer = try Tokenizer(tokenizerJSON: tokenizerURL)
        let limit = min(maxLength, encoder.config.maxPositionEmbeddings)
        return SentenceEncoder(name: directory.standardizedFileURL.lastPathComponent, encoder: encoder,
                               tokenizer: tokenizer, maxLength: limit)
    }

    /// Token ids with [CLS]/[SEP], truncated to `maxLength`.
    public func tokenize(_ texts: [String]) -> [[Int]] {
        tokenizer.encodeBatch(texts, threads: BLASThreads.count).map(\.ids)
    }

    /// Embeddings (count, D) of `texts`, in order.
    public func encode(_ texts: [String], batchSize: Int = 32, progress: ProgressHandler = silentProgress) throws -> [S] {
        try encoder.encode(tokenize(texts), batchSize: batchSize, progress: progress)
    }

    /// Embedding dimension D.
    public var dimension: Int { encoder.config.hiddenSize }
}
