import Foundation
import RaditData
import RaditTestSupport
@testable import RaditTuning
import XCTest

/// With `score_mode = prob`, an LSR target whose p_LM all underflow (or differ by less than
/// `flatTargetSpread` after /τ_LM) would pull p_R towards uniform; it is dropped and counted.
final class FlatTargetTests: XCTestCase {
    func lp(_ sums: [Double]) -> [AnswerLogProb] { sums.map { AnswerLogProb(sum: $0, tokens: 3) } }

    func testFlatDetection() {
        let prob = testObjective(kind: .lsr, scoreMode: .prob, lmTemperature: 0.1)
        XCTAssertTrue(prob.isFlatTarget(lp([-800, -801, -900])), "every p_LM underflows Double")
        XCTAssertTrue(prob.isFlatTarget(lp([-10, -11, -12])), "p ≤ 5e-5: spread 4e-4 nats after /τ")
        XCTAssertTrue(prob.isFlatTarget(lp([-2, -2, -2])), "equal probabilities")
        XCTAssertFalse(prob.isFlatTarget(lp([-1, -2, -3])), "0.37 vs 0.05: spread 3.2 nats")
        // Just either side of the documented threshold: (p_max − p_min)/τ vs 0.01.
        let pMax = 0.5, tau = 0.1
        let below = log(pMax - 0.99 * RetrieverObjective.flatTargetSpread * tau)
        let above = log(pMax - 1.01 * RetrieverObjective.flatTargetSpread * tau)
        XCTAssertTrue(prob.isFlatTarget(lp([log(pMax), below])))
        XCTAssertFalse(prob.isFlatTarget(lp([log(pMax), above])))
        // The log-probability modes and the other losses keep every target.
        XCTAssertFalse(testObjective(kind: .lsr, scoreMode: .logprob).isFlatTarget(lp([-800, -801])))
        XCTAssertFalse(testObjective(kind: .emdr, scoreMode: .prob).isFlatTarget(lp([-800, -801])))
    }

    /// A batch of one answerable question and one whose answer the LM cannot produce (every
    /// candidate's p_LM = e^-30): the second is dropped, counted, and adds no gradient.
    func testFlatExampleIsDroppedAndCounted() throws {
        let kb = ToyKB()
        let good = kb.train[0]
        var bad = kb.train[1]
        bad.answers = ["qqqq"] // not in the toy LM's vocabulary: log p = −30 for every chunk
        var o = TuningOptions.test()
        o.schedule = .retrieverOnly
        o.steps = 1
        o.batchSize = 2
        o.candidates = 4
        o.objective = testObjective(kind: .lsr, scoreMode: .prob, retrieverTemperature: 0.1, lmTemperature: 0.1)
        o.retrieverRate = .constant(peak: 0.3)

        func run(_ train: [Example]) throws -> (StepMetrics, ToyEncoder, DualTuner) {
            let (lm, enc, index) = try toyModels(kb, alpha: 3)
            let t = try DualTuner(options: o, lm: lm, encoder: enc, index: index, corpus: kb.corpus, train: train,
                                  template: PromptFormat.schemaDefault)
            return (try t.step(), enc, t)
        }
        let (mixed, _, t) = try run([good, bad])
        XCTAssertEqual(mixed.lsrFlatShare, 0.5)
        // The loss is the kept example's term over the batch of two.
        // The kept term, recomputed from fresh (identical, seeded) models.
        let (lm0, enc0, index0) = try toyModels(kb, alpha: 3)
        let q0 = try enc0.embed([good.question])
        let hits = try index0.search(q0, k: 4).hits(0)
        let scorer = CachedScorer(scorer: lm0, template: PromptFormat.schemaDefault, cache: ScoreCache())
        let lm = try scorer.score(hits.map { ScoringRequest(question: good.question, answer: good.target, chunk: kb.corpus.text($0.id)) })
        XCTAssertFalse(o.objective.isFlatTarget(lm))
        let value = o.objective.evaluate(retrieverScores: hits.map { Double($0.score) }, lm: lm)
        // (The tuner forms s in Double from the stored vectors, the index search in Float.)
        XCTAssertEqual(mixed.retrieverLoss!, value.loss / 2, accuracy: 1e-6)
        XCTAssertEqual(t.state.step, 1)

        // Only the flat example: nothing to learn, the query encoder does not move.
        let (flatOnly, encFlat, _) = try run([bad])
        XCTAssertEqual(flatOnly.lsrFlatShare, 1)
        XCTAssertEqual(flatOnly.retrieverLoss, 0)
        XCTAssertEqual(encFlat.table, enc0.table)
    }
}
