import Foundation
import RaditKernels
import RaditModels
import RaditStore
import RaditTensor
import RaditTestSupport
import RaditText
import RaditTuning
import XCTest

/// The production checkpoint path (RaditModels may not import RaditStore): the tuning
/// layer's `LlamaLM` adapter writes the trainable tensors, AdamW moments, step and dropout
/// generator through `CheckpointFile`, the same code `radit run` uses.
enum ArenaCheckpointRoundTrip {
    static func save(_ model: LlamaModel<Float>, to url: URL) throws {
        let lm = LlamaLM(model: model, codec: ByteCodec(), baseIdentity: "tiny", maxLength: model.config.maxPositions,
                         scoringBatchSize: 8, microBatchSize: 4, optimizer: OptimizerOptions(adamW: AdamWConfig(), clipNorm: 1))
        try CheckpointFile.write(TrainingSnapshot(tensors: lm.checkpointTensors(), state: TuningState(seed: 0)), to: url)
    }

    static func load(_ model: LlamaModel<Float>, from url: URL) throws {
        let lm = LlamaLM(model: model, codec: ByteCodec(), baseIdentity: "tiny", maxLength: model.config.maxPositions,
                         scoringBatchSize: 8, microBatchSize: 4, optimizer: OptimizerOptions(adamW: AdamWConfig(), clipNorm: 1))
        let snapshot = try CheckpointFile.read(url, seed: 0)
        try lm.restore(from: Dictionary(uniqueKeysWithValues: snapshot.tensors.map { ($0.key, $0.tensor) }))
    }
}

final class LlamaCheckpointExportTests: XCTestCase {
    func trainConfig() -> LlamaTrainingConfig {
        LlamaTrainingConfig(schedule: .cosine(peak: 1e-2, minimum: 0, warmupSteps: 1, totalSteps: 10),
                            adamW: AdamWConfig(weightDecay: 0.1), clipNorm: 1)
    }

    func testHDF5CheckpointRoundTripIsBitIdentical() throws {
        let ref = try TinyReference.load()
        let batch = try ref.batch()
        let a = try ref.model(Float.self)
        try a.enableLoRA(LoRAConfig(rank: 2, alpha: 4, dropout: 0.1, targets: .allLinear, seed: 8))
        for _ in 0..<3 { a.trainStep([batch], config: trainConfig()) }
        let dir = Fixtures.temporaryDirectory("llama-ckpt")
        let url = dir.appendingPathComponent(CheckpointLayout.fileName(step: a.arena.step))
        try ArenaCheckpointRoundTrip.save(a, to: url)

        let b = try ref.model(Float.self)
        try b.enableLoRA(LoRAConfig(rank: 2, alpha: 4, dropout: 0.1, targets: .allLinear, seed: 8))
        try ArenaCheckpointRoundTrip.load(b, from: url)
        let sa = a.arena.exportState(), sb = b.arena.exportState()
        XCTAssertEqual(sa, sb, "values, moments and step must round-trip bit for bit")
        // Resuming continues exactly as the uninterrupted run.
        let la = a.trainStep([batch], config: trainConfig()).loss
        let lb = b.trainStep([batch], config: trainConfig()).loss
        XCTAssertEqual(la, lb)
        XCTAssertEqual(a.arena.exportState(), b.arena.exportState())
    }

    func testExportedSafetensorsReloadToIdenticalLogits() throws {
        let ref = try TinyReference.load()
        let batch = try ref.batch()
        let m = try ref.model(Float.self)
        try m.enableLoRA(LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: .attention, seed: 8))
        for _ in 0..<3 { m.trainStep([batch], config: trainConfig()) }
        m.mergeLoRA()
        let expected = m.logits(batch).scalars
        m.unmergeLoRA()
        let dir = Fixtures.temporaryDirectory("llama-export")
        try m.exportHuggingFace(to: dir)
        let reloaded = try LlamaModel<Float>(huggingFace: dir)
        XCTAssertEqual(reloaded.config.ropeLayout, .halfSplit)
        XCTAssertNil(reloaded.lora)
        XCTAssertEqual(reloaded.logits(batch).scalars, expected)
    }

    /// A GGUF-layout (interleaved) model exported to HF (half-split, rows un-permuted)
    /// computes the same function.
    func testInterleavedExportUnpermutesQK() throws {
        let c = LlamaConfig(layers: 2, width: 16, heads: 4, kvHeads: 2, mlpWidth: 24, vocab: 19,
                            tiedEmbeddings: true, ropeLayout: .interleaved)
        let m = try LlamaModel<Float>(config: c, seed: 3)
        var rng = RandomSource(seed: 1)
        for i in 0..<m.arena.count { m.arena.values[i] += Float(rng.normal(mean: 0, std: 0.2)) }
        let batch = try LlamaBatch(sequences: [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10]], padding: .left)
        let dir = Fixtures.temporaryDirectory("llama-export-gguf")
        try m.exportHuggingFace(to: dir)
        let reloaded = try LlamaModel<Float>(huggingFace: dir)
        XCTAssertEqual(reloaded.config.ropeLayout, .halfSplit)
        let a = m.logits(batch).scalars, b = reloaded.logits(batch).scalars
        // Compare real slots only (left padding: the first 4 slots of sequence 1 are padding).
        let V = c.vocab, T = batch.length
        let real = (0..<(2 * T)).filter { batch.keyMask[$0] == 1 }
        assertClose(real.flatMap { Array(b[($0 * V)..<(($0 + 1) * V)]) },
                    real.flatMap { Array(a[($0 * V)..<(($0 + 1) * V)]) }, tolerance: 1e-5, "logits")
    }

    /// A checkpoint with a weight the Llama model has no slot for (Qwen2's q/k/v biases) is
    /// refused naming the weight, not loaded without it.
    func testAWeightWithoutASlotIsRefused() throws {
        let c = LlamaConfig(layers: 1, width: 8, heads: 2, kvHeads: 2, mlpWidth: 12, vocab: 11, tiedEmbeddings: true)
        let m = try LlamaModel<Float>(config: c, seed: 2)
        let dir = Fixtures.temporaryDirectory("llama-export-bias")
        try m.exportHuggingFace(to: dir)
        XCTAssertNoThrow(try LlamaModel<Float>(huggingFace: dir), "the plain export loads")
        let file = dir.appendingPathComponent("model.safetensors")
        let st = try SafetensorsFile(url: file)
        var tensors = try st.tensors.map { (name: $0.name, tensor: Tensor(shape: $0.shape, scalars: try st.floats($0.name))) }
        tensors.append((name: "model.layers.0.self_attn.q_proj.bias", tensor: Tensor(shape: [8], scalars: [Float](repeating: 0.5, count: 8))))
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: file)
        XCTAssertThrowsError(try LlamaModel<Float>(huggingFace: dir)) { e in
            XCTAssertTrue("\(e)".contains("model.layers.0.self_attn.q_proj.bias") && "\(e)".contains("not supported"), "\(e)")
        }
    }
}
