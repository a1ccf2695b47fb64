/// Everything a checkpoint holds: named parameter/optimizer tensors of the LM and the
/// query encoder, and the tuner state (step, RNG, data cursor, fixed targets, best score).
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
