import Foundation
import RaditKernels

/// What the encoder needs from `BertConfig` (read by `BertConfig.load(url:)` in Formats):
/// a from-scratch initialiser for tests, the default model's shape, and the checks that
/// reject configs the encoder would otherwise compute wrongly.
extension BertConfig {
    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, maxPositionEmbeddings: Int, typeVocabSize: Int = 2,
                layerNormEps: Double = 1e-12, hiddenAct: String = "gelu") {
        self.init(modelType: "bert", vocabSize: vocabSize, hiddenSize: hiddenSize, numHiddenLayers: numHiddenLayers,
                  numAttentionHeads: numAttentionHeads, intermediateSize: intermediateSize, hiddenAct: hiddenAct,
                  maxPositionEmbeddings: maxPositionEmbeddings, typeVocabSize: typeVocabSize,
                  layerNormEps: layerNormEps, padTokenId: 0, positionEmbeddingType: "absolute")
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

    /// Rejects configurations `BertEncoder` does not implement (it is BERT proper: absolute
    /// positions, post-LN, token types).
    public func validateForEncoder(path: String = "<config>") throws {
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
        if modelType != "bert" {
            throw bad("model_type", "'\(modelType)' is not implemented by BertEncoder (BERT only; RoBERTa-style position offsets differ)")
        }
    }
}
