import Foundation
import RaditBase
import RaditModels
import RaditTensor
import RaditText

/// Text in, normalised embeddings out: a codec + `BertEncoder`, each text cut to
/// `maxLength` tokens (sentence-transformers' `max_seq_length`, 256 for all-MiniLM-L6-v2).
///
/// The one place text becomes encoder ids: `radit run` (both bi-encoder sides), `embed`,
/// `bench retrieval` and `generate raft` all go through `tokenize`, so none can pad with
/// a tokenizer.json's fixed `[PAD]`s (the codec never pads; batches pad and mask).
public final class SentenceEncoder<S: BLASScalar> {
    public let name: String
    public let encoder: BertEncoder<S>
    public let codec: any TextCodec
    /// Names the text path (tokenizer file digest, or the codec kind) for embedding caches.
    public let codecIdentity: String
    /// Longest sequence fed to the encoder, in tokens including [CLS] and [SEP].
    public let maxLength: Int
    /// Sequences per forward pass when none is given.
    public var batchSize = 32

    public init(name: String, encoder: BertEncoder<S>, codec: any TextCodec, maxLength: Int = 256,
                codecIdentity: String? = nil) {
        precondition(maxLength >= 2 && maxLength <= encoder.config.maxPositionEmbeddings,
                     "SentenceEncoder: maxLength \(maxLength) outside 2...\(encoder.config.maxPositionEmbeddings)")
        self.name = name
        self.encoder = encoder
        self.codec = codec
        self.codecIdentity = codecIdentity ?? "\(type(of: codec)):\(codec.vocabularySize)"
        self.maxLength = maxLength
    }

    /// A tokenizer (from tokenizer.json) in front of `encoder`.
    public convenience init(name: String, encoder: BertEncoder<S>, tokenizer: Tokenizer, maxLength: Int = 256,
                            codecIdentity: String? = nil) {
        self.init(name: name, encoder: encoder, codec: TokenizerCodec(tokenizer), maxLength: maxLength,
                  codecIdentity: codecIdentity)
    }

    /// The same text path in front of another encoder with the same vocabulary (the two
    /// sides of a bi-encoder).
    public func with(encoder other: BertEncoder<S>, name: String? = nil) -> SentenceEncoder<S> {
        let e = SentenceEncoder(name: name ?? self.name, encoder: other, codec: codec,
                                maxLength: min(maxLength, other.config.maxPositionEmbeddings), codecIdentity: codecIdentity)
        e.batchSize = batchSize
        return e
    }

    /// all-MiniLM-L6-v2's `max_seq_length`, used when neither the caller nor the folder says.
    public static var defaultMaxLength: Int { 256 }

    /// Loads `config.json`, `model.safetensors` and `tokenizer.json` from a model folder (a
    /// sentence-transformers folder, e.g. one `radit export --retriever` wrote, included).
    /// `maxLength` nil takes the folder's `sentence_bert_config.json` `max_seq_length`, else
    /// `defaultMaxLength`; it is capped at the encoder's position table. A folder whose
    /// `modules.json` pools other than by mean or does not normalise is refused
    /// (`BertEncoder.checkSentenceTransformersPipeline`).
    public static func load(directory: URL, maxLength: Int? = nil, trainable: BertTrainable = .none) throws -> SentenceEncoder {
        let tokenizerURL = directory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
            throw BertError.missingFile(path: tokenizerURL.path, what: "tokenizer.json")
        }
        try BertEncoder<S>.checkSentenceTransformersPipeline(directory: directory)
        let encoder = try BertEncoder<S>.load(directory: directory, trainable: trainable)
        let tokenizer = try Tokenizer(tokenizerJSON: tokenizerURL)
        let digest = SHA256.hexString(SHA256.hash(try Data(contentsOf: tokenizerURL)))
        let limit = min(try maxLength ?? folderMaxLength(directory) ?? defaultMaxLength, encoder.config.maxPositionEmbeddings)
        return SentenceEncoder(name: directory.standardizedFileURL.lastPathComponent, encoder: encoder,
                               tokenizer: tokenizer, maxLength: limit, codecIdentity: "tokenizer.json:" + digest)
    }

    /// `max_seq_length` of a sentence-transformers folder's `sentence_bert_config.json`, nil
    /// when the folder has none.
    static func folderMaxLength(_ directory: URL) throws -> Int? {
        let url = directory.appendingPathComponent("sentence_bert_config.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BertError.badConfig(path: url.path, key: "max_seq_length", reason: "the file is not a JSON object")
        }
        guard let value = object["max_seq_length"] else { return nil }
        guard let n = value as? Int, n >= 2 else {
            throw BertError.badConfig(path: url.path, key: "max_seq_length", reason: "\(value) is not an integer ≥ 2")
        }
        return n
    }

    /// A catalog name (`all-MiniLM-L6-v2` → `modelsDir/all-MiniLM-L6-v2`) or a folder path.
    public static func load(model nameOrPath: String, modelsDir: URL = URL(fileURLWithPath: "models"),
                            maxLength: Int? = nil, trainable: BertTrainable = .none) throws -> SentenceEncoder {
        try load(directory: try ModelCatalog.resolve(nameOrPath, modelsDir: modelsDir), maxLength: maxLength,
                 trainable: trainable)
    }

    /// Token ids with the framing tokens, truncated to `maxLength`, never padded
    /// (tokenised on the BLAS thread count).
    public func tokenize(_ texts: [String]) -> [[Int]] {
        codec.encodeFramed(texts, maxLength: maxLength, threads: BLASThreads.count)
    }

    /// Embeddings (count, D) of `texts`, in order.
    public func encode(_ texts: [String], batchSize: Int? = nil, progress: ProgressHandler = silentProgress) throws -> [S] {
        try encoder.encode(tokenize(texts), batchSize: batchSize ?? self.batchSize, progress: progress)
    }

    /// Embedding dimension D.
    public var dimension: Int { encoder.config.hiddenSize }

    /// SHA-256 of the weights and of the text path (tokenizer, max length): what an embedding
    /// file or cache entry records so it names the exact encoder that made it.
    public func identity() -> String {
        SHA256.hex([encoder.weightsDigest(), codecIdentity, "max_length=\(maxLength)"].joined(separator: "\u{1e}"))
    }
}

extension SentenceEncoder: TextEmbedder where S == Float {
    /// (N, D) embeddings as a tensor.
    public func embed(_ texts: [String]) throws -> Tensor<Float> {
        Tensor(shape: [texts.count, dimension], scalars: try encode(texts))
    }
}
