import Foundation
import RaditKernels

/// Shape and numerics of a Llama-family decoder (Touvron et al. 2023): RMSNorm, RoPE,
/// grouped-query attention, SwiGLU MLP, tied or untied output head.
///
/// `ropeLayout` says how the *stored* Q/K weights pair coordinates for RoPE: GGUF files
/// hold them permuted for `.interleaved`, HF safetensors for `.halfSplit`. The model
/// applies RoPE in the layout its weights were loaded in, so no permutation happens at
/// load; export to HF un-permutes (see `LlamaExport`).
public struct LlamaConfig: Sendable, Equatable, Codable {
    public var layers: Int          // L
    public var width: Int           // C
    public var heads: Int           // H
    public var kvHeads: Int         // Hkv
    public var mlpWidth: Int        // F
    public var vocab: Int           // V
    public var ropeTheta: Double
    public var normEps: Double
    public var tiedEmbeddings: Bool
    public var ropeLayout: RopeLayoutName
    public var maxPositions: Int
    public var bosToken: Int?
    public var eosToken: Int?

    /// Codable mirror of `RopeLayout` (kernels' enum is not Codable).
    public enum RopeLayoutName: String, Sendable, Codable {
        case interleaved, halfSplit
        public var kernel: RopeLayout { self == .interleaved ? .interleaved : .halfSplit }
    }

    public init(layers: Int, width: Int, heads: Int, kvHeads: Int, mlpWidth: Int, vocab: Int,
                ropeTheta: Double = 10000, normEps: Double = 1e-5, tiedEmbeddings: Bool = true,
                ropeLayout: RopeLayoutName = .halfSplit, maxPositions: Int = 2048,
                bosToken: Int? = nil, eosToken: Int? = nil) {
        self.layers = layers; self.width = width; self.heads = heads; self.kvHeads = kvHeads
        self.mlpWidth = mlpWidth; self.vocab = vocab; self.ropeTheta = ropeTheta; self.normEps = normEps
        self.tiedEmbeddings = tiedEmbeddings; self.ropeLayout = ropeLayout; self.maxPositions = maxPositions
        self.bosToken = bosToken; self.eosToken = eosToken
    }

    /// Dh.
    public var headDim: Int { width / heads }
    /// Hkv·Dh: width of the K and V projections.
    public var kvWidth: Int { kvHeads * headDim }

    /// Checks divisibility rules; the message names the offending field.
    public func validate() throws {
        func bad(_ why: String) -> LlamaError { .invalidConfig(why) }
        guard layers > 0, width > 0, heads > 0, kvHeads > 0, mlpWidth > 0, vocab > 0 else {
            throw bad("layers, width, heads, kvHeads, mlpWidth and vocab must be positive (got \(self))")
        }
        guard width % heads == 0 else { throw bad("width \(width) is not a multiple of heads \(heads)") }
        guard heads % kvHeads == 0 else { throw bad("heads \(heads) is not a multiple of kvHeads \(kvHeads)") }
        guard headDim % 2 == 0 else { throw bad("head dimension \(headDim) must be even for RoPE") }
    }

    /// Parameter count (tied head counted once).
    public var parameterCount: Int {
        let perLayer = 2 * width + width * width * 2 + 2 * kvWidth * width + 3 * width * mlpWidth
        return vocab * width * (tiedEmbeddings ? 1 : 2) + layers * perLayer + width
    }
}

/// HF `config.json` of a `LlamaForCausalLM` (the keys Radit reads; snake_case as on disk).
public struct HFLlamaConfig: Codable, Sendable, Equatable {
    public var architectures: [String]?
    public var modelType: String?
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int?
    public var numHiddenLayers: Int
    public var vocabSize: Int
    public var rmsNormEps: Double?
    public var ropeTheta: Double?
    public var tieWordEmbeddings: Bool?
    public var maxPositionEmbeddings: Int?
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var torchDtype: String?
    public var hiddenAct: String?

    enum CodingKeys: String, CodingKey {
        case architectures
        case modelType = "model_type"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case numHiddenLayers = "num_hidden_layers"
        case vocabSize = "vocab_size"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case tieWordEmbeddings = "tie_word_embeddings"
        case maxPositionEmbeddings = "max_position_embeddings"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case torchDtype = "torch_dtype"
        case hiddenAct = "hidden_act"
    }

    public init(_ c: LlamaConfig) {
        architectures = ["LlamaForCausalLM"]; modelType = "llama"
        hiddenSize = c.width; intermediateSize = c.mlpWidth; numAttentionHeads = c.heads
        numKeyValueHeads = c.kvHeads; numHiddenLayers = c.layers; vocabSize = c.vocab
        rmsNormEps = c.normEps; ropeTheta = c.ropeTheta; tieWordEmbeddings = c.tiedEmbeddings
        maxPositionEmbeddings = c.maxPositions; bosTokenId = c.bosToken; eosTokenId = c.eosToken
        torchDtype = "float32"; hiddenAct = "silu"
    }

    /// The model config; HF weights are stored for half-split RoPE.
    public var llama: LlamaConfig {
        LlamaConfig(layers: numHiddenLayers, width: hiddenSize, heads: numAttentionHeads,
                    kvHeads: numKeyValueHeads ?? numAttentionHeads, mlpWidth: intermediateSize,
                    vocab: vocabSize, ropeTheta: ropeTheta ?? 10000, normEps: rmsNormEps ?? 1e-6,
                    tiedEmbeddings: tieWordEmbeddings ?? false, ropeLayout: .halfSplit,
                    maxPositions: maxPositionEmbeddings ?? 2048, bosToken: bosTokenId, eosToken: eosTokenId)
    }
}
