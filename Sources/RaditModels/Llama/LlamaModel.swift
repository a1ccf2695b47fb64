import RaditKernels
import RaditTensor

/// A Llama-family causal LM (RMSNorm, RoPE, GQA, SwiGLU, tied or untied head) computing
/// in `S` (Float for work, Double for gradient checks) on BLAS.
///
/// Every parameter lives in one `ParameterArena` named as in HF checkpoints
/// (`model.layers.3.self_attn.q_proj.weight`, …, LoRA adapters as PEFT names them), so
/// gradients, AdamW moments, clipping and checkpoints are flat loops over one layout.
/// Full fine-tuning trains every base weight; `enableLoRA` freezes the base and adds
/// adapters. Not thread-safe: one model, one caller at a time (the workspace is shared).
public final class LlamaModel<S: BLASScalar> {
    public let config: LlamaConfig
    public private(set) var arena: ParameterArena<S>
    /// The adapters' configuration, when LoRA is enabled.
    public private(set) var lora: LoRAConfig?
    /// Whether `B A` is currently folded into the base weights (then the adapter path is skipped).
    public private(set) var loraMerged = false
    /// Draws the LoRA dropout masks (seeded by `LoRAConfig.seed`); part of the training state.
    public var dropoutRandom: RandomSource
    let work = LlamaWorkspace<S>()
    var offsets: LlamaOffsets

    /// Parameter specs of the base model in arena order.
    public static func baseSpecs(_ c: LlamaConfig) -> [ParameterSpec] {
        var specs = [ParameterSpec(name: LlamaNames.embedding, shape: [c.vocab, c.width])]
        for l in 0..<c.layers {
            specs.append(ParameterSpec(name: LlamaNames.attentionNorm(l), shape: [c.width]))
            for p in [LlamaLinear.q, .k, .v, .o] {
                let s = p.shape(c)
                specs.append(ParameterSpec(name: LlamaNames.weight(l, p), shape: [s.out, s.in]))
            }
            specs.append(ParameterSpec(name: LlamaNames.mlpNorm(l), shape: [c.width]))
            for p in [LlamaLinear.gate, .up, .down] {
                let s = p.shape(c)
                specs.append(ParameterSpec(name: LlamaNames.weight(l, p), shape: [s.out, s.in]))
            }
        }
        specs.append(ParameterSpec(name: LlamaNames.finalNorm, shape: [c.width]))
        if !c.tiedEmbeddings { specs.append(ParameterSpec(name: LlamaNames.head, shape: [c.vocab, c.width])) }
        return specs
    }

    /// A model with every value zero; fill it with `load` or `initialize`.
    public init(config: LlamaConfig) throws {
        try config.validate()
        self.config = config
        arena = ParameterArena(Self.baseSpecs(config))
        offsets = LlamaOffsets(arena: arena, config: config)
        dropoutRandom = RandomSource(seed: 0)
    }

    /// A freshly initialised model (GPT-2/nanoGPT scheme: N(0, 0.02²) matrices, output
    /// projections scaled by 1/√(2L), norm gains 1), drawn from `seed`.
    public convenience init(config: LlamaConfig, seed: UInt64) throws {
        try self.init(config: config)
        var rng = RandomSource(seed: seed)
        for slot in arena.slots {
            let p = arena.values + slot.offset
            if slot.shape.count == 1 {
                p.update(repeating: 1, count: slot.count)
            } else {
                let projection = slot.name.hasSuffix("o_proj.weight") || slot.name.hasSuffix("down_proj.weight")
                let std = 0.02 / (projection ? Double(2 * config.layers).squareRoot() : 1)
                for i in 0..<slot.count { p[i] = S(rng.normal(mean: 0, std: std)) }
            }
        }
    }

    /// Sets named base weights (e.g. read from a file); each must exist with the right count.
    public func load(_ weights: [String: [S]], source: String = "weights") throws {
        for slot in arena.slots where !slot.name.contains(".lora_") {
            guard let w = weights[slot.name] else { throw LlamaError.missingWeight(file: source, name: slot.name) }
            guard w.count == slot.count else {
                throw LlamaError.weightShape(file: source, name: slot.name, expected: slot.shape, found: [w.count])
            }
            try arena.setValues(slot.name, w)
        }
    }

    /// Whether base weights train (full fine-tuning) — false once LoRA is enabled.
    public var trainsBase: Bool { lora == nil }

    /// Freezes the base and adds adapters on `config.targets` of every layer. The arena is
    /// rebuilt (base values copied); optimizer state restarts. Enabling twice replaces the adapters.
    public func enableLoRA(_ lora: LoRAConfig) throws {
        guard lora.rank > 0, lora.alpha > 0, lora.dropout >= 0, lora.dropout < 1 else {
            throw LlamaError.invalidConfig("LoRA needs rank > 0, alpha > 0 and 0 ≤ dropout < 1 (got \(lora))")
        }
        if loraMerged { unmergeLoRA() }
        var specs = Self.baseSpecs(config).map {
            ParameterSpec(name: $0.name, shape: $0.shape, trainable: false, weightDecay: $0.weightDecay)
        }
        for l in 0..<config.layers {
            for p in lora.targets.linears {
                let s = p.shape(config)
                specs.append(ParameterSpec(name: LlamaNames.loraA(l, p), shape: [lora.rank, s.in]))
                specs.append(ParameterSpec(name: LlamaNames.loraB(l, p), shape: [s.out, lora.rank]))
            }
        }
        let fresh = ParameterArena<S>(specs)
        for slot in arena.slots where !slot.name.contains(".lora_") {
            (fresh.values + fresh.slot(slot.name)!.offset).update(from: arena.values + slot.offset, count: slot.count)
        }
        var rng = RandomSource(seed: lora.seed)
        for l in 0..<config.layers {
            for p in lora.targets.linears {
                let bound = 1 / Double(p.shape(config).in).squareRoot()
                let a = fresh.value(LlamaNames.loraA(l, p))
                for i in 0..<(lora.rank * p.shape(config).in) { a[i] = S(rng.uniform(-bound, bound)) }
            }
        }
        arena = fresh
        self.lora = lora
        dropoutRandom = RandomSource(seed: lora.seed, key: "lora-dropout")
        offsets = LlamaOffsets(arena: arena, config: config)
    }

    /// Folds `W += (α/r) B A` into every adapted weight; the adapter path is then skipped
    /// (inference and export). Idempotent.
    public func mergeLoRA() {
        guard lora != nil, !loraMerged else { return }
        applyLoRADelta(sign: 1)
        loraMerged = true
    }

    /// Undoes `mergeLoRA` (`W −= (α/r) B A`), restoring the base up to float rounding.
    public func unmergeLoRA() {
        guard lora != nil, loraMerged else { return }
        applyLoRADelta(sign: -1)
        loraMerged = false
    }

    private func applyLoRADelta(sign: S) {
        guard let lora else { return }
        for l in 0..<config.layers {
            for p in lora.targets.linears {
                let s = p.shape(config)
                // W (out, in) += sign · scale · B (out, r) · A (r, in)
                gemm(.none, .none, m: s.out, n: s.in, k: lora.rank, alpha: sign * S(lora.scale),
                     a: arena.value(LlamaNames.loraB(l, p)), lda: lora.rank,
                     b: arena.value(LlamaNames.loraA(l, p)), ldb: s.in,
                     beta: 1, c: arena.value(LlamaNames.weight(l, p)), ldc: s.in)
            }
        }
    }

    /// Names of the LoRA adapter parameters (empty without LoRA), for LoRA-only checkpoints.
    public var loraParameterNames: [String] {
        arena.slots.map(\.name).filter { $0.contains(".lora_") }
    }

    /// The adapters alone (PEFT names → values): a LoRA-only checkpoint.
    public func loraState() throws -> [String: [S]] {
        guard lora != nil else { throw LlamaError.loraNotEnabled }
        guard !loraMerged else { throw LlamaError.loraMerged }
        var out: [String: [S]] = [:]
        for name in loraParameterNames { out[name] = arena.array(name) }
        return out
    }

    /// Restores adapters saved by `loraState` (LoRA must be enabled with the same config;
    /// every adapter must be present with the right count).
    public func loadLoRAState(_ state: [String: [S]], source: String = "LoRA state") throws {
        guard lora != nil else { throw LlamaError.loraNotEnabled }
        guard !loraMerged else { throw LlamaError.loraMerged }
        for name in loraParameterNames {
            guard let values = state[name] else { throw LlamaError.missingWeight(file: source, name: name) }
            let slot = arena.slot(name)!
            guard values.count == slot.count else {
                throw LlamaError.weightShape(file: source, name: name, expected: slot.shape, found: [values.count])
            }
            try arena.setValues(name, values)
        }
    }

    /// The base weights with LoRA merged in, by name. Computed on copies: the model is left
    /// bit for bit as it was (merging and unmerging in place would round the base weights).
    public func mergedWeights() -> [String: [S]] {
        var out: [String: [S]] = [:]
        for slot in arena.slots where !slot.name.contains(".lora_") { out[slot.name] = arena.array(slot.name) }
        guard let lora, !loraMerged else { return out }
        for l in 0..<config.layers {
            for p in lora.targets.linears {
                let s = p.shape(config)
                let name = LlamaNames.weight(l, p)
                var w = out[name]!
                // W (out, in) += scale · B (out, r) · A (r, in), the same product mergeLoRA adds.
                w.withUnsafeMutableBufferPointer { wp in
                    gemm(.none, .none, m: s.out, n: s.in, k: lora.rank, alpha: S(lora.scale),
                         a: arena.value(LlamaNames.loraB(l, p)), lda: lora.rank,
                         b: arena.value(LlamaNames.loraA(l, p)), ldb: s.in,
                         beta: 1, c: wp.baseAddress!, ldc: s.in)
                }
                out[name] = w
            }
        }
        return out
    }
}

/// Precomputed arena offsets (avoids name lookups in the hot path). −1 = absent.
struct LlamaOffsets {
    var embedding: Int
    var finalNorm: Int
    var head: Int
    var attentionNorm: [Int]
    var mlpNorm: [Int]
    /// [layer][LlamaLinear index]
    var weight: [[Int]]
    var loraA: [[Int]]
    var loraB: [[Int]]
    var trainable: Set<Int>
    /// Whether every layer's q, k, v weights (and its gate, up weights) lie back to back in
    /// the arena, so inference computes them in one product (`runForward`: one BLAS call
    /// and thread hand-off instead of three, or two, and a wider product).
    var qkvAdjacent: Bool
    var gateUpAdjacent: Bool

    init<S>(arena: ParameterArena<S>, config c: LlamaConfig) {
        func off(_ n: String) -> Int { arena.slot(n)?.offset ?? -1 }
        embedding = off(LlamaNames.embedding)
        finalNorm = off(LlamaNames.finalNorm)
        head = c.tiedEmbeddings ? embedding : off(LlamaNames.head)
        attentionNorm = (0..<c.layers).map { off(LlamaNames.attentionNorm($0)) }
        mlpNorm = (0..<c.layers).map { off(LlamaNames.mlpNorm($0)) }
        weight = (0..<c.layers).map { l in LlamaLinear.allCases.map { off(LlamaNames.weight(l, $0)) } }
        loraA = (0..<c.layers).map { l in LlamaLinear.allCases.map { off(LlamaNames.loraA(l, $0)) } }
        loraB = (0..<c.layers).map { l in LlamaLinear.allCases.map { off(LlamaNames.loraB(l, $0)) } }
        trainable = Set(arena.slots.filter { $0.spec.trainable }.map(\.offset))
        let w = weight
        func adjacent(_ ps: [LlamaLinear]) -> Bool {
            w.allSatisfy { layer in
                zip(ps, ps.dropFirst()).allSatisfy { a, b in
                    layer[a.index] >= 0 && layer[b.index] == layer[a.index] + a.shape(c).out * a.shape(c).in
                }
            }
        }
        qkvAdjacent = adjacent([.q, .k, .v])
        gateUpAdjacent = adjacent([.gate, .up])
    }
}

extension LlamaLinear {
    var index: Int { LlamaLinear.allCases.firstIndex(of: self)! }
}
