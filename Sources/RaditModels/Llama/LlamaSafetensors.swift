import Foundation
import RaditTensor

extension LlamaConfig {
    /// From an HF `config.json` (weights stored for half-split RoPE).
    public init(hf c: LlamaHFConfig) throws {
        self.init(layers: c.numHiddenLayers, width: c.hiddenSize, heads: c.numAttentionHeads,
                  kvHeads: c.numKeyValueHeads ?? c.numAttentionHeads, mlpWidth: c.intermediateSize,
                  vocab: c.vocabSize, ropeTheta: c.ropeTheta ?? 10000, normEps: c.rmsNormEps,
                  tiedEmbeddings: c.tieWordEmbeddings ?? false, ropeLayout: .halfSplit,
                  maxPositions: c.maxPositionEmbeddings ?? 2048, bosToken: c.bosTokenId, eosToken: c.eosTokenId)
        try validate()
    }
}

/// Reorders Q/K weight rows between RoPE layouts. Per head, HF row `s·Dh/2 + i`
/// (s ∈ {0, 1}) is interleaved row `2i + s` (llama.cpp's `permute`).
public enum RopeRowPermutation {
    /// Interleaved (GGUF) rows → half-split (HF) rows of a (heads·Dh, in) weight.
    public static func toHalfSplit<S>(_ w: [S], heads: Int, headDim: Int, columns: Int) -> [S] {
        var out = w
        let half = headDim / 2
        for h in 0..<heads {
            for s in 0..<2 {
                for i in 0..<half {
                    let dst = (h * headDim + s * half + i) * columns, src = (h * headDim + 2 * i + s) * columns
                    for c in 0..<columns { out[dst + c] = w[src + c] }
                }
            }
        }
        return out
    }
}

extension LlamaModel {
    /// Loads an HF checkpoint folder: `config.json` and `model.safetensors`.
    public convenience init(huggingFace folder: URL) throws {
        let hf = try LlamaHFConfig.load(url: folder.appendingPathComponent("config.json"))
        try self.init(config: LlamaConfig(hf: hf))
        let st = try SafetensorsFile(url: folder.appendingPathComponent("model.safetensors"))
        // Every stored weight must have a slot: a weight the model would drop (Qwen2's q/k/v
        // biases) changes what it computes. RoPE's stored inverse frequencies are derived
        // from the config, and a tied output matrix may be stored beside the embeddings.
        let slotNames = Set(arena.slots.map(\.name))
        let unused = st.tensors.map(\.name).filter { name in
            !slotNames.contains(name) && !name.hasSuffix("rotary_emb.inv_freq")
                && !(config.tiedEmbeddings && name == "lm_head.weight")
        }.sorted()
        guard unused.isEmpty else { throw LlamaError.unusedWeights(file: st.path, names: unused) }
        for slot in arena.slots {
            let info: SafetensorsTensorInfo
            do { info = try st.info(slot.name) } catch { throw LlamaError.missingWeight(file: st.path, name: slot.name) }
            guard info.shape == slot.shape else {
                throw LlamaError.weightShape(file: st.path, name: slot.name, expected: slot.shape, found: info.shape)
            }
            let values = try st.floats(slot.name)
            let p = arena.values + slot.offset
            for i in 0..<slot.count { p[i] = S(values[i]) }
        }
    }

    /// Writes the model (LoRA merged; the live model is unchanged) as an HF checkpoint
    /// folder other tools load: `model.safetensors` (F32, Q/K rows in half-split order),
    /// `config.json`, and `tokenizer.json` copied from `tokenizerJSON` when given.
    public func exportHuggingFace(to folder: URL, tokenizerJSON: URL? = nil) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let weights = mergedWeights()
        let c = config
        var tensors: [(name: String, tensor: Tensor<Float>)] = []
        for slot in arena.slots where !slot.name.contains(".lora_") {
            var w = weights[slot.name]!.map { Float($0) }
            if c.ropeLayout == .interleaved {
                for l in 0..<c.layers {
                    if slot.name == LlamaNames.weight(l, .q) {
                        w = RopeRowPermutation.toHalfSplit(w, heads: c.heads, headDim: c.headDim, columns: c.width)
                    } else if slot.name == LlamaNames.weight(l, .k) {
                        w = RopeRowPermutation.toHalfSplit(w, heads: c.kvHeads, headDim: c.headDim, columns: c.width)
                    }
                }
            }
            tensors.append((slot.name, Tensor(shape: slot.shape, scalars: w)))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: folder.appendingPathComponent("model.safetensors"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(HFLlamaConfig(c)).write(to: folder.appendingPathComponent("config.json"), options: .atomic)
        if let tokenizerJSON {
            let dst = folder.appendingPathComponent("tokenizer.json")
            try? FileManager.default.removeItem(at: dst)
            try FileManager.default.copyItem(at: tokenizerJSON, to: dst)
        }
    }
}
