import RaditKernels
import RaditTensor

extension LlamaModel {
    /// The forward pass over a padded batch (see `LlamaBatch`). With `training` every
    /// layer's activations are kept for `backward`; otherwise one layer's buffers are
    /// reused. Logits are computed only for `logitRows` (flat slots b·T + t) into
    /// `work.logits (M, V)`. With `caches` (one per sequence) each sequence's keys/values
    /// are appended to its own cache and its queries attend over everything cached there,
    /// so sequences of different lengths decode together (batch positions must continue
    /// each cache).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func runForward(_ batch: LlamaBatch, training: Bool, logitRows: [Int], caches: [LlamaKVCache<S>] = []) {
        let c = config
        let B = batch.batch, T = batch.length, N = B * T
        let C = c.width, F = c.mlpWidth, kvW = c.kvWidth, V = c.vocab
        precondition(caches.isEmpty || caches.count == B, "KV cache decoding: one cache per sequence")
        let pasts = caches.map(\.length)
        let Tk = (pasts.max() ?? 0) + T
        let Ls = training ? c.layers : 1
        work.prepare(batch: B, length: T, keyLength: Tk, savedLayers: Ls, config: c, lora: activeLoRA)
        work.loraDropout = training && (activeLoRA?.dropout ?? 0) > 0
        let P = arena.values
        // Inference without adapters computes adjacent projections together (fewer, wider
        // products); training keeps them apart, as backward and LoRA need each one.
        let fuse = !training && activeLoRA == nil
        batch.tokens.withUnsafeBufferPointer { tokens in
            embeddingForward(out: work.residual.pointer, ids: tokens.baseAddress!, table: P + offsets.embedding,
                             count: N, vocab: V, dim: C)
        }
        for l in 0..<c.layers {
            let s = training ? l : 0
            let x = work.residual.pointer + s * N * C                       // (N, C)
            let h1 = work.norm1.pointer + s * N * C
            rmsNormForward(out: h1, rstd: work.rstd1.pointer + s * N, input: x, weight: P + offsets.attentionNorm[l],
                           rows: N, dim: C, eps: S(c.normEps))
            let q = work.q.pointer + s * N * C                              // (B, T, H, Dh)
            let k = work.k.pointer + s * N * kvW                            // (B, T, Hkv, Dh)
            let v = work.v.pointer + s * N * kvW
            // Inference without adapters: q, k, v in one product when their weights are
            // adjacent, [q | k | v] (N, C + 2·kvW) = h1 · [Wq; Wk; Wv]ᵀ, then split by rows.
            if fuse && offsets.qkvAdjacent {
                let W = C + 2 * kvW
                let fused = work.projection.pointer
                linearForward(out: fused, input: h1, weight: P + offsets.weight[l][LlamaLinear.q.index], bias: nil,
                              rows: N, inFeatures: C, outFeatures: W)
                for n in 0..<N {
                    (q + n * C).update(from: fused + n * W, count: C)
                    (k + n * kvW).update(from: fused + n * W + C, count: kvW)
                    (v + n * kvW).update(from: fused + n * W + C + kvW, count: kvW)
                }
            } else {
                projectForward(l, s, .q, out: q, input: h1, rows: N, training: training)
                projectForward(l, s, .k, out: k, input: h1, rows: N, training: training)
                projectForward(l, s, .v, out: v, input: h1, rows: N, training: training)
            }
            batch.positions.withUnsafeBufferPointer { pos in
                ropeForward(out: q, input: q, positions: pos.baseAddress!, batch: B, seqLen: T, heads: c.heads,
                            headDim: c.headDim, theta: c.ropeTheta, layout: c.ropeLayout.kernel)
                ropeForward(out: k, input: k, positions: pos.baseAddress!, batch: B, seqLen: T, heads: c.kvHeads,
                            headDim: c.headDim, theta: c.ropeTheta, layout: c.ropeLayout.kernel)
            }
            let att = work.attention.pointer + s * N * C
            let probs = work.probs.pointer + s * B * c.heads * T * Tk
            if !caches.isEmpty {
                for (b, cache) in caches.enumerated() {
                    let past = pasts[b], tk = past + T
                    precondition(tk <= cache.capacity, "KV cache full: \(tk) > capacity \(cache.capacity)")
                    let ck = cache.keys(layer: l), cv = cache.values(layer: l)
                    (ck + past * kvW).update(from: k + b * T * kvW, count: T * kvW)
                    (cv + past * kvW).update(from: v + b * T * kvW, count: T * kvW)
                    attentionForward(out: att + b * T * C, probs: probs + b * c.heads * T * Tk, q: q + b * T * C,
                                     k: ck, v: cv, keyMask: nil, batch: 1, queryLength: T, keyLength: tk,
                                     heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, causal: true)
                }
            } else {
                batch.keyMask.withUnsafeBufferPointer { mask in
                    attentionForward(out: att, probs: probs, q: q, k: k, v: v, keyMask: mask.baseAddress!, batch: B,
                                     queryLength: T, keyLength: T, heads: c.heads, kvHeads: c.kvHeads,
                                     headDim: c.headDim, causal: true)
                }
            }
            let proj = work.projection.pointer
            projectForward(l, s, .o, out: proj, input: att, rows: N, training: training)
            let mid = work.residualMid.pointer + s * N * C
            for i in 0..<(N * C) { mid[i] = x[i] + proj[i] }
            let h2 = work.norm2.pointer + s * N * C
            rmsNormForward(out: h2, rstd: work.rstd2.pointer + s * N, input: mid, weight: P + offsets.mlpNorm[l],
                           rows: N, dim: C, eps: S(c.normEps))
            let g = work.gate.pointer + s * N * F, u = work.up.pointer + s * N * F
            let sw = work.swiglu.pointer + s * N * F
            if fuse && offsets.gateUpAdjacent {
                // [gate | up] (N, 2F) = h2 · [Wgate; Wup]ᵀ in one product, as q, k, v above.
                let fused = work.projection.pointer
                linearForward(out: fused, input: h2, weight: P + offsets.weight[l][LlamaLinear.gate.index], bias: nil,
                              rows: N, inFeatures: C, outFeatures: 2 * F)
                for n in 0..<N {
                    swigluForward(out: sw + n * F, gate: fused + n * 2 * F, up: fused + n * 2 * F + F, count: F)
                }
            } else {
                projectForward(l, s, .gate, out: g, input: h2, rows: N, training: training)
                projectForward(l, s, .up, out: u, input: h2, rows: N, training: training)
                swigluForward(out: sw, gate: g, up: u, count: N * F)
            }
            projectForward(l, s, .down, out: proj, input: sw, rows: N, training: training)
            let next = work.residual.pointer + (training ? l + 1 : 0) * N * C
            for i in 0..<(N * C) { next[i] = mid[i] + proj[i] }
        }
        let xL = work.residual.pointer + (training ? c.layers : 0) * N * C
        rmsNormForward(out: work.finalNorm.pointer, rstd: work.finalRstd.pointer, input: xL,
                       weight: P + offsets.finalNorm, rows: N, dim: C, eps: S(c.normEps))
        for (b, cache) in caches.enumerated() { cache.length = pasts[b] + T }
        computeLogits(rows: logitRows)
    }

    /// logits (M, V) = finalNorm[rows] (M, C) · headᵀ.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func computeLogits(rows: [Int]) {
        let C = config.width, V = config.vocab, M = rows.count
        work.logitRows = rows
        let hin = work.headInput.reserve(max(1, M * C))
        for (i, r) in rows.enumerated() { (hin + i * C).update(from: work.finalNorm.pointer + r * C, count: C) }
        let out = work.logits.reserve(max(1, M * V))
        linearForward(out: out, input: hin, weight: arena.values + offsets.head, bias: nil,
                      rows: M, inFeatures: C, outFeatures: V)
    }

    /// The LoRA configuration when adapters take part in the forward (enabled, not merged).
    var activeLoRA: LoRAConfig? { loraMerged ? nil : lora }

    /// `out (N, O) = input (N, I) · Wᵀ [+ (α/r) · dropout(input) · Aᵀ · Bᵀ]`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func projectForward(_ l: Int, _ s: Int, _ p: LlamaLinear, out: UnsafeMutablePointer<S>,
                        input: UnsafePointer<S>, rows N: Int, training: Bool) {
        let (O, I) = p.shape(config)
        let P = arena.values
        linearForward(out: out, input: input, weight: P + offsets.weight[l][p.index], bias: nil,
                      rows: N, inFeatures: I, outFeatures: O)
        guard let lora = activeLoRA, offsets.loraA[l][p.index] >= 0 else { return }
        let r = lora.rank
        let slot = s * LlamaLinear.allCases.count + p.index
        var xin = input
        if work.loraDropout {
            let dropped = work.loraDropped[slot].reserve(N * I), mask = work.loraMask[slot].reserve(N * I)
            let keep = S(1 / (1 - lora.dropout))
            for i in 0..<(N * I) {
                let m: S = dropoutRandom.uniform() < lora.dropout ? 0 : keep
                mask[i] = m
                dropped[i] = input[i] * m
            }
            xin = UnsafePointer(dropped)
        }
        let xa = work.loraXA[slot].pointer                                 // (N, r)
        linearForward(out: xa, input: xin, weight: P + offsets.loraA[l][p.index], bias: nil,
                      rows: N, inFeatures: I, outFeatures: r)
        // out (N, O) += scale · xa (N, r) · Bᵀ (r, O)
        gemm(.none, .transposed, m: N, n: O, k: r, alpha: S(lora.scale), a: xa, lda: r,
             b: P + offsets.loraB[l][p.index], ldb: r, beta: 1, c: out, ldc: O)
    }
}
