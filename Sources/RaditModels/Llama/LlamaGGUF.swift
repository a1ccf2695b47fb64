import Foundation
import RaditTensor

extension LlamaConfig {
    /// Reads `llama.*` metadata of a GGUF file. Weights in GGUF are stored for
    /// interleaved RoPE (llama.cpp's converter permutes HF's Q/K rows).
    public init(gguf f: GGUFFile) throws {
        let arch = try f.string("general.architecture")
        guard arch == "llama" else { throw LlamaError.unsupportedArchitecture(file: f.path, found: arch) }
        let vocab: Int
        if let v = f.metadata["llama.vocab_size"]?.int { vocab = v } else { vocab = try f.tensorInfo("token_embd.weight").shape[0] }
        let heads = try f.int("llama.attention.head_count")
        self.init(layers: try f.int("llama.block_count"), width: try f.int("llama.embedding_length"),
                  heads: heads, kvHeads: f.metadata["llama.attention.head_count_kv"]?.int ?? heads,
                  mlpWidth: try f.int("llama.feed_forward_length"), vocab: vocab,
                  ropeTheta: f.metadata["llama.rope.freq_base"]?.double ?? 10000,
                  normEps: try f.double("llama.attention.layer_norm_rms_epsilon"),
                  tiedEmbeddings: (try? f.tensorInfo("output.weight")) == nil,
                  ropeLayout: .interleaved,
                  maxPositions: f.metadata["llama.context_length"]?.int ?? 2048,
                  bosToken: f.metadata["tokenizer.ggml.bos_token_id"]?.int,
                  eosToken: f.metadata["tokenizer.ggml.eos_token_id"]?.int)
        try validate()
    }
}

extension LlamaModel {
    /// GGUF tensor name of each base parameter.
    static func ggufName(_ hfName: String, config c: LlamaConfig) -> String? {
        if hfName == LlamaNames.embedding { return "token_embd.weight" }
        if hfName == LlamaNames.finalNorm { return "output_norm.weight" }
        if hfName == LlamaNames.head { return "output.weight" }
        for l in 0..<c.layers {
            if hfName == LlamaNames.attentionNorm(l) { return "blk.\(l).attn_norm.weight" }
            if hfName == LlamaNames.mlpNorm(l) { return "blk.\(l).ffn_norm.weight" }
            for p in LlamaLinear.allCases where hfName == LlamaNames.weight(l, p) { return "blk.\(l).\(p.ggufName).weight" }
        }
        return nil
    }

    /// Loads a Llama GGUF model, dequantising every tensor to `S` (F32, F16, BF16, Q8_0,
    /// Q4_0, Q4_1, Q4_K, Q6_K as the reader supports). Shapes are checked against the metadata.
    public convenience init(gguf url: URL) throws {
        let f = try GGUFFile(url: url)
        try self.init(config: LlamaConfig(gguf: f))
        for slot in arena.slots {
            guard let name = Self.ggufName(slot.name, config: config) else { continue }
            let info: GGUFTensorInfo
            do { info = try f.tensorInfo(name) } catch { throw LlamaError.missingWeight(file: f.path, name: name) }
            let expected = slot.shape
            guard info.shape == expected || (expected.count == 1 && info.elementCount == expected[0]) else {
                throw LlamaError.weightShape(file: f.path, name: name, expected: expected, found: info.shape)
            }
            let values = try f.dequantize(name)
            let p = arena.values + slot.offset
            for i in 0..<slot.count { p[i] = S(values[i]) }
        }
    }
}
