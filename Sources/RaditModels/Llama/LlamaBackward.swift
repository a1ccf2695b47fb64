import RaditKernels
import RaditTensor

extension LlamaModel {
    /// Gradient buffer of the parameter at arena `offset` when it trains, else nil
    /// (frozen gradients stay zero).
    func gradient(_ offset: Int) -> UnsafeMutablePointer<S>? {
        offsets.trainable.contains(offset) ? arena.grads + offset : nil
    }

    /// Backward of the last training forward for `dLoss · mean cross-entropy` over its
    /// `M` scored rows (`targets` gathered per logit row). Adds into `arena.grads`.
    func runBackward(_ batch: LlamaBatch, targets: [Int32], dLoss: S) {
        let c = config
        let B = batch.batch, T = batch.length, N = B * T
        let C = c.width, F = c.mlpWidth, kvW = c.kvWidth, V = c.vocab
        let M = work.logitRows.count
        let P = arena.values
        precondition(work.savedLayers == c.layers && work.batch == B && work.length == T,
                     "backward needs the training forward of the same batch")
        // Head: dLogits (M, V) → dHeadInput (M, C), dHead (V, C).
        let dLogits = work.dLogits.reserve(max(1, M * V))
        dLogits.update(repeating: 0, count: M * V)
        targets.withUnsafeBufferPointer { t in
            crossEntropyBackward(dLogits: dLogits, logits: work.logits.pointer, targets: t.baseAddress!,
                                 rows: M, vocab: V, dLoss: dLoss)
        }
        let dHin = work.dHeadInput.reserve(max(1, M * C))
        dHin.update(repeating: 0, count: M * C)
        linearBackward(dInput: dHin, dWeight: gradient(offsets.head), dBias: nil, dOut: dLogits,
                       input: work.headInput.pointer, weight: P + offsets.head, rows: M, inFeatures: C, outFeatures: V)
        let dRes = work.dResidual.reserve(N * C)                          // (N, C)
        let dNorm = work.dNorm.reserve(N * C)                             // (N, C)
        dRes.update(repeating: 0, count: N * C)
        dNorm.update(repeating: 0, count: N * C)
        for (i, r) in work.logitRows.enumerated() {
            for j in 0..<C { dNorm[r * C + j] += dHin[i * C + j] }
        }
        rmsNormBackward(dInput: dRes, dWeight: gradient(offsets.finalNorm), dOut: dNorm,
                        input: work.residual.pointer + c.layers * N * C, weight: P + offsets.finalNorm,
                        rstd: work.finalRstd.pointer, rows: N, dim: C)

        let dAtt = work.dAttention.reserve(N * C)
        let dQ = work.dQ.reserve(N * C), dQPre = work.dQPre.reserve(N * C)
        let dK = work.dK.reserve(N * kvW), dKPre = work.dKPre.reserve(N * kvW), dV = work.dV.reserve(N * kvW)
        let dGate = work.dGate.reserve(N * F), dUp = work.dUp.reserve(N * F), dSw = work.dSwiglu.reserve(N * F)
        let scratch = work.attentionScratch.reserve(T * T)
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            // dRes holds dL/d residual[l+1] = dL/d(mid + down(...)).
            dSw.update(repeating: 0, count: N * F)
            projectBackward(l, .down, dInput: dSw, dOut: dRes, input: work.swiglu.pointer + l * N * F, rows: N)
            dGate.update(repeating: 0, count: N * F)
            dUp.update(repeating: 0, count: N * F)
            swigluBackward(dGate: dGate, dUp: dUp, dOut: dSw, gate: work.gate.pointer + l * N * F,
                           up: work.up.pointer + l * N * F, count: N * F)
            dNorm.update(repeating: 0, count: N * C)
            let h2 = work.norm2.pointer + l * N * C
            projectBackward(l, .gate, dInput: dNorm, dOut: dGate, input: h2, rows: N)
            projectBackward(l, .up, dInput: dNorm, dOut: dUp, input: h2, rows: N)
            rmsNormBackward(dInput: dRes, dWeight: gradient(offsets.mlpNorm[l]), dOut: dNorm,
                            input: work.residualMid.pointer + l * N * C, weight: P + offsets.mlpNorm[l],
                            rstd: work.rstd2.pointer + l * N, rows: N, dim: C)
            // dRes now holds dL/d mid.
            dAtt.update(repeating: 0, count: N * C)
            projectBackward(l, .o, dInput: dAtt, dOut: dRes, input: work.attention.pointer + l * N * C, rows: N)
            dQ.update(repeating: 0, count: N * C)
            dK.update(repeating: 0, count: N * kvW)
            dV.update(repeating: 0, count: N * kvW)
            attentionBackward(dQ: dQ, dK: dK, dV: dV, dOut: dAtt, q: work.q.pointer + l * N * C,
                              k: work.k.pointer + l * N * kvW, v: work.v.pointer + l * N * kvW,
                              probs: work.probs.pointer + l * B * c.heads * T * T, scratch: scratch,
                              batch: B, queryLength: T, keyLength: T, heads: c.heads, kvHeads: c.kvHeads,
                              headDim: c.headDim)
            dQPre.update(repeating: 0, count: N * C)
            dKPre.update(repeating: 0, count: N * kvW)
            batch.positions.withUnsafeBufferPointer { pos in
                ropeBackward(dInput: dQPre, dOut: dQ, positions: pos.baseAddress!, batch: B, seqLen: T,
                             heads: c.heads, headDim: c.headDim, theta: c.ropeTheta, layout: c.ropeLayout.kernel)
                ropeBackward(dInput: dKPre, dOut: dK, positions: pos.baseAddress!, batch: B, seqLen: T,
                             heads: c.kvHeads, headDim: c.headDim, theta: c.ropeTheta, layout: c.ropeLayout.kernel)
            }
            dNorm.update(repeating: 0, count: N * C)
            let h1 = work.norm1.pointer + l * N * C
            projectBackward(l, .q, dInput: dNorm, dOut: dQPre, input: h1, rows: N)
            projectBackward(l, .k, dInput: dNorm, dOut: dKPre, input: h1, rows: N)
            projectBackward(l, .v, dInput: dNorm, dOut: dV, input: h1, rows: N)
            rmsNormBackward(dInput: dRes, dWeight: gradient(offsets.attentionNorm[l]), dOut: dNorm,
                            input: work.residual.pointer + l * N * C, weight: P + offsets.attentionNorm[l],
                            rstd: work.rstd1.pointer + l * N, rows: N, dim: C)
        }
        if let dTable = gradient(offsets.embedding) {
            batch.tokens.withUnsafeBufferPointer { tokens in
                embeddingBackward(dTable: dTable, dOut: dRes, ids: tokens.baseAddress!, count: N, vocab: V, dim: C)
            }
        }
    }

    /// Backward of `projectForward` for layer `l` (saved slot `l`): adds into `dInput`,
    /// the base weight's gradient when it trains, and the adapters' gradients.
    func projectBackward(_ l: Int, _ p: LlamaLinear, dInput: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>,
                         input: UnsafePointer<S>, rows N: Int) {
        let (O, I) = p.shape(config)
        let P = arena.values
        let wOff = offsets.weight[l][p.index]
        linearBackward(dInput: dInput, dWeight: gradient(wOff), dBias: nil, dOut: dOut, input: input,
                       weight: P + wOff, rows: N, inFeatures: I, outFeatures: O)
        guard let lora = activeLoRA, offsets.loraA[l][p.index] >= 0 else { return }
        let r = lora.rank, scale = S(lora.scale)
        let aOff = offsets.loraA[l][p.index], bOff = offsets.loraB[l][p.index]
        let slot = l * LlamaLinear.allCases.count + p.index
        let xa = work.loraXA[slot].pointer
        let xin = work.loraDropout ? UnsafePointer(work.loraDropped[slot].pointer) : input
        // dB (O, r) += scale · dOutᵀ (O, N) · xa (N, r)
        if let dB = gradient(bOff) {
            gemm(.transposed, .none, m: O, n: r, k: N, alpha: scale, a: dOut, lda: O, b: xa, ldb: r,
                 beta: 1, c: dB, ldc: r)
        }
        // dXA (N, r) = scale · dOut (N, O) · B (O, r)
        let dXA = work.dLoRAXA.reserve(N * r)
        gemm(.none, .none, m: N, n: r, k: O, alpha: scale, a: dOut, lda: O, b: P + bOff, ldb: r,
             beta: 0, c: dXA, ldc: r)
        if work.loraDropout {
            let dX = work.dLoRAInput.reserve(N * I)
            dX.update(repeating: 0, count: N * I)
            linearBackward(dInput: dX, dWeight: gradient(aOff), dBias: nil, dOut: dXA, input: xin,
                           weight: P + aOff, rows: N, inFeatures: I, outFeatures: r)
            let mask = work.loraMask[slot].pointer
            for i in 0..<(N * I) { dInput[i] += dX[i] * mask[i] }
        } else {
            linearBackward(dInput: dInput, dWeight: gradient(aOff), dBias: nil, dOut: dXA, input: xin,
                           weight: P + aOff, rows: N, inFeatures: I, outFeatures: r)
        }
    }
}
