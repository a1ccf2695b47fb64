import RaditKernels
import RaditModels
import RaditTensor
import RaditTestSupport
import XCTest

final class LlamaLoRATests: XCTestCase {
    func testBaseWeightsUnchangedAfterLoRATrainingAndLoRALearns() throws {
        let ref = try TinyReference.load()
        let m = try ref.model(Float.self)
        try m.enableLoRA(LoRAConfig(rank: 4, alpha: 8, dropout: 0.1, targets: .attention, seed: 1))
        let base = m.arena.slots.filter { !$0.spec.trainable }.map { ($0.name, m.arena.array($0.name)) }
        XCTAssertEqual(m.loraParameterNames.count, 2 * 4 * ref.config.L)
        let batch = try ref.batch()
        let train = LlamaTrainingConfig(schedule: .cosine(peak: 1e-2, minimum: 1e-3, warmupSteps: 2, totalSteps: 20),
                                        adamW: AdamWConfig(weightDecay: 0.1), clipNorm: 1)
        let first = m.trainStep([batch], config: train).loss
        var last = first
        for _ in 0..<19 { last = m.trainStep([batch], config: train).loss }
        XCTAssertLessThan(last, first * 0.8, "LoRA training should reduce the loss")
        for (name, values) in base { XCTAssertEqual(m.arena.array(name), values, "frozen \(name) moved") }
    }

    func testMergeEqualsAdapterPathAndUnmergeRestores() throws {
        let ref = try TinyReference.load()
        let m = try ref.model(Double.self)
        try m.enableLoRA(LoRAConfig(rank: 3, alpha: 6, dropout: 0, targets: .allLinear, seed: 2))
        var rng = RandomSource(seed: 9)
        for name in m.loraParameterNames where name.contains("lora_B") {
            try m.arena.setValues(name, (0..<m.arena.slot(name)!.count).map { _ in rng.normal(mean: 0, std: 0.1) })
        }
        let batch = try ref.batch()
        let base = ref.params
        let adapted = m.logits(batch).scalars
        m.mergeLoRA()
        XCTAssertTrue(m.loraMerged)
        assertClose(m.logits(batch).scalars, adapted, tolerance: 1e-10, "merged logits")
        m.unmergeLoRA()
        for (name, values) in base { assertClose(m.arena.array(name), values, tolerance: 1e-12, "unmerged \(name)") }
    }

    func testOverfitOneBatchFullFineTuning() throws {
        let ref = try TinyReference.load()
        let m = try LlamaModel<Float>(config: ref.llamaConfig, seed: 42)
        let batch = try ref.batch()
        let train = LlamaTrainingConfig(schedule: .constant(peak: 3e-3), adamW: AdamWConfig(weightDecay: 0), clipNorm: 1)
        var loss = Double.infinity
        for _ in 0..<300 where loss >= 0.05 { loss = m.trainStep([batch], config: train).loss }
        XCTAssertLessThan(m.forwardLoss(batch).loss, 0.05)
    }
}

final class LlamaLoRAStateTests: XCTestCase {
    func testLoRAOnlyStateRoundTrip() throws {
        let ref = try TinyReference.load()
        let batch = try ref.batch()
        let lora = LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: .allLinear, seed: 4)
        let a = try ref.model(Float.self)
        try a.enableLoRA(lora)
        for _ in 0..<3 { a.trainStep([batch], config: LlamaTrainingConfig(schedule: .constant(peak: 1e-2), adamW: AdamWConfig(), clipNorm: 1)) }
        let state = try a.loraState()
        XCTAssertEqual(Set(state.keys), Set(a.loraParameterNames))
        let b = try ref.model(Float.self)
        try b.enableLoRA(lora)
        try b.loadLoRAState(state)
        XCTAssertEqual(b.logits(batch).scalars, a.logits(batch).scalars)
        XCTAssertThrowsError(try b.loadLoRAState([:]))
    }
}
