import RaditTensor

/// Activations and scratch of one forward/backward, reused across calls.
///
/// Training forward keeps, per token, for each of the L layers: the residual input and
/// mid-block residual (2C), both norm outputs (2C) and rstds (2), q after RoPE and the
/// attention output (2C), k and v after RoPE (2·Hkv·Dh), gate, up and SwiGLU output (3F),
/// and attention probabilities (H·T); plus, per LoRA target, `x·Aᵀ` (r) and with dropout
/// the dropped input and its mask (2·in). Then the final residual, norm output (2C) and
/// logits for scored tokens only (V each). Float32 SmolLM2-135M (C=576, F=1536, H=9,
/// Hkv=3, L=30) at T=256: ≈ 30·(7·576 + 2·192 + 3·1536 + 9·256 + 2)·4 B ≈ 1.4 MB per token.
/// Inference forward keeps one layer's worth (reused) and the residual stream.
final class LlamaWorkspace<S: BLASScalar> {
    var batch = 0, length = 0, savedLayers = 0
    /// (L+1, N, C) residual stream entering each layer (and leaving the last).
    let residual = LlamaScratchBuffer<S>()
    /// (L, N, C) residual after attention.
    let residualMid = LlamaScratchBuffer<S>()
    let norm1 = LlamaScratchBuffer<S>(), norm2 = LlamaScratchBuffer<S>()      // (L, N, C)
    let rstd1 = LlamaScratchBuffer<S>(), rstd2 = LlamaScratchBuffer<S>()      // (L, N)
    let q = LlamaScratchBuffer<S>()                                      // (L, N, C)
    let k = LlamaScratchBuffer<S>(), v = LlamaScratchBuffer<S>()              // (L, N, Hkv·Dh)
    let attention = LlamaScratchBuffer<S>()                              // (L, N, C)
    let probs = LlamaScratchBuffer<S>()                                  // (L, B, H, T, Tk)
    let gate = LlamaScratchBuffer<S>(), up = LlamaScratchBuffer<S>(), swiglu = LlamaScratchBuffer<S>() // (L, N, F)
    let finalNorm = LlamaScratchBuffer<S>()                              // (N, C)
    let finalRstd = LlamaScratchBuffer<S>()                              // (N)
    let projection = LlamaScratchBuffer<S>()                             // (N, max(C + 2·kv, 2F)): a linear output, or inference's fused [q|k|v] or [gate|up]
    /// Rows (flat slots) whose logits were computed, and those logits (M, V).
    var logitRows: [Int] = []
    let logits = LlamaScratchBuffer<S>()
    let headInput = LlamaScratchBuffer<S>()                              // (M, C) gathered norm rows
    /// LoRA per (layer, linear): x·Aᵀ (N, r), dropped input (N, in), keep-scale mask (N, in).
    var loraXA: [LlamaScratchBuffer<S>] = []
    var loraDropped: [LlamaScratchBuffer<S>] = []
    var loraMask: [LlamaScratchBuffer<S>] = []
    /// Whether the saved LoRA input was dropped out (else the plain input is the saved one).
    var loraDropout = false

    /// The batch and gathered targets of the last training forward, for `backward`.
    var pendingBatch: LlamaBatch?
    var pendingTargets: [Int32] = []

    // Backward scratch.
    let dResidual = LlamaScratchBuffer<S>(), dNorm = LlamaScratchBuffer<S>(), dAttention = LlamaScratchBuffer<S>()
    let dQ = LlamaScratchBuffer<S>(), dQPre = LlamaScratchBuffer<S>()
    let dK = LlamaScratchBuffer<S>(), dKPre = LlamaScratchBuffer<S>(), dV = LlamaScratchBuffer<S>()
    let dGate = LlamaScratchBuffer<S>(), dUp = LlamaScratchBuffer<S>(), dSwiglu = LlamaScratchBuffer<S>()
    let dLogits = LlamaScratchBuffer<S>(), dHeadInput = LlamaScratchBuffer<S>(), attentionScratch = LlamaScratchBuffer<S>()
    let dLoRAXA = LlamaScratchBuffer<S>(), dLoRAInput = LlamaScratchBuffer<S>()

    /// Sizes buffers for a (B, T) batch saving `savedLayers` layers (1 for inference),
    /// attending over `keyLength` keys.
    func prepare(batch B: Int, length T: Int, keyLength: Int, savedLayers Ls: Int, config c: LlamaConfig,
                 lora: LoRAConfig?) {
        batch = B; length = T; savedLayers = Ls
        let N = B * T, C = c.width, F = c.mlpWidth, kv = c.kvWidth
        residual.reserve((Ls + 1) * N * C)
        residualMid.reserve(Ls * N * C)
        norm1.reserve(Ls * N * C); norm2.reserve(Ls * N * C)
        rstd1.reserve(Ls * N); rstd2.reserve(Ls * N)
        q.reserve(Ls * N * C); attention.reserve(Ls * N * C)
        k.reserve(Ls * N * kv); v.reserve(Ls * N * kv)
        probs.reserve(Ls * B * c.heads * T * keyLength)
        gate.reserve(Ls * N * F); up.reserve(Ls * N * F); swiglu.reserve(Ls * N * F)
        finalNorm.reserve(N * C); finalRstd.reserve(N)
        projection.reserve(N * max(C + 2 * kv, 2 * F))
        if let lora {
            let count = Ls * LlamaLinear.allCases.count
            while loraXA.count < count {
                loraXA.append(LlamaScratchBuffer()); loraDropped.append(LlamaScratchBuffer()); loraMask.append(LlamaScratchBuffer())
            }
            for i in 0..<count {
                loraXA[i].reserve(N * lora.rank)
            }
        }
    }
}
