import Foundation
import RaditKernels

/// Shape of a BERT-family encoder, read from a Hugging Face `config.json` (snake_case keys).
/// Keys a BERT `config.json` carries but that do not change inference (dropout rates,
/// `architectures`, `transformers_version`, …) are ignored; keys that would change the
/// computation and that Radit does not implement are rejected in `validate`.
public struct BertConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    /// HF `hidden_act`: "gelu" is the exact erf form (BERT, MiniLM).
    public var hiddenAct: String
    public var positionEmbeddingType: String?
    public var modelType: String?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case hiddenAct = "hidden_act"
        case positionEmbeddingType = "position_embedding_type"
        case modelType = "model_type"
    }

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, maxPositionEmbeddings: Int, typeVocabSize: Int = 2,
                layerNormEps: Double = 1e-12, hiddenAct: String = "gelu") {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
        self.positionEmbeddingType = "absolute"
        self.modelType = "bert"
    }

    /// all-MiniLM-L6-v2 (sentence-transformers): 6 layers, C=384, H=12, F=1536.
    public static let miniLML6 = BertConfig(vocabSize: 30522, hiddenSize: 384, numHiddenLayers: 6,
                                            numAttentionHeads: 12, intermediateSize: 1536,
                                            maxPositionEmbeddings: 512)

    /// Head dimension Dh = C / H.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// The GELU form `hidden_act` names, or nil when Radit does not implement it.
    public var gelu: GeluApproximation? {
        switch hiddenAct {
        case "gelu": return .exact
        case "gelu_new", "gelu_pytorch_tanh": return .tanh
        default: return nil
        }
    }

    /// Reads and validates `config.json`.
    public static func load(from url: URL) throws -> BertConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BertError.missingFile(path: url.path, what: "config.json")
        }
        let config: BertConfig
        do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch {
            throw BertError.badConfig(path: url.path, key: "?", reason: "\(error)")
        }
        try config.validate(path: url.path)
        return config
    }

    /// Rejects configurations the encoder would silently compute wrongly.
    public func validate(path: String = "<config>") throws {
        func bad(_ key: String, _ reason: String) -> BertError { .badConfig(path: path, key: key, reason: reason) }
        for (key, v) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
                         ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
                         ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize)] where v <= 0 {
            throw bad(key, "must be positive, found \(v)")
        }
        if hiddenSize % numAttentionHeads != 0 {
            throw bad("num_attention_heads", "hidden_size \(hiddenSize) is not divisible by \(numAttentionHeads)")
        }
        if gelu == nil { throw bad("hidden_act", "'\(hiddenAct)' is not supported; use gelu, gelu_new or gelu_pytorch_tanh") }
        if let p = positionEmbeddingType, p != "absolute" {
            throw bad("position_embedding_type", "'\(p)' is not supported; only 'absolute' (BERT) is implemented")
        }
        if let m = modelType, m != "bert" {
            throw bad("model_type", "'\(m)' is not a BERT encoder; Radit's BertEncoder reads model_type 'bert'")
        }
    }
}
