import Foundation
import RaditData
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditTestSupport
import RaditText
@testable import RaditTuning
import XCTest

/// The engine with the real model adapters (tiny from-scratch Llama and BERT over bytes).
final class AdapterTests: XCTestCase {
    let kb = ToyKB(entities: 6)

    func models(seed: UInt64 = 1) throws -> (LlamaLM, BiEncoderQueries, FlatIndex) {
        let lc = LlamaConfig(layers: 1, width: 32, heads: 4, kvHeads: 2, mlpWidth: 64, vocab: ByteCodec().vocabularySize,
                             ropeTheta: 10000, normEps: 1e-5, tiedEmbeddings: true, ropeLayout: .halfSplit,
                             maxPositions: 256, bosToken: 1, eosToken: 2)
        let lm = LlamaLM(model: try LlamaModel(config: lc, seed: seed), codec: ByteCodec(), baseIdentity: "tiny", maxLength: 128,
                         scoringBatchSize: 8, microBatchSize: 4, optimizer: .test)
        let bc = BertConfig(vocabSize: ByteCodec().vocabularySize, hiddenSize: 16, numHiddenLayers: 1,
                            numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 128)
        let base = SentenceEncoder(name: "tiny", encoder: BertEncoder<Float>.random(config: bc, seed: seed + 1, trainable: .none),
                                   codec: ByteCodec(), maxLength: 64)
        let q = BiEncoderQueries(base: base, training: .queryOnly, queryTrainable: .all,
                                 optimizer: OptimizerOptions.test.adamW, clipNorm: OptimizerOptions.test.clipNorm)
        let index = try FlatIndex(dimension: q.dimension, metric: .innerProduct,
                                  vectors: try q.embedDocuments(kb.corpus.indexedTexts).scalars)
        return (lm, q, index)
    }

    func tuner(_ schedule: TuningSchedule, steps: Int = 2, cache: ScoreCache = ScoreCache()) throws -> (DualTuner, LlamaLM, BiEncoderQueries) {
        let (lm, q, index) = try models()
        var o = TuningOptions.test()
        o.schedule = schedule
        o.steps = steps
        o.batchSize = 2
        o.candidates = 3
        o.lmTopK = 2
        o.objective = testObjective(kind: .lsr, scoreMode: .logprob)
        o.lmRate = .constant(peak: 1e-2)
        o.retrieverRate = .constant(peak: 1e-2)
        let t = try DualTuner(options: o, lm: lm, encoder: q, index: index, corpus: kb.corpus, train: kb.train,
                              template: PromptFormat.schemaDefault, cache: cache)
        return (t, lm, q)
    }

    func bits(_ c: Checkpointable) -> [[UInt32]] { c.checkpointTensors().map { $0.tensor.scalars.map(\.bitPattern) } }

    func testLMOnlyAndRetrieverOnlyFreezeTheOtherSide() throws {
        let (a, lmA, qA) = try tuner(.lmOnly)
        let q0 = bits(qA), lm0 = bits(lmA)
        try a.run()
        XCTAssertEqual(bits(qA), q0, "lm_only moved the query encoder")
        XCTAssertNotEqual(bits(lmA), lm0)
        let (b, lmB, qB) = try tuner(.retrieverOnly)
        let q1 = bits(qB), lm1 = bits(lmB)
        try b.run()
        XCTAssertEqual(bits(lmB), lm1, "retriever_only moved the LM")
        XCTAssertNotEqual(bits(qB), q1)
    }

    /// The LSR target equals the softmax of scores from LlamaModel.score called directly.
    func testLSRTargetMatchesTheLlamaScoringAPI() throws {
        let (t, lm, q) = try tuner(.lockstep)
        let batch = Array(kb.train.prefix(2))
        let ids = try t.search(try q.embed(batch.map(\.question)))
        let cached = try t.scorePairs(batch, ids)
        // One call over all pairs, as the engine batches them (Llama's float32 scores move
        // by ~1e-7 with the batch composition, through GEMM blocking).
        let codec = ByteCodec()
        var pairs: [ScoringPair] = []
        for (b, e) in batch.enumerated() {
            for id in ids[b] {
                let p = PromptFormat.schemaDefault.pair(question: e.question, chunk: kb.corpus.text(id), answer: e.target)
                // RA-DIT's framing: BOS + prompt (no closing token), answer + EOS (id 2).
                pairs.append(ScoringPair(prompt: [1] + codec.encode(p.prompt, special: false),
                                         answer: codec.encode(p.answer, special: false) + [2]))
            }
        }
        let direct = try lm.model.score(pairs, batchSize: lm.scoringBatchSize).map(\.total)
        for b in batch.indices {
            let row = Array(direct[3 * b..<3 * b + 3])
            XCTAssertEqual(cached[b].map(\.sum), row)
            assertClose(t.options.objective.lsrTarget(cached[b]), softmax(row), tolerance: 1e-14, "LSR target")
        }
    }

    func testWarmCacheAndCheckpointRoundTrip() throws {
        let cache = ScoreCache()
        let (a, _, _) = try tuner(.retrieverOnly, cache: cache)
        try a.run()
        let (b, lmB, _) = try tuner(.retrieverOnly, cache: cache)
        try b.run()
        XCTAssertEqual(b.scorer.counts.scored, 0)
        XCTAssertGreaterThan(b.scorer.counts.hits, 0)
        _ = lmB

        let (c, lmC, qC) = try tuner(.lockstep, steps: 3)
        try c.run(afterStep: { $0.step < 0 })
        let snap = try c.snapshot()
        let identity = lmC.checkpointIdentity
        try c.run()
        XCTAssertNotEqual(lmC.checkpointIdentity, identity)
        try c.restore(snap)
        XCTAssertEqual(lmC.checkpointIdentity, identity)
        XCTAssertEqual(bits(qC), snap.tensors.filter { $0.name.hasPrefix("retriever.") }.map { $0.tensor.scalars.map(\.bitPattern) })
    }

    func testGeneratorStateRoundTripsThroughFloat32() throws {
        var r = RandomSource(seed: 99)
        _ = r.normal() // leaves a spare normal
        XCTAssertNotNil(r.spareNormal)
        XCTAssertEqual(try ArenaCheckpoint.decode(ArenaCheckpoint.encode(r)), r)
        let fresh = RandomSource(seed: 5, key: "x")
        XCTAssertEqual(try ArenaCheckpoint.decode(ArenaCheckpoint.encode(fresh)), fresh)
    }
}
