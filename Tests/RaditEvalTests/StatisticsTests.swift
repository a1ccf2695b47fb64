import Foundation
import RaditEval
import RaditTensor
import RaditTestSupport
import XCTest

final class StatisticsTests: XCTestCase {
    func testExactMcNemarByHand() throws {
        // 8 questions only A gets right, 2 only B: p = 2·P(X ≤ 2 | 10, ½) = 2·56/1024.
        let a: [Double] = Array(repeating: 1, count: 8) + [0, 0] + [1, 0, 1]
        let b: [Double] = Array(repeating: 0, count: 8) + [1, 1] + [1, 0, 1]
        let r = try PairedTests.mcnemarExact(a, b)
        XCTAssertEqual(r.aOnly, 8)
        XCTAssertEqual(r.bOnly, 2)
        assertClose(r.p, 112.0 / 1024, tolerance: Tolerance.float64, "McNemar p")
        // No discordant pair, or a balanced split: p = 1.
        XCTAssertEqual(try PairedTests.mcnemarExact(a, a).p, 1)
        XCTAssertEqual(try PairedTests.mcnemarExact([1, 0], [0, 1]).p, 1)
        XCTAssertThrowsError(try PairedTests.mcnemarExact([0.5], [1]))
        XCTAssertThrowsError(try PairedTests.mcnemarExact([1, 0], [1]))
    }

    func testBinomialTailNeitherUnderflowsNorOverflows() {
        // 2·P(X ≤ 1000 | 3000, ½) is astronomically small but not 0; P(X ≤ 1500) ≈ ½ + pmf/2.
        let tiny = Binomial.twoSidedHalf(1000, trials: 3000)
        XCTAssertGreaterThan(tiny, 0)
        XCTAssertLessThan(tiny, 1e-60)
        // Symmetry: P(X ≤ 1500) + P(X ≤ 1499) = 1 for m = 3000. lgamma(3001) ≈ 2·10^4 carries
        // ~10^-12 relative error into each term, so this holds to 1e-10, not to 1e-15;
        // agreement with scipy at large m is checked in StatisticsReferenceTests.
        let sum = Binomial.cdf(1500, trials: 3000, p: 0.5) + Binomial.cdf(1499, trials: 3000, p: 0.5)
        assertClose(sum, 1.0, tolerance: 1e-10, "symmetric cdf")
    }

    func testHolmByHand() {
        // m = 4: sorted 0.01, 0.02, 0.03, 0.5 → 0.04, 0.06, 0.06 (monotone), 0.5.
        assertClose(Holm.adjust([0.03, 0.01, 0.5, 0.02]), [0.06, 0.04, 0.5, 0.06], tolerance: Tolerance.float64, "Holm")
        XCTAssertEqual(Holm.adjust([0.9, 0.8]), [1, 1])
        XCTAssertEqual(Holm.adjust([]), [])
    }

    func testGainsAndSeedSummary() {
        let g = Gain(value: 0.45, baseline: 0.30)
        assertClose(g.absolute, 0.15, tolerance: Tolerance.float64, "abs")
        assertClose(g.relative!, 0.5, tolerance: Tolerance.float64, "rel")
        XCTAssertNil(Gain(value: 0.2, baseline: 0).relative)
        let s = SeedSummary([0.40, 0.44, 0.48])
        assertClose(s.mean, 0.44, tolerance: Tolerance.float64, "mean")
        assertClose(s.standardDeviation!, 0.04, tolerance: Tolerance.float64, "std (ddof 1)")
        XCTAssertNil(SeedSummary([0.4]).standardDeviation)
        // numpy.percentile([1, 2, 3, 4], 25) = 1.75 (linear).
        XCTAssertEqual(Descriptive.quantile(sorted: [1, 2, 3, 4], 0.25), 1.75)
    }

    func testPlansAreSeededAndCoverTheQuestions() {
        var g1 = RandomSource(seed: 5), g2 = RandomSource(seed: 5), g3 = RandomSource(seed: 6)
        let p1 = BootstrapPlan(questions: 30, resamples: 200, using: &g1)
        XCTAssertEqual(p1, BootstrapPlan(questions: 30, resamples: 200, using: &g2))
        XCTAssertNotEqual(p1, BootstrapPlan(questions: 30, resamples: 200, using: &g3))
        var counts = [Int](repeating: 0, count: 30)
        for r in 0..<200 { for i in p1.row(r) { counts[Int(i)] += 1 } }
        // Each question is drawn ≈ R times (Binomial(6000, 1/30): mean 200, sd ≈ 14).
        XCTAssertTrue(counts.allSatisfy { $0 > 130 && $0 < 270 }, "\(counts)")
        var g4 = RandomSource(seed: 5)
        let flips = SignFlipPlan(questions: 30, resamples: 200, using: &g4)
        let set = (0..<200).reduce(0) { $0 + flips.row($1).filter { $0 }.count }
        XCTAssertTrue(set > 2700 && set < 3300, "\(set) of 6000 flips set")
        // A table's plans depend only on (seed, n, R), not on the order they are asked for.
        var a = ResamplingPlans(resamples: 100, seed: 9, generator: RandomSource.init(seed:))
        var b = ResamplingPlans(resamples: 100, seed: 9, generator: RandomSource.init(seed:))
        _ = a.bootstrap(questions: 12)
        XCTAssertEqual(a.bootstrap(questions: 20), b.bootstrap(questions: 20))
        XCTAssertEqual(a.flips(questions: 20), b.flips(questions: 20))
    }

    /// A real difference must be marked (p < α = 0.05, the tables' level) by every test and
    /// a null one by none (seeded synthetic data; n = 300 questions, R = 2000).
    func testRealDifferenceIsMarkedAndNullIsNot() throws {
        var rng = RandomSource(seed: 42)
        let n = 300
        let difficulty = (0..<n).map { _ in rng.uniform() }
        func system(_ skill: Double) -> (em: [Double], f1: [Double]) {
            var em: [Double] = [], f1: [Double] = []
            for d in difficulty {
                let right = rng.uniform() < skill * (1.2 - d)
                em.append(right ? 1 : 0)
                f1.append(right ? 1 : Double(rng.int(below: 5)) / 6)
            }
            return (em, f1)
        }
        let strong = system(0.7), weak = system(0.5), twin = system(0.5)
        var plans = ResamplingPlans(resamples: 2000, seed: 1, generator: RandomSource.init(seed:))
        for test in PairedTest.allCases {
            for metric in ["em", "f1"] where test != .mcnemarExact || metric == "em" {
                func pick(_ s: (em: [Double], f1: [Double])) -> [Double] { metric == "em" ? s.em : s.f1 }
                let real = try PairedTests.run(test, pick(strong), pick(weak), plans: &plans)
                let null = try PairedTests.run(test, pick(twin), pick(weak), plans: &plans)
                XCTAssertLessThan(real.p, 0.05, "\(test) \(metric) must mark the real difference (δ = \(real.difference))")
                XCTAssertGreaterThan(null.p, 0.05, "\(test) \(metric) must not mark the null difference (δ = \(null.difference))")
            }
        }
    }

    func testIntervalCoversTheMeanAndShrinksWithN() throws {
        var rng = RandomSource(seed: 3)
        func interval(_ n: Int) throws -> ConfidenceInterval {
            let x = (0..<n).map { _ in rng.bernoulli(0.4) ? 1.0 : 0.0 }
            var g = RandomSource(seed: 4)
            let ci = try BootstrapInterval.mean(x, plan: BootstrapPlan(questions: n, resamples: 2000, using: &g))
            XCTAssertLessThanOrEqual(ci.lower, Descriptive.mean(x))
            XCTAssertGreaterThanOrEqual(ci.upper, Descriptive.mean(x))
            return ci
        }
        let small = try interval(50), large = try interval(800)
        // Width ≈ 2·1.96·sqrt(p(1-p)/n): 0.27 at n = 50, 0.068 at n = 800.
        XCTAssertEqual(small.upper - small.lower, 0.27, accuracy: 0.05)
        XCTAssertEqual(large.upper - large.lower, 0.068, accuracy: 0.015)
    }

    func testPairingIsByQuestionID() throws {
        let a = QuestionScores(ids: ["x", "y", "z"], values: [1, 0, 1])
        let b = QuestionScores(ids: ["z", "x", "y"], values: [0, 1, 1])
        let (va, vb) = try a.aligned(with: b, what: "t")
        XCTAssertEqual(va, [1, 0, 1])
        XCTAssertEqual(vb, [1, 1, 0])
        XCTAssertThrowsError(try a.aligned(with: QuestionScores(ids: ["x", "y", "w"], values: [1, 1, 1]), what: "t")) { e in
            XCTAssertTrue("\(e)".contains("different questions"))
        }
    }
}
