import RaditKernels
import RaditTensor

/// Checkpoint I/O of the trainable part of a ParameterArena: values and AdamW moments of
/// trainable tensors (frozen base weights are rebuilt from the model file, so a LoRA
/// checkpoint stays small) and the optimizer step counter.
enum ArenaCheckpoint {
    static func tensors(_ arena: ParameterArena<Float>, prefix: String) -> [CheckpointTensor] {
        let state = arena.exportState()
        var out: [CheckpointTensor] = []
        for (i, name) in state.names.enumerated() where state.trainable[i] {
            let shape = state.shapes[i]
            out.append(CheckpointTensor(.params, prefix + name, Tensor(shape: shape, scalars: state.values[i])))
            if !state.m.isEmpty {
                out.append(CheckpointTensor(.optimM, prefix + name, Tensor(shape: shape, scalars: state.m[i])))
                out.append(CheckpointTensor(.optimV, prefix + name, Tensor(shape: shape, scalars: state.v[i])))
            }
        }
        out.append(CheckpointTensor(.extra, prefix + "optimizer_step", Tensor(shape: [1], scalars: [Float(state.step)])))
        return out
    }

    static func restore(_ arena: ParameterArena<Float>, prefix: String, from t: [String: Tensor<Float>]) throws {
        var state = arena.exportState()
        func get(_ section: CheckpointSection, _ name: String, _ shape: [Int]) throws -> [Float] {
            let key = "\(section.rawValue)/\(prefix)\(name)"
            guard let tensor = t[key] else { throw TuningError.invalidOption(option: key, reason: "is missing from the checkpoint") }
            guard tensor.shape == shape else {
                throw TuningError.invalidOption(option: key, reason: "has shape \(tensor.shape) in the checkpoint, the model has \(shape)")
            }
            return tensor.scalars
        }
        // Moments come from the checkpoint, not from this arena: a freshly loaded model (a
        // resumed run) has none yet, and dropping the saved ones would restart AdamW.
        let savedMoments = state.names.indices.contains { i in
            state.trainable[i] && t["\(CheckpointSection.optimM.rawValue)/\(prefix)\(state.names[i])"] != nil
        }
        if savedMoments && state.m.isEmpty {
            state.m = state.shapes.map { [Float](repeating: 0, count: $0.reduce(1, *)) }
            state.v = state.m
        } else if !savedMoments {
            state.m = []  // saved before the first step: AdamW starts from zero moments
            state.v = []
        }
        for (i, name) in state.names.enumerated() where state.trainable[i] {
            state.values[i] = try get(.params, name, state.shapes[i])
            if savedMoments {
                state.m[i] = try get(.optimM, name, state.shapes[i])
                state.v[i] = try get(.optimV, name, state.shapes[i])
            }
        }
        state.step = Int(try get(.extra, "optimizer_step", [1])[0])
        try arena.restore(state)
    }

    /// A generator's state as Float32 values that round-trip exactly: each 64-bit word as
    /// four 16-bit pieces, then a flag and the spare normal's bit pattern, likewise.
    static func encode(_ r: RandomSource) -> Tensor<Float> {
        func pieces(_ w: UInt64) -> [Float] { (0..<4).map { Float((w >> (16 * UInt64($0))) & 0xFFFF) } }
        let spare = r.spareNormal
        let words = r.state + [spare == nil ? 0 : 1, spare?.bitPattern ?? 0]
        return Tensor(shape: [24], scalars: words.flatMap(pieces))
    }

    static func decode(_ t: Tensor<Float>) throws -> RandomSource {
        guard t.count == 24 else { throw TuningError.invalidOption(option: "extra/lm.dropout_rng", reason: "has \(t.count) values, expected 24") }
        let words = (0..<6).map { w in (0..<4).reduce(UInt64(0)) { $0 | UInt64(t.scalars[4 * w + $1]) << (16 * UInt64($1)) } }
        return RandomSource(state: Array(words[0..<4]), spareNormal: words[4] == 1 ? Double(bitPattern: words[5]) : nil)
    }
}
