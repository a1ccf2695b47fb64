import RaditKernels
import RaditTensor

/// Saved forward state of one batch: what `BertEncoder.backward` needs. Created by
/// `forward(_:training: true)`; an inference forward keeps one block's buffers only.
public final class BertActivations<S: BLASScalar> {
    public var batch: Int { shapeBatch }
    public var length: Int { shapeLength }
    // Stored with internal setters so the inlinable forward can build and reuse them.
    @usableFromInline var shapeBatch: Int
    @usableFromInline var shapeLength: Int
    @usableFromInline var ids: [Int32]
    @usableFromInline var mask: [UInt8]
    @usableFromInline let hiddenSize: Int
    /// Largest (B·T) rows, B and B·T² the buffers hold: an inference forward reuses them for
    /// any batch that fits (`BertEncoder.forward(_:reusing:)`).
    @usableFromInline let capacityRows, capacityBatch, capacityPairs: Int
    @usableFromInline let training: Bool
    /// (B, D) L2-normalised sentence embeddings: the encoder's output.
    public var embeddings: [S] { Array(UnsafeBufferPointer(start: output.pointer, count: batch * hiddenSize)) }

    // Embeddings: sum of word + position + type (N, C), its LayerNorm statistics (N).
    @usableFromInline let embSum, embMean, embRstd: ScratchBuffer<S>
    /// Block inputs: hidden[0] is the embeddings' LayerNorm output; hidden[l + 1] is block l's output.
    @usableFromInline let hidden: [ScratchBuffer<S>]
    @usableFromInline let blocks: [BlockActivations<S>]
    @usableFromInline let pooled, norms, output: ScratchBuffer<S>   // (B, C), (B), (B, C)

    @inlinable init(config c: BertConfig, batch: Int, length: Int, ids: [Int32], mask: [UInt8], training: Bool) {
        shapeBatch = batch
        shapeLength = length
        self.ids = ids
        self.mask = mask
        self.training = training
        hiddenSize = c.hiddenSize
        let n = batch * length, C = c.hiddenSize
        capacityRows = n; capacityBatch = batch; capacityPairs = batch * length * length
        embSum = ScratchBuffer(n * C); embMean = ScratchBuffer(n); embRstd = ScratchBuffer(n)
        // Inference reuses two hidden buffers and one block's scratch (ping-pong).
        let stored = training ? c.numHiddenLayers : 1
        hidden = (0..<(training ? c.numHiddenLayers + 1 : 2)).map { _ in ScratchBuffer<S>(n * C) }
        blocks = (0..<stored).map { _ in BlockActivations(config: c, batch: batch, length: length) }
        pooled = ScratchBuffer(batch * C); norms = ScratchBuffer(batch); output = ScratchBuffer(batch * C)
    }

    /// Whether an inference forward of `input` fits in these buffers.
    @usableFromInline func fits(_ input: BertBatch) -> Bool {
        !training && input.batch <= capacityBatch && input.batch * input.length <= capacityRows
            && input.batch * input.length * input.length <= capacityPairs
    }

    /// Takes `input`'s shape and masks for a reuse (every buffer is overwritten by the forward).
    @usableFromInline func reuse(for input: BertBatch) {
        shapeBatch = input.batch
        shapeLength = input.length
        ids = input.ids
        mask = input.mask
    }
}

/// One transformer block's saved tensors.
@usableFromInline final class BlockActivations<S: BLASScalar> {
    @usableFromInline let q, k, v, context, attentionOut, residual1, norm1Out, residual2: ScratchBuffer<S>   // (N, C)
    @usableFromInline let norm1Mean, norm1Rstd, norm2Mean, norm2Rstd: ScratchBuffer<S>                      // (N)
    @usableFromInline let probs: ScratchBuffer<S>                                                            // (B, H, T, T)
    @usableFromInline let ff1, act: ScratchBuffer<S>                                                         // (N, F)

    @inlinable init(config c: BertConfig, batch: Int, length: Int) {
        let n = batch * length, C = c.hiddenSize, F = c.intermediateSize
        q = ScratchBuffer(n * C); k = ScratchBuffer(n * C); v = ScratchBuffer(n * C)
        context = ScratchBuffer(n * C); attentionOut = ScratchBuffer(n * C)
        residual1 = ScratchBuffer(n * C); norm1Out = ScratchBuffer(n * C); residual2 = ScratchBuffer(n * C)
        norm1Mean = ScratchBuffer(n); norm1Rstd = ScratchBuffer(n); norm2Mean = ScratchBuffer(n); norm2Rstd = ScratchBuffer(n)
        probs = ScratchBuffer(batch * c.numAttentionHeads * length * length)
        ff1 = ScratchBuffer(n * F); act = ScratchBuffer(n * F)
    }
}

/// BERT-family sentence encoder (Devlin et al. 2019; all-MiniLM-L6-v2 by default):
/// word + position + token-type embeddings → LayerNorm → L post-LN blocks
/// (`h = LN(h + Attn(h))`, `h = LN(h + W2 gelu(W1 h))`) → mean pooling over the padding
/// mask → L2 normalisation, as sentence-transformers' Transformer → Pooling(mean) →
/// Normalize. Generic over the scalar so gradient checks run the same code in Double.
/// All tensors live in one `ParameterArena` under their Hugging Face names.
public final class BertEncoder<S: BLASScalar> {
    public let config: BertConfig
    public let parameters: ParameterArena<S>
    public let trainable: BertTrainable
    @usableFromInline let gelu: GeluApproximation

    /// An encoder with zeroed tensors; fill them with `parameters.setValues` or use
    /// `random(config:seed:)` / `load(directory:)`. Programmer error on an invalid config.
    public init(config: BertConfig, trainable: BertTrainable = .all) {
        precondition((try? config.validateForEncoder()) != nil, "BertEncoder: invalid config \(config)")
        self.config = config
        self.trainable = trainable
        gelu = config.gelu ?? .exact
        parameters = ParameterArena(BertParameterNames.shapes(config).map {
            ParameterSpec(name: $0.name, shape: $0.shape,
                          trainable: trainable.contains($0.name, layers: config.numHiddenLayers))
        })
    }

    /// Seeded initialisation as HF `BertPreTrainedModel._init_weights`: matrices and
    /// embeddings N(0, 0.02²), biases 0, LayerNorm gains 1.
    public static func random(config: BertConfig, seed: UInt64, trainable: BertTrainable = .all,
                              std: Double = 0.02) -> BertEncoder {
        let e = BertEncoder(config: config, trainable: trainable)
        var rng = RandomSource(seed: seed)
        for slot in e.parameters.slots {
            let p = e.parameters.values + slot.offset
            if slot.shape.count >= 2 {
                for i in 0..<slot.count { p[i] = S(rng.normal() * std) }
            } else {
                let value: S = slot.name.hasSuffix("LayerNorm.weight") ? 1 : 0
                p.update(repeating: value, count: slot.count)
            }
        }
        return e
    }

    /// A new encoder with the same weights and its own arena (and optimiser state
    /// starting from zero), training `trainable`.
    public func copy(trainable: BertTrainable) -> BertEncoder {
        let e = BertEncoder(config: config, trainable: trainable)
        e.parameters.values.update(from: parameters.values, count: parameters.count)
        return e
    }

    /// Whether any tensor below block `l` (or the embeddings, for l = 0) trains: if not,
    /// the backward stops after block `l`'s weights.
    @usableFromInline func needsInputGradient(belowBlock l: Int) -> Bool {
        parameters.slots.contains { slot in
            guard slot.spec.trainable else { return false }
            if !slot.name.hasPrefix("encoder.layer.") { return true }
            let rest = slot.name.dropFirst("encoder.layer.".count)
            return (Int(rest.prefix { $0.isNumber }) ?? Int.max) < l
        }
    }

    @usableFromInline func gradient(_ name: String) -> UnsafeMutablePointer<S>? {
        guard let slot = parameters.slot(name), slot.spec.trainable else { return nil }
        return parameters.grads + slot.offset
    }

    @usableFromInline func value(_ name: String) -> UnsafeMutablePointer<S> { parameters.value(name) }

    // MARK: forward

    /// Encodes one padded batch; `training` keeps every block's activations for `backward`.
    // Inlinable so callers specialise it: generic code would run the kernels through witness tables.
    /// `reusing` (inference only): the activations of an earlier inference forward whose
    /// buffers are reused when `input` fits, so encoding a corpus allocates (and page-faults)
    /// once instead of once per batch; the earlier result is overwritten.
    @inlinable
    public func forward(_ input: BertBatch, training: Bool = false, reusing: BertActivations<S>? = nil) -> BertActivations<S> {
        let c = config, B = input.batch, T = input.length, N = B * T
        let C = c.hiddenSize, F = c.intermediateSize, H = c.numAttentionHeads
        let a: BertActivations<S>
        if !training, let reusing, reusing.fits(input) {
            reusing.reuse(for: input)
            a = reusing
        } else {
            a = BertActivations<S>(config: c, batch: B, length: T, ids: input.ids, mask: input.mask, training: training)
        }
        let eps = S(c.layerNormEps)
        typealias P = BertParameterNames
        // Embeddings (N, C) = word[id] + position[t] + type[0].
        input.ids.withUnsafeBufferPointer { ids in
            embeddingForward(out: a.embSum.pointer, ids: ids.baseAddress!, table: value(P.wordEmbeddings),
                             count: N, vocab: c.vocabSize, dim: C)
        }
        let pos = value(P.positionEmbeddings), type0 = value(P.tokenTypeEmbeddings)
        for n in 0..<N {
            let row = a.embSum.pointer + n * C, p = pos + (n % T) * C
            for i in 0..<C { row[i] += p[i] + type0[i] }
        }
        layerNormForward(out: a.hidden[0].pointer, mean: a.embMean.pointer, rstd: a.embRstd.pointer,
                         input: a.embSum.pointer, weight: value(P.embeddingsNormWeight), bias: value(P.embeddingsNormBias),
                         rows: N, dim: C, eps: eps)
        input.mask.withUnsafeBufferPointer { maskBuffer in
            let mask = maskBuffer.baseAddress!
            for l in 0..<c.numHiddenLayers {
                let w = P.Layer(l)
                let s = a.blocks[training ? l : 0]
                let x = a.hidden[training ? l : l % 2].pointer
                let y = a.hidden[training ? l + 1 : (l + 1) % 2].pointer
                // Self-attention: q, k, v (N, C) = (B, T, H, Dh); context (N, C).
                linearForward(out: s.q.pointer, input: x, weight: value(w.query), bias: value(w.queryBias), rows: N, inFeatures: C, outFeatures: C)
                linearForward(out: s.k.pointer, input: x, weight: value(w.key), bias: value(w.keyBias), rows: N, inFeatures: C, outFeatures: C)
                linearForward(out: s.v.pointer, input: x, weight: value(w.value), bias: value(w.valueBias), rows: N, inFeatures: C, outFeatures: C)
                attentionForward(out: s.context.pointer, probs: s.probs.pointer, q: s.q.pointer, k: s.k.pointer, v: s.v.pointer,
                                 keyMask: mask, batch: B, queryLength: T, keyLength: T, heads: H, kvHeads: H,
                                 headDim: c.headDim, causal: false)
                linearForward(out: s.attentionOut.pointer, input: s.context.pointer, weight: value(w.attentionOutput),
                              bias: value(w.attentionOutputBias), rows: N, inFeatures: C, outFeatures: C)
                // Post-LN residual: norm1Out = LN(x + attention).
                for i in 0..<(N * C) { s.residual1.pointer[i] = x[i] + s.attentionOut.pointer[i] }
                layerNormForward(out: s.norm1Out.pointer, mean: s.norm1Mean.pointer, rstd: s.norm1Rstd.pointer,
                                 input: s.residual1.pointer, weight: value(w.attentionNormWeight), bias: value(w.attentionNormBias),
                                 rows: N, dim: C, eps: eps)
                // MLP: ff1 (N, F) → gelu → (N, C), then y = LN(norm1Out + mlp).
                linearForward(out: s.ff1.pointer, input: s.norm1Out.pointer, weight: value(w.intermediate),
                              bias: value(w.intermediateBias), rows: N, inFeatures: C, outFeatures: F)
                geluForward(out: s.act.pointer, input: s.ff1.pointer, count: N * F, approximation: gelu)
                linearForward(out: s.residual2.pointer, input: s.act.pointer, weight: value(w.output),
                              bias: value(w.outputBias), rows: N, inFeatures: F, outFeatures: C)
                for i in 0..<(N * C) { s.residual2.pointer[i] += s.norm1Out.pointer[i] }
                layerNormForward(out: y, mean: s.norm2Mean.pointer, rstd: s.norm2Rstd.pointer,
                                 input: s.residual2.pointer, weight: value(w.outputNormWeight), bias: value(w.outputNormBias),
                                 rows: N, dim: C, eps: eps)
            }
            let last = a.hidden[training ? c.numHiddenLayers : c.numHiddenLayers % 2].pointer
            meanPoolForward(out: a.pooled.pointer, input: last, mask: mask, batch: B, seqLen: T, dim: C)
        }
        l2NormalizeForward(out: a.output.pointer, norms: a.norms.pointer, input: a.pooled.pointer, rows: B, dim: C)
        return a
    }

    // MARK: backward

    /// Backward of `forward(_:training: true)`: given `dEmbeddings (B, D)` = ∂L/∂(normalised
    /// embeddings), ADDS ∂L/∂θ into `parameters.grads` for every trainable tensor. Frozen
    /// tensors get no gradient, and the pass stops below the lowest trainable block.
    @inlinable
    public func backward(_ a: BertActivations<S>, dEmbeddings: UnsafePointer<S>) {
        let c = config, B = a.batch, T = a.length, N = B * T
        let C = c.hiddenSize, F = c.intermediateSize, H = c.numAttentionHeads
        precondition(a.blocks.count == c.numHiddenLayers, "BertEncoder.backward: forward was not run with training: true")
        if !parameters.slots.contains(where: { $0.spec.trainable }) { return }
        typealias P = BertParameterNames
        let dPooled = ScratchBuffer<S>(B * C)
        l2NormalizeBackward(dInput: dPooled.pointer, dOut: dEmbeddings, input: a.pooled.pointer, norms: a.norms.pointer, rows: B, dim: C)
        let dH = ScratchBuffer<S>(N * C)          // ∂L/∂(block output), then ∂L/∂(block input)
        let dRes = ScratchBuffer<S>(N * C), dNorm1 = ScratchBuffer<S>(N * C), dContext = ScratchBuffer<S>(N * C)
        let dQ = ScratchBuffer<S>(N * C), dK = ScratchBuffer<S>(N * C), dV = ScratchBuffer<S>(N * C)
        let dAct = ScratchBuffer<S>(N * F), dFF1 = ScratchBuffer<S>(N * F)
        let scratch = ScratchBuffer<S>(T * T)
        a.mask.withUnsafeBufferPointer { m in
            meanPoolBackward(dInput: dH.pointer, dOut: dPooled.pointer, mask: m.baseAddress!, batch: B, seqLen: T, dim: C)
        }
        for l in stride(from: c.numHiddenLayers - 1, through: 0, by: -1) {
            let w = P.Layer(l), s = a.blocks[l], x = a.hidden[l].pointer
            let needInput = needsInputGradient(belowBlock: l)
            // y = LN(residual2): dRes = ∂L/∂residual2 (also ∂L/∂mlpOut and part of ∂L/∂norm1Out).
            dRes.zero()
            layerNormBackward(dInput: dRes.pointer, dWeight: gradient(w.outputNormWeight), dBias: gradient(w.outputNormBias),
                              dOut: dH.pointer, input: s.residual2.pointer, weight: value(w.outputNormWeight),
                              mean: s.norm2Mean.pointer, rstd: s.norm2Rstd.pointer, rows: N, dim: C)
            dNorm1.pointer.update(from: dRes.pointer, count: N * C)
            dAct.zero(); dFF1.zero()
            linearBackward(dInput: dAct.pointer, dWeight: gradient(w.output), dBias: gradient(w.outputBias),
                           dOut: dRes.pointer, input: s.act.pointer, weight: value(w.output), rows: N, inFeatures: F, outFeatures: C)
            geluBackward(dInput: dFF1.pointer, dOut: dAct.pointer, input: s.ff1.pointer, count: N * F, approximation: gelu)
            linearBackward(dInput: dNorm1.pointer, dWeight: gradient(w.intermediate), dBias: gradient(w.intermediateBias),
                           dOut: dFF1.pointer, input: s.norm1Out.pointer, weight: value(w.intermediate),
                           rows: N, inFeatures: C, outFeatures: F)
            // norm1Out = LN(residual1 = x + attention).
            dRes.zero()
            layerNormBackward(dInput: dRes.pointer, dWeight: gradient(w.attentionNormWeight), dBias: gradient(w.attentionNormBias),
                              dOut: dNorm1.pointer, input: s.residual1.pointer, weight: value(w.attentionNormWeight),
                              mean: s.norm1Mean.pointer, rstd: s.norm1Rstd.pointer, rows: N, dim: C)
            dContext.zero()
            linearBackward(dInput: dContext.pointer, dWeight: gradient(w.attentionOutput), dBias: gradient(w.attentionOutputBias),
                           dOut: dRes.pointer, input: s.context.pointer, weight: value(w.attentionOutput),
                           rows: N, inFeatures: C, outFeatures: C)
            dQ.zero(); dK.zero(); dV.zero()
            attentionBackward(dQ: dQ.pointer, dK: dK.pointer, dV: dV.pointer, dOut: dContext.pointer,
                              q: s.q.pointer, k: s.k.pointer, v: s.v.pointer, probs: s.probs.pointer, scratch: scratch.pointer,
                              batch: B, queryLength: T, keyLength: T, heads: H, kvHeads: H, headDim: c.headDim)
            // ∂L/∂x = residual path + the three projections' input gradients.
            dH.pointer.update(from: dRes.pointer, count: N * C)
            let dx: UnsafeMutablePointer<S>? = needInput ? dH.pointer : nil
            for (weight, bias, dOut) in [(w.query, w.queryBias, dQ), (w.key, w.keyBias, dK), (w.value, w.valueBias, dV)] {
                linearBackward(dInput: dx, dWeight: gradient(weight), dBias: gradient(bias), dOut: dOut.pointer,
                               input: x, weight: value(weight), rows: N, inFeatures: C, outFeatures: C)
            }
            if !needInput { return }
        }
        // hidden[0] = LN(embSum); embSum = word[id] + position[t] + type[0].
        let dEmb = ScratchBuffer<S>(N * C)
        layerNormBackward(dInput: dEmb.pointer, dWeight: gradient(P.embeddingsNormWeight), dBias: gradient(P.embeddingsNormBias),
                          dOut: dH.pointer, input: a.embSum.pointer, weight: value(P.embeddingsNormWeight),
                          mean: a.embMean.pointer, rstd: a.embRstd.pointer, rows: N, dim: C)
        if let dWord = gradient(P.wordEmbeddings) {
            a.ids.withUnsafeBufferPointer { ids in
                embeddingBackward(dTable: dWord, dOut: dEmb.pointer, ids: ids.baseAddress!, count: N, vocab: c.vocabSize, dim: C)
            }
        }
        if let dPos = gradient(P.positionEmbeddings) {
            for n in 0..<N { axpy(C, alpha: 1, x: dEmb.pointer + n * C, y: dPos + (n % T) * C) }
        }
        if let dType = gradient(P.tokenTypeEmbeddings) {
            for n in 0..<N { axpy(C, alpha: 1, x: dEmb.pointer + n * C, y: dType) }
        }
    }
}
