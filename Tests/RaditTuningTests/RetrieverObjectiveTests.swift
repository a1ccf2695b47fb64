import RaditRetrieval
import RaditTestSupport
@testable import RaditTuning
import XCTest

final class RetrieverObjectiveTests: XCTestCase {
    let s = [0.3, -1.2, 0.8, 0.1]
    let lm = [AnswerLogProb(sum: -2.0, tokens: 2), AnswerLogProb(sum: -0.5, tokens: 1),
              AnswerLogProb(sum: -4.0, tokens: 3), AnswerLogProb(sum: -1.0, tokens: 2)]

    /// dL/ds of the configured objective against central differences, for every loss,
    /// direction and score mode (the retriever layer tests the losses themselves).
    func testScoreGradientsMatchFiniteDifferences() {
        for kind in [RetrieverLossKind.lsr, .emdr] {
            for direction in KLDirection.allCases {
                for mode in LSRScoreMode.allCases {
                    let o = testObjective(kind: kind, direction: direction, scoreMode: mode,
                                               retrieverTemperature: 0.7, lmTemperature: 0.5)
                    let g = o.evaluate(retrieverScores: s, lm: lm).scoreGradient
                    for c in s.indices {
                        var p = s, m = s
                        p[c] += 1e-6
                        m[c] -= 1e-6
                        let fd = (o.evaluate(retrieverScores: p, lm: lm).loss
                            - o.evaluate(retrieverScores: m, lm: lm).loss) / 2e-6
                        XCTAssertEqual(g[c], fd, accuracy: 1e-6, "\(kind) \(direction) \(mode) c=\(c)")
                    }
                }
            }
        }
    }

    func testKLIsZeroWhenDistributionsAgree() {
        // p_LSR = softmax(logprob) and p_R = softmax(s) with s = the same log-probs.
        let o = testObjective(kind: .lsr, scoreMode: .logprob)
        let v = o.evaluate(retrieverScores: lm.map(\.sum), lm: lm)
        XCTAssertEqual(v.loss, 0, accuracy: 1e-12)
        for g in v.scoreGradient { XCTAssertEqual(g, 0, accuracy: 1e-12) }
    }

    func testLSRTargetIsSoftmaxOfProbabilities() {
        let o = testObjective(kind: .lsr, scoreMode: .prob, lmTemperature: 0.1)
        let p = lm.map { exp($0.sum) / 0.1 }
        let z = p.map { exp($0 - p.max()!) }
        let expected = z.map { $0 / z.reduce(0, +) }
        assertClose(o.lsrTarget(lm), expected, tolerance: Tolerance.float32)
    }

    func testEMDRByHand() {
        let o = testObjective(kind: .emdr)
        let pR = softmax(s)
        let expected = -log(zip(lm, pR).reduce(0) { $0 + exp($1.0.sum) * $1.1 })
        XCTAssertEqual(o.evaluate(retrieverScores: s, lm: lm).loss, expected, accuracy: 1e-12)
    }

    func testSchedules() {
        XCTAssertEqual(TuningSchedule.sequentialLMFirst.totalSteps(5), 10)
        XCTAssertTrue(TuningSchedule.sequentialLMFirst.stages(at: 4, stepsPerStage: 5) == (true, false))
        XCTAssertTrue(TuningSchedule.sequentialLMFirst.stages(at: 5, stepsPerStage: 5) == (false, true))
        XCTAssertTrue(TuningSchedule.sequentialRetrieverFirst.stages(at: 0, stepsPerStage: 5) == (false, true))
        XCTAssertTrue(TuningSchedule.lmOnly.stages(at: 0, stepsPerStage: 5) == (true, false))
        XCTAssertTrue(TuningSchedule.retrieverOnly.stages(at: 0, stepsPerStage: 5) == (false, true))
        XCTAssertEqual(TuningSchedule.sequentialLMFirst.localStep(at: 7, stepsPerStage: 5), 2)
        XCTAssertEqual(TuningSchedule.lockstep.localStep(at: 7, stepsPerStage: 5), 7)
    }
}
