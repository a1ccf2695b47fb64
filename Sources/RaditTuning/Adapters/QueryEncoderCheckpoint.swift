import RaditRetrieval
import RaditTensor

/// The tuned query encoder's parameters and AdamW moments in the run's checkpoints.
extension BiEncoderQueries: Checkpointable {
    public func checkpointTensors() -> [CheckpointTensor] {
        ArenaCheckpoint.tensors(biEncoder.query.parameters, prefix: "retriever.query.")
    }

    public func restore(from tensors: [String: Tensor<Float>]) throws {
        try ArenaCheckpoint.restore(biEncoder.query.parameters, prefix: "retriever.query.", from: tensors)
    }
}
