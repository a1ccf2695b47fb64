import RaditKernels

/// Checkpoint names of a BERT encoder's tensors, exactly as Hugging Face `BertModel`
/// writes them (so safetensors load and export need no renaming), with their shapes.
public enum BertParameterNames {
    public static let wordEmbeddings = "embeddings.word_embeddings.weight"
    public static let positionEmbeddings = "embeddings.position_embeddings.weight"
    public static let tokenTypeEmbeddings = "embeddings.token_type_embeddings.weight"
    public static let embeddingsNormWeight = "embeddings.LayerNorm.weight"
    public static let embeddingsNormBias = "embeddings.LayerNorm.bias"

    /// Names of one transformer block's tensors.
    public struct Layer: Sendable {
        public let query, queryBias, key, keyBias, value, valueBias: String
        public let attentionOutput, attentionOutputBias, attentionNormWeight, attentionNormBias: String
        public let intermediate, intermediateBias, output, outputBias, outputNormWeight, outputNormBias: String

        public init(_ l: Int) {
            let p = "encoder.layer.\(l)."
            query = p + "attention.self.query.weight"; queryBias = p + "attention.self.query.bias"
            key = p + "attention.self.key.weight"; keyBias = p + "attention.self.key.bias"
            value = p + "attention.self.value.weight"; valueBias = p + "attention.self.value.bias"
            attentionOutput = p + "attention.output.dense.weight"; attentionOutputBias = p + "attention.output.dense.bias"
            attentionNormWeight = p + "attention.output.LayerNorm.weight"; attentionNormBias = p + "attention.output.LayerNorm.bias"
            intermediate = p + "intermediate.dense.weight"; intermediateBias = p + "intermediate.dense.bias"
            output = p + "output.dense.weight"; outputBias = p + "output.dense.bias"
            outputNormWeight = p + "output.LayerNorm.weight"; outputNormBias = p + "output.LayerNorm.bias"
        }
    }

    /// Every tensor with its shape, in arena order (embeddings, then layer 0, 1, …).
    public static func shapes(_ c: BertConfig) -> [(name: String, shape: [Int])] {
        let C = c.hiddenSize, F = c.intermediateSize
        var out: [(String, [Int])] = [
            (wordEmbeddings, [c.vocabSize, C]), (positionEmbeddings, [c.maxPositionEmbeddings, C]),
            (tokenTypeEmbeddings, [c.typeVocabSize, C]), (embeddingsNormWeight, [C]), (embeddingsNormBias, [C]),
        ]
        for l in 0..<c.numHiddenLayers {
            let n = Layer(l)
            out += [
                (n.query, [C, C]), (n.queryBias, [C]), (n.key, [C, C]), (n.keyBias, [C]),
                (n.value, [C, C]), (n.valueBias, [C]), (n.attentionOutput, [C, C]), (n.attentionOutputBias, [C]),
                (n.attentionNormWeight, [C]), (n.attentionNormBias, [C]),
                (n.intermediate, [F, C]), (n.intermediateBias, [F]), (n.output, [C, F]), (n.outputBias, [C]),
                (n.outputNormWeight, [C]), (n.outputNormBias, [C]),
            ]
        }
        return out
    }
}

/// Which encoder tensors train; everything else is frozen (its gradient is never computed).
public enum BertTrainable: Sendable, Equatable {
    /// Every tensor (full fine-tuning).
    case all
    /// Nothing (inference, or the document encoder of a query-side-tuned bi-encoder).
    case none
    /// Only the top `n` transformer blocks; embeddings and lower blocks frozen. Backward
    /// stops at the lowest trainable block, so this is also the cheap way to tune a big model.
    case topLayers(Int)
    /// Exactly these checkpoint names.
    case names(Set<String>)

    /// Whether tensor `name` trains in a model of `layers` blocks.
    public func contains(_ name: String, layers: Int) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case .names(let set): return set.contains(name)
        case .topLayers(let n):
            guard name.hasPrefix("encoder.layer.") else { return false }
            let rest = name.dropFirst("encoder.layer.".count)
            guard let l = Int(rest.prefix { $0.isNumber }) else { return false }
            return l >= layers - n
        }
    }
}
