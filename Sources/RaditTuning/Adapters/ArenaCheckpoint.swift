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
            guard let tensor = t[key] else { throw TuningError.invalidOption(key: key, reason: "is missing from the checkpoint") }
            guard tensor.shape == shape else {
                throw TuningError.invalidOption(key: key, reason: "has shape \(tensor.shape) in the checkpoint, the model has \(shape)")
            }
            return tensor.scalars
        }
        let hasMoments = !state.m.isEmpty
        for (i, name) in state.names.enumerated() where state.trainable[i] {
            state.values[i] = try get(.params, name, state.shapes[i])
            if hasMoments {
                state.m[i] = (try? get(.optimM, name, state.shapes[i])) ?? state.m[i]
                state.v[i] = (try? get(.optimV, name, state.shapes[i])) ?? state.v[i]
            }
        }
        state.step = Int(try get(.extra, "optimizer_step", [1])[0])
        try arena.restore(state)
    }
}
