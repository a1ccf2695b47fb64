import Foundation
import RaditEval
import RaditTensor
import RaditTestSupport
import XCTest

final class TableTests: XCTestCase {
    /// Seeded synthetic per-question scores: `skill` sets the EM rate; F1 ≥ EM.
    static func scores(_ metric: String, skill: Double, n: Int, seed: UInt64) -> QuestionScores {
        var rng = RandomSource(seed: seed, key: "\(metric)")
        var values: [Double] = []
        for q in 0..<n {
            let right = rng.uniform() < skill * (1.1 - Double(q % 10) / 10)
            values.append(metric == "EM" || metric.hasPrefix("R@") ? (right ? 1 : 0) : (right ? 1 : Double(rng.int(below: 5)) / 6))
        }
        return QuestionScores(ids: (0..<n).map { "q\($0)" }, values: values)
    }

    static let skills: [String: Double] = ["base": 0.05, "base+RAG": 0.45, "DSF": 0.15, "DSF+RAG": 0.5, "RAFT": 0.75]

    static func raftTable(seeds: Int = 1) throws -> ResultTable {
        let layout = TableLayout.raftTable1(datasets: ["SynthKB", "HotpotQA"])
        let stats = TableStatistics(resamples: 500, seed: 3)
        var plans = ResamplingPlans(resamples: 500, seed: 3, generator: RandomSource.init(seed:))
        return try TableBuilder.build(layout, statistics: stats, plans: &plans) { row, column in
            guard let skill = skills[row.key] else { return nil } // RA-DIT not run: an empty cell
            let n = column.key.hasPrefix("SynthKB") ? 200 : 100
            return try SeededScores((0..<seeds).map {
                scores(column.metric, skill: skill, n: n, seed: UInt64($0) &* 1000 &+ UInt64(row.key.count))
            })
        }
    }

    func testRaftTable1MarksTheRealGainsAndStatesItsMethods() throws {
        let t = try Self.raftTable()
        XCTAssertEqual(t.rows.map(\.key), TableLayout.raftTable1Rows)
        XCTAssertEqual(t.columns.map(\.key), ["SynthKB/EM", "SynthKB/F1", "HotpotQA/EM", "HotpotQA/F1"])
        let raft = try XCTUnwrap(t.cell("RAFT", "SynthKB/EM"))
        XCTAssertEqual(raft.n, 200)
        XCTAssertEqual(raft.comparison?.test, .mcnemarExact)
        XCTAssertEqual(raft.comparison?.significant, true)
        XCTAssertEqual(t.cell("RAFT", "SynthKB/F1")?.comparison?.test, .randomization)
        XCTAssertNil(t.cell("base+RAG", "SynthKB/EM")?.comparison, "the baseline is not compared with itself")
        XCTAssertNil(t.cell("RA-DIT", "SynthKB/EM"), "a configuration not run stays empty")
        // base+RAG vs DSF+RAG are close (0.45 vs 0.5): no mark expected on HotpotQA's 100.
        XCTAssertEqual(t.cell("DSF+RAG", "HotpotQA/EM")?.comparison?.significant, false)
        // Holm: adjusted ≥ raw, 16 comparisons (4 rows × 4 columns).
        let comparisons = t.rows.flatMap { $0.cells.compactMap { $0?.comparison } }
        XCTAssertEqual(comparisons.count, 16)
        XCTAssertTrue(comparisons.allSatisfy { $0.adjustedP >= $0.p })
        let notes = t.notes.joined(separator: "\n")
        XCTAssertTrue(notes.contains("n = 100–200 questions per cell"), notes)
        XCTAssertTrue(notes.contains("95 % percentile bootstrap interval over questions (R = 500 resamples, seed 3)"), notes)
        XCTAssertTrue(notes.contains("exact McNemar"), notes)
        XCTAssertTrue(notes.contains("approximate randomization"), notes)
        XCTAssertTrue(notes.contains("Holm"), notes)
    }

    func testSeveralSeedsGiveStdAndUseRandomizationForEM() throws {
        let t = try Self.raftTable(seeds: 2)
        let c = try XCTUnwrap(t.cell("RAFT", "SynthKB/EM"))
        XCTAssertEqual(c.seeds, 2)
        XCTAssertNotNil(c.standardDeviation)
        XCTAssertEqual(c.comparison?.test, .randomization)
        XCTAssertTrue(t.notes.joined().contains("mean over 2 training seeds"))
    }

    func testCSVReloadsToTheSameTable() throws {
        for t in [try Self.raftTable(), try Self.raftTable(seeds: 2), try Self.allLayouts()[1]] {
            let csv = CSVTable.render(t)
            XCTAssertEqual(try CSVTable.parse(csv, source: "t.csv"), t)
            let url = Fixtures.temporaryDirectory("csv").appendingPathComponent("t.csv")
            try CSVTable.write(t, to: url)
            XCTAssertEqual(try CSVTable.read(url), t)
        }
        // Labels with commas and quotes survive.
        var odd = try Self.raftTable()
        odd.rows[0].labels = ["base, \"closed\" book"]
        odd.title = "a, b"
        XCTAssertEqual(try CSVTable.parse(CSVTable.render(odd), source: "t.csv"), odd)
        XCTAssertThrowsError(try CSVTable.parse("row,x\n", source: "bad.csv")) { e in
            XCTAssertTrue("\(e)".contains("bad.csv:1"))
        }
    }

    func testLaTeXIsBalancedBooktabsAndEscaped() throws {
        var t = try Self.raftTable(seeds: 2)
        t.title = "Results & ablations: 100% of {P} #1 ~ x_y"
        for layout in [t] + (try Self.allLayouts()) {
            let tex = LaTeXTable.render(layout)
            XCTAssertTrue(tex.contains("\\toprule") && tex.contains("\\midrule") && tex.contains("\\bottomrule"))
            XCTAssertEqual(LaTeXCheck.braceBalance(tex), 0, tex)
            XCTAssertEqual(tex.filter { $0 == "$" }.count % 2, 0, "math shifts pair up")
            XCTAssertEqual(tex.components(separatedBy: "\\begin{").count, tex.components(separatedBy: "\\end{").count)
            // Every row has as many cells as the column spec.
            let spec = layout.stubHeaders.count + layout.columns.count
            for row in tex.split(separator: "\n") where row.hasSuffix("\\\\") && !row.contains("multicolumn") {
                XCTAssertEqual(LaTeXCheck.unescapedAmpersands(String(row)) + 1, spec, String(row))
            }
        }
        let tex = LaTeXTable.render(t)
        XCTAssertTrue(tex.contains("Results \\& ablations: 100\\% of \\{P\\} \\#1 \\textasciitilde{} x\\_y"), tex)
        XCTAssertTrue(tex.contains("\\multicolumn{2}{c}{SynthKB}"))
        XCTAssertTrue(tex.contains("\\cmidrule(lr){2-3}"))
    }

    func testMarkdownShowsIntervalsMarksAndFootnote() throws {
        let md = MarkdownTable.render(try Self.raftTable())
        XCTAssertTrue(md.contains("| method | SynthKB EM | SynthKB F1 | HotpotQA EM | HotpotQA F1 |"), md)
        let raftLine = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix("| RAFT |") })
        XCTAssertTrue(raftLine.contains("†"), String(raftLine))
        XCTAssertTrue(raftLine.contains("["), String(raftLine))
        XCTAssertTrue(md.contains("| RA-DIT | – | – | – | – |"), md)
        XCTAssertTrue(md.contains("- n = 100–200 questions per cell"), md)
    }

    func testRaditTable6ShowsRelativeGains() throws {
        let t = try Self.allLayouts()[1]
        XCTAssertEqual(t.stubHeaders, ["LM", "retriever"])
        XCTAssertEqual(t.rows.map(\.labels), [["base", "base"], ["LM-ft", "base"], ["base", "R-ft"], ["LM-ft", "R-ft"]])
        let md = MarkdownTable.render(t)
        XCTAssertTrue(md.contains(" %)"), md)
        XCTAssertTrue(md.contains("relative gain"), md)
    }

    /// One table of each layout from synthetic scores.
    static func allLayouts() throws -> [ResultTable] {
        let layouts = [
            TableLayout.raftTable1(datasets: ["SynthKB"]),
            TableLayout.raditTable6(datasets: ["SynthKB"]),
            TableLayout.grid(trainDistractors: [0, 2, 4], testTopK: [1, 3, 5], baseline: 0),
            TableLayout.pCurve(oracleShares: [0, 0.4, 0.8, 1], datasets: ["SynthKB"], metrics: [.exactMatch, .f1]),
            TableLayout.recall(retrievers: ["BM25", "base dense", "R-ft dense"],
                               metrics: [.goldRecallAny(1), .goldRecallAny(5), .goldRecallAny(20), .ndcg(10), .mrr(10)]),
        ]
        XCTAssertEqual(layouts.map(\.name), TableLayout.names)
        return try layouts.map { layout in
            var plans = ResamplingPlans(resamples: 300, seed: 0, generator: RandomSource.init(seed:))
            return try TableBuilder.build(layout, statistics: TableStatistics(resamples: 300), plans: &plans) { row, column in
                let skill = 0.2 + 0.15 * Double(layout.rows.firstIndex(of: row)!)
                return try SeededScores([scores(column.metric, skill: skill, n: 120, seed: 7)])
            }
        }
    }

    func testEveryLayoutRendersInEveryFormat() throws {
        for t in try Self.allLayouts() {
            for text in [MarkdownTable.render(t), LaTeXTable.render(t), CSVTable.render(t)] {
                XCTAssertTrue(text.contains("n = 120"), "\(t.layout): \(text)")
                XCTAssertTrue(text.contains("percentile bootstrap"), t.layout)
            }
            if t.baseline != nil { XCTAssertTrue(t.notes.joined().contains("Holm"), t.layout) }
        }
    }

    func testUnknownBaselineIsAnError() {
        var layout = TableLayout.recall(retrievers: ["BM25"])
        layout.baseline = "nope"
        var plans = ResamplingPlans(resamples: 10, seed: 0, generator: RandomSource.init(seed:))
        XCTAssertThrowsError(try TableBuilder.build(layout, statistics: TableStatistics(resamples: 10), plans: &plans) { _, _ in nil }) { e in
            XCTAssertTrue("\(e)".contains("'nope'"))
        }
    }
}
