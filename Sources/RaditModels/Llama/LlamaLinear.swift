/// The seven projections of a Llama block, with their HF checkpoint names.
public enum LlamaLinear: String, Sendable, CaseIterable, Codable {
    case q, k, v, o, gate, up, down

    /// Suffix after `model.layers.<l>.` in HF checkpoints.
    public var hfName: String {
        switch self {
        case .q: return "self_attn.q_proj"
        case .k: return "self_attn.k_proj"
        case .v: return "self_attn.v_proj"
        case .o: return "self_attn.o_proj"
        case .gate: return "mlp.gate_proj"
        case .up: return "mlp.up_proj"
        case .down: return "mlp.down_proj"
        }
    }

    /// Tensor name in GGUF files (`blk.<l>.` prefix).
    public var ggufName: String {
        switch self {
        case .q: return "attn_q"
        case .k: return "attn_k"
        case .v: return "attn_v"
        case .o: return "attn_output"
        case .gate: return "ffn_gate"
        case .up: return "ffn_up"
        case .down: return "ffn_down"
        }
    }

    /// (out, in) of the weight.
    public func shape(_ c: LlamaConfig) -> (out: Int, in: Int) {
        switch self {
        case .q, .o: return (c.width, c.width)
        case .k, .v: return (c.kvWidth, c.width)
        case .gate, .up: return (c.mlpWidth, c.width)
        case .down: return (c.width, c.mlpWidth)
        }
    }
}

/// Checkpoint names of every parameter (HF naming, which is also the arena naming).
public enum LlamaNames {
    public static let embedding = "model.embed_tokens.weight"
    public static let finalNorm = "model.norm.weight"
    public static let head = "lm_head.weight"
    public static func layer(_ l: Int) -> String { "model.layers.\(l)." }
    public static func attentionNorm(_ l: Int) -> String { layer(l) + "input_layernorm.weight" }
    public static func mlpNorm(_ l: Int) -> String { layer(l) + "post_attention_layernorm.weight" }
    public static func weight(_ l: Int, _ p: LlamaLinear) -> String { layer(l) + p.hfName + ".weight" }
    /// LoRA down-projection A (r, in), PEFT's name.
    public static func loraA(_ l: Int, _ p: LlamaLinear) -> String { layer(l) + p.hfName + ".lora_A.weight" }
    /// LoRA up-projection B (out, r).
    public static func loraB(_ l: Int, _ p: LlamaLinear) -> String { layer(l) + p.hfName + ".lora_B.weight" }
}
