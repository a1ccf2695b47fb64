import Foundation
import RaditRetrieval
import RaditTensor
import RaditTestSupport
import XCTest

final class RetrieverLossTests: XCTestCase {
    let k = 5, d = 7

    /// Random query and documents; scores are dot products as in the bi-encoder.
    func problem(seed: UInt64) -> (query: [Double], docs: [Double], logProbs: [Double]) {
        var rng = RandomSource(seed: seed)
        let q = (0..<d).map { _ in rng.normal() }
        let docs = (0..<(k * d)).map { _ in rng.normal() }
        let logProbs = (0..<k).map { _ in -3 * rng.uniform() - 0.2 }
        return (q, docs, logProbs)
    }

    func scores(_ q: [Double], _ docs: [Double]) -> [Double] {
        (0..<k).map { c in (0..<d).reduce(0.0) { $0 + q[$1] * docs[c * d + $1] } }
    }

    func queryGradient(_ dScores: [Double], _ docs: [Double]) -> [Double] {
        var dq = [Double](repeating: 0, count: d)
        docs.withUnsafeBufferPointer { scoresBackward(dScores: dScores, documents: $0.baseAddress!, dimension: d, dQuery: &dq) }
        return dq
    }

    func testLSRGradientAllModesBothDirections() {
        for mode in LSRScoreMode.allCases {
            for direction in KLDirection.allCases {
                let (q, docs, logProbs) = problem(seed: 11)
                let target = lsrTargetLogProbabilities(logProbs: logProbs, answerTokens: 4, mode: mode, lmTemperature: 0.3)
                XCTAssertEqual(target.map { exp($0) }.reduce(0, +), 1, accuracy: 1e-12)
                let loss: (([Double]) -> Double) = { x in
                    let out: ScoreLoss<Double> = lsrLoss(scores: self.scores(x, docs), targetLogProbs: target,
                                                         direction: direction, retrieverTemperature: 0.1)
                    return out.value
                }
                let out: ScoreLoss<Double> = lsrLoss(scores: scores(q, docs), targetLogProbs: target,
                                                      direction: direction, retrieverTemperature: 0.1)
                XCTAssertGreaterThan(out.value, 0)
                checkGradient("lsr \(mode) \(direction)", at: q, analytic: queryGradient(out.dScores, docs), loss: loss)
            }
        }
    }

    func testLSRIsZeroWhenRetrieverMatchesTarget() {
        let target = lsrTargetLogProbabilities(logProbs: [-1, -2, -0.5], answerTokens: 1, mode: .logprob, lmTemperature: 1)
        let s = target.map { $0 * 0.1 }  // softmax(s/0.1) = exp(target)
        for direction in KLDirection.allCases {
            let out: ScoreLoss<Double> = lsrLoss(scores: s, targetLogProbs: target, direction: direction, retrieverTemperature: 0.1)
            XCTAssertEqual(out.value, 0, accuracy: 1e-12)
            for g in out.dScores { XCTAssertEqual(g, 0, accuracy: 1e-10) }
        }
    }

    func testProbModeMatchesNaiveWhenRepresentable() {
        let logProbs = [-0.1, -1.5, -3.0, -0.7]
        let tau = 0.05
        let naiveLogits = logProbs.map { exp($0) / tau }
        let mx = naiveLogits.max()!
        let z = naiveLogits.map { exp($0 - mx) }.reduce(0, +)
        let naive = naiveLogits.map { $0 - mx - log(z) }
        let ours = lsrTargetLogProbabilities(logProbs: logProbs, answerTokens: 3, mode: .prob, lmTemperature: tau)
        assertClose(ours, naive, tolerance: 1e-12, "prob target")
    }

    func testProbModeSurvivesUnderflow() {
        // exp(−120) underflows Float; with a tiny τ the differences are still resolvable
        // in Double and must rank the chunks.
        let t = lsrTargetLogProbabilities(logProbs: [-120.0, -121.0, -125.0], answerTokens: 30, mode: .prob,
                                          lmTemperature: 1e-53)
        XCTAssertTrue(t.allSatisfy { $0.isFinite })
        XCTAssertGreaterThan(t[0], t[1])
        XCTAssertGreaterThan(t[1], t[2])
        // Beyond Double's range (p < 1e-308): the exact target is uniform; no NaN, no 0/0.
        let deep = lsrTargetLogProbabilities(logProbs: [-900, -905, -2000], answerTokens: 200, mode: .prob, lmTemperature: 0.1)
        for v in deep { XCTAssertEqual(v, -log(3.0), accuracy: 1e-12) }
        let loss: ScoreLoss<Float> = lsrLoss(scores: [0.5, 0.2, 0.1], targetLogProbs: deep,
                                              direction: .retrieverToTarget, retrieverTemperature: 0.1)
        XCTAssertTrue(loss.value.isFinite && loss.dScores.allSatisfy { $0.isFinite })
        // Log-space modes keep the ranking where prob mode cannot.
        let lp = lsrTargetLogProbabilities(logProbs: [-900, -905, -2000], answerTokens: 200, mode: .meanLogprob, lmTemperature: 0.1)
        XCTAssertGreaterThan(lp[0], lp[1])
    }

    func testEMDR2Gradient() {
        let (q, docs, logProbs) = problem(seed: 12)
        let deep = logProbs.map { $0 - 800 }  // p_LM underflows Double: the loss must not.
        for lp in [logProbs, deep] {
            let out: ScoreLoss<Double> = emdr2Loss(scores: scores(q, docs), logProbs: lp, retrieverTemperature: 0.2)
            XCTAssertTrue(out.value.isFinite)
            checkGradient("emdr2", at: q, analytic: queryGradient(out.dScores, docs)) { x in
                let o: ScoreLoss<Double> = emdr2Loss(scores: self.scores(x, docs), logProbs: lp, retrieverTemperature: 0.2)
                return o.value
            }
        }
    }

    func testContrastiveGradientQueriesPositivesNegatives() {
        let b = 3, m = 4
        var rng = RandomSource(seed: 13)
        let qs = (0..<(b * d)).map { _ in rng.normal() }
        // DPR layout: candidates = [in-batch positives (B, D); hard negatives (M, D)].
        let cs = (0..<((b + m) * d)).map { _ in rng.normal() }
        let positives = Array(0..<b)
        func loss(_ q: [Double], _ c: [Double], _ t: Double = 0.5) -> Double {
            contrastiveLoss(queries: q, candidates: c, positives: positives, candidateCount: b + m, dimension: d,
                            temperature: t, dQueries: nil, dCandidates: nil)
        }
        var dq = [Double](repeating: 0, count: b * d)
        var dc = [Double](repeating: 0, count: (b + m) * d)
        let value = contrastiveLoss(queries: qs, candidates: cs, positives: positives, candidateCount: b + m,
                                    dimension: d, temperature: 0.5, dQueries: &dq, dCandidates: &dc)
        XCTAssertEqual(value, loss(qs, cs))
        checkGradient("contrastive dQ", at: qs, analytic: dq) { loss($0, cs) }
        checkGradient("contrastive dC", at: cs, analytic: dc) { loss(qs, $0) }
        // Queries equal to their own positives score better than random ones.
        XCTAssertLessThan(loss(Array(cs[0..<(b * d)]), cs, 0.05), value)
    }
}
