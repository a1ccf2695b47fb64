import Foundation
import RaditEval
import RaditTestSupport
import XCTest

/// RaditEval's tests and intervals against scipy / numpy / statsmodels
/// (tools/reference/statistics_reference.py) on committed predictions, applying the same
/// committed resampling rows on both sides.
final class StatisticsReferenceTests: XCTestCase {
    struct Reference: Decodable {
        struct Interval: Decodable { var mean: Double; var lower: Double; var upper: Double }
        struct Comparison: Decodable {
            var a: String, b: String, metric: String, test: String, p: Double
            var a_only: Int?, b_only: Int?
        }
        struct HolmCase: Decodable { var p: [Double]; var adjusted: [Double] }
        struct BinomialCase: Decodable { var k: Int; var m: Int; var p: Double }
        var seed: UInt64
        var n: Int
        var resamples: Int
        var tie_tolerance: Double
        var level: Double
        var scipy: String
        var intervals: [String: Interval]
        var comparisons: [Comparison]
        var holm: HolmCase
        var binomial: [BinomialCase]
    }

    /// Per-question p-value agreement the issue asks for.
    static let pTolerance = 1e-9

    func load() throws -> (Reference, [String: [Double]], BootstrapPlan, SignFlipPlan) {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.file("stats/reference.json")))
        let tsv = try String(contentsOf: Fixtures.file("stats/predictions.tsv"), encoding: .utf8)
        let lines = tsv.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        var columns: [String: [Double]] = [:]
        for (i, name) in lines[0].enumerated() where name != "id" {
            columns[name] = try lines.dropFirst().map { row in
                guard let x = Double(row[i]) else { throw EvalError.badLine(source: "predictions.tsv", line: 0, detail: row[i]) }
                return x
            }
        }
        let (boot, flips) = try Self.readPlan(Fixtures.file("stats/resampling_plan.txt"))
        return (ref, columns, boot, flips)
    }

    /// `n`, `resamples`, then `bootstrap` + R rows of indices, `flips` + R rows of bits.
    static func readPlan(_ url: URL) throws -> (BootstrapPlan, SignFlipPlan) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let b = lines.firstIndex(of: "bootstrap"), let f = lines.firstIndex(of: "flips") else {
            throw EvalError.badLine(source: url.path, line: 0, detail: "no bootstrap/flips sections")
        }
        let boot = lines[(b + 1)..<f].map { $0.split(separator: " ").map { Int($0)! } }
        let flips = lines[(f + 1)...].map { $0.map { $0 == "1" } }
        return (try BootstrapPlan(rows: boot, source: url.path), try SignFlipPlan(rows: flips, source: url.path))
    }

    func testPlanAndToleranceMatchTheScript() throws {
        let (ref, _, boot, flips) = try load()
        XCTAssertEqual(boot.questions, ref.n)
        XCTAssertEqual(boot.resamples, ref.resamples)
        XCTAssertEqual(flips.questions, ref.n)
        XCTAssertEqual(flips.resamples, ref.resamples)
        XCTAssertEqual(PairedTests.tieTolerance, ref.tie_tolerance)
    }

    func testPairedTestsMatchScipyAndNumpy() throws {
        let (ref, p, boot, flips) = try load()
        var tested = Set<String>()
        for c in ref.comparisons {
            let a = p["\(c.a)_\(c.metric)"]!, b = p["\(c.b)_\(c.metric)"]!
            let result: PairedTestResult
            switch c.test {
            case "mcnemar-exact": result = try PairedTests.mcnemarExact(a, b)
            case "paired-bootstrap": result = try PairedTests.pairedBootstrap(a, b, plan: boot)
            case "randomization": result = try PairedTests.randomization(a, b, plan: flips)
            default: return XCTFail("unknown test \(c.test) in the fixture")
            }
            XCTAssertEqual(result.test.rawValue, c.test)
            assertClose(result.p, c.p, tolerance: Self.pTolerance, "\(c.a) vs \(c.b) \(c.metric) \(c.test) p")
            if let aOnly = c.a_only { XCTAssertEqual(result.aOnly, aOnly) }
            if let bOnly = c.b_only { XCTAssertEqual(result.bOnly, bOnly) }
            tested.insert(c.test)
        }
        XCTAssertEqual(tested, Set(PairedTest.allCases.map(\.rawValue)))
        // The fixture holds both marked and unmarked comparisons, so agreement is not trivial.
        XCTAssertTrue(ref.comparisons.contains { $0.p < 0.01 })
        XCTAssertTrue(ref.comparisons.contains { $0.p > 0.2 && $0.p < 1 })
    }

    func testBootstrapIntervalsMatchNumpyPercentile() throws {
        let (ref, p, boot, _) = try load()
        for (key, expected) in ref.intervals {
            let parts = key.split(separator: "/")
            let x = p["\(parts[0])_\(parts[1])"]!
            let ci = try BootstrapInterval.mean(x, plan: boot, level: ref.level)
            assertClose(Descriptive.mean(x), expected.mean, tolerance: Tolerance.float64, "\(key) mean")
            assertClose(ci.lower, expected.lower, tolerance: Self.pTolerance, "\(key) lower")
            assertClose(ci.upper, expected.upper, tolerance: Self.pTolerance, "\(key) upper")
        }
        XCTAssertEqual(ref.intervals.count, 12)
    }

    func testExactBinomialMatchesScipyAtLargeCounts() throws {
        let (ref, _, _, _) = try load()
        XCTAssertGreaterThanOrEqual(ref.binomial.count, 5)
        for c in ref.binomial {
            assertClose(Binomial.twoSidedHalf(c.k, trials: c.m), c.p, tolerance: Self.pTolerance, "binomtest(\(c.k), \(c.m))")
        }
    }

    func testHolmMatchesStatsmodels() throws {
        let (ref, _, _, _) = try load()
        assertClose(Holm.adjust(ref.holm.p), ref.holm.adjusted, tolerance: Self.pTolerance, "Holm")
    }
}
