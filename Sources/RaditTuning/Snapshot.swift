/// Everything a checkpoint holds: named parameter/optimizer tensors of the LM and the
/// query encoder, and the tuner state (step, RNG, data cursor, fixed targets, best score).
import RaditBase
import RaditTensor

public struct TrainingSnapshot: Sendable, Equatable {
    public var tensors: [CheckpointTensor]
    public var state: TuningState
    public init(tensors: [CheckpointTensor], state: TuningState) {
        self.tensors = tensors
        self.state = state
    }
}

extension TuningError {
    static func notCheckpointable(_ what: String) -> TuningError {
        .invalidOption(option: what, reason: "this component cannot write checkpoints (it does not conform to Checkpointable), so the run cannot be saved or resumed")
    }
}

extension DualTuner {
    func components() throws -> [Checkpointable] {
        guard let l = lm as? Checkpointable else { throw TuningError.notCheckpointable("lm") }
        guard let r = encoder as? Checkpointable else { throw TuningError.notCheckpointable("retriever") }
        return [l, r]
    }

    public func snapshot() throws -> TrainingSnapshot {
        TrainingSnapshot(tensors: try components().flatMap { $0.checkpointTensors() }, state: state)
    }

    /// Restores only the LM's tensors (e.g. base LM with a tuned retriever, for Table 6).
    public func restoreLM(_ s: TrainingSnapshot) throws { try restoreComponent(0, s) }

    /// Restores only the query encoder's tensors.
    public func restoreRetriever(_ s: TrainingSnapshot) throws { try restoreComponent(1, s) }

    func restoreComponent(_ i: Int, _ s: TrainingSnapshot) throws {
        var byKey: [String: Tensor<Float>] = [:]
        for t in s.tensors { byKey[t.key] = t.tensor }
        try components()[i].restore(from: byKey)
    }

    public func restore(_ s: TrainingSnapshot) throws {
        var byKey: [String: Tensor<Float>] = [:]
        for t in s.tensors { byKey[t.key] = t.tensor }
        for c in try components() { try c.restore(from: byKey) }
        state = s.state
    }
}

/// The two tuned components of a run, in `DualTuner.components()` order.
public enum TunedComponent: Int, Sendable, CaseIterable {
    case lm
    case retriever

    public var name: String { self == .lm ? "lm" : "retriever" }
}

extension TrainingSnapshot {
    /// SHA-256 over the name, shape and Float32 bits of every parameter tensor among
    /// `tensors` (optimizer moments and counters excluded), in order: two runs hold the
    /// same trainable parameters exactly when their digests are equal.
    public static func parameterDigest(_ tensors: [CheckpointTensor]) -> String {
        var h = SHA256()
        for t in tensors where t.section == .params {
            h.update(t.key)
            h.update("\u{1f}" + t.tensor.shape.map(String.init).joined(separator: ",") + "\u{1e}")
            t.tensor.scalars.withUnsafeBytes { h.update(buffer: $0) }
        }
        return SHA256.hexString(h.finalize())
    }

    /// The parameter digest of the tensors with checkpoint keys `keys` (one component's,
    /// `DualTuner.parameterKeys`) in this snapshot; throws naming a key the snapshot
    /// lacks (a checkpoint of another model).
    public func parameterDigest(of keys: [String]) throws -> String {
        var byKey: [String: CheckpointTensor] = [:]
        for t in tensors where t.section == .params { byKey[t.key] = t }
        return Self.parameterDigest(try keys.map { k in
            guard let t = byKey[k] else { throw TuningError.invalidOption(option: k, reason: "is missing from the checkpoint") }
            return t
        })
    }
}

extension DualTuner {
    /// The checkpoint keys of `component`'s parameters.
    public func parameterKeys(_ component: TunedComponent) throws -> [String] {
        try components()[component.rawValue].checkpointTensors().filter { $0.section == .params }.map(\.key)
    }

    /// The digest of `component`'s current parameters (`TrainingSnapshot.parameterDigest`).
    public func parameterDigest(_ component: TunedComponent) throws -> String {
        TrainingSnapshot.parameterDigest(try components()[component.rawValue].checkpointTensors())
    }

    /// Replaces `component`'s parameters with those in `source` (another run's checkpoint)
    /// and keeps this run's optimizer state and counters, so training, if any, starts from
    /// the adopted parameters with fresh AdamW moments. Throws naming a missing or
    /// mis-shaped tensor when `source` was trained with another model or LoRA setting.
    public func adoptParameters(_ component: TunedComponent, from source: TrainingSnapshot) throws {
        let target = try components()[component.rawValue]
        var byKey: [String: Tensor<Float>] = [:]
        for t in target.checkpointTensors() { byKey[t.key] = t.tensor }
        var sourceParams: [String: Tensor<Float>] = [:]
        for t in source.tensors where t.section == .params { sourceParams[t.key] = t.tensor }
        for t in target.checkpointTensors() where t.section == .params {
            guard let s = sourceParams[t.key] else {
                throw TuningError.invalidOption(option: t.key, reason: "is missing from the source checkpoint: it was trained with another \(component.name) model or LoRA/trainable-layer setting")
            }
            guard s.shape == t.tensor.shape else {
                throw TuningError.invalidOption(option: t.key, reason: "has shape \(s.shape) in the source checkpoint, this run's \(component.name) has \(t.tensor.shape)")
            }
            byKey[t.key] = s
        }
        try target.restore(from: byKey)
    }
}
