import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RaditEval
import RaditTestSupport
import XCTest

final class PlotAndReportTests: XCTestCase {
    static func lossFigure() -> Figure {
        PaperPlots.lossCurves(lm: (0..<50).map { ($0, 3.0 * exp(-Double($0) / 20) + 0.5) },
                              retriever: (0..<50).map { ($0, 0.8 * exp(-Double($0) / 10) + 0.1) })
    }

    static func plots() throws -> [(String, String)] {
        let tables = try TableTests.allLayouts()
        return [
            ("loss", lossFigure().svg()),
            ("recall lines", PaperPlots.recallAtK(tables[4]).svg()),
            ("recall bars", PaperPlots.recallBars(tables[4]).svg()),
            ("heatmap", PaperPlots.heatmap(tables[2]).svg()),
            ("p-curve", PaperPlots.pCurve(tables[3]).svg()),
        ]
    }

    func testEverySVGIsWellFormedWithLabelsAndLegend() throws {
        let expected: [String: [String]] = [
            "loss": ["LM-ft training loss", "R-ft training loss", "step", "answer NLL (nats/token)", "LM-ft", "R-ft"],
            "recall lines": ["R@k by retriever", "k (retrieved chunks)", "R@k (%)", "BM25", "base dense", "R-ft dense"],
            "recall bars": ["R@1", "nDCG@10", "MRR@10", "BM25", "R-ft dense"],
            "heatmap": ["test top-k", "train distractors", "top-1", "top-5"],
            "p-curve": ["P (share of training instances with the oracle)", "score (%)", "SynthKB EM", "SynthKB F1"],
        ]
        // RADIT_KEEP_PLOTS=DIR keeps the SVGs and the report for a look (rsvg-convert, a browser).
        let keep = ProcessInfo.processInfo.environment["RADIT_KEEP_PLOTS"].map { URL(fileURLWithPath: $0) }
        for (name, svg) in try Self.plots() {
            if let dir = keep {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try svg.write(to: dir.appendingPathComponent(name.replacingOccurrences(of: " ", with: "-") + ".svg"),
                              atomically: true, encoding: .utf8)
                try Self.report().write(to: dir.appendingPathComponent("report.html"))
            }
            let xml = XMLCollector.parse(svg)
            XCTAssertEqual(xml.elements.first, "svg", name)
            XCTAssertTrue(xml.elements.contains("text"), name)
            XCTAssertTrue(xml.text.contains("legend"), "\(name) has a legend")
            for label in expected[name]! {
                XCTAssertTrue(xml.text.contains(label), "\(name) lacks '\(label)'")
            }
        }
    }

    func testErrorBarsAndTicksAreDrawn() throws {
        let chart = PaperPlots.pCurve(try TableTests.allLayouts()[3])
        XCTAssertTrue(chart.series.allSatisfy { $0.points.allSatisfy { $0.lower != nil && $0.upper != nil } })
        let xml = XMLCollector.parse(chart.svg())
        // Per point: a vertical bar and two caps, plus axis and grid lines.
        XCTAssertGreaterThan(xml.elements.filter { $0 == "line" }.count, 3 * 8)
        XCTAssertTrue(xml.text.contains("0.4") || xml.text.contains("0.5"), "x tick labels")
    }

    func testTextIsEscaped() {
        let chart = LineChart(title: "a < b & \"c\"", xLabel: "x'", yLabel: "y>", series: [
            PlotSeries(name: "<script>", points: [PlotPoint(x: 1, y: 2), PlotPoint(x: 2, y: 3)]),
        ])
        let xml = XMLCollector.parse(chart.svg())
        XCTAssertTrue(xml.text.contains("a < b & \"c\""))
        XCTAssertTrue(xml.text.contains("<script>"))
        XCTAssertFalse(xml.elements.contains("script"))
    }

    func testAxisTicksAreNiceAndCoverTheData() {
        let a = Axis(covering: [0.13, 0.87])
        XCTAssertEqual(a.ticks.first!, 0, accuracy: 1e-12)
        XCTAssertEqual(a.ticks.last!, 1, accuracy: 1e-12)
        XCTAssertEqual(a.ticks.count, 6)
        let log = Axis(covering: [1, 5, 20, 100], scale: .log10)
        XCTAssertEqual(log.ticks, [1, 10, 100])
        XCTAssertEqual(log.label(100), "100")
    }

    static func report() throws -> HTMLReport {
        let tables = try TableTests.allLayouts()
        return HTMLReport(
            title: "Radit report: quickstart <sweep>",
            summary: ["3 cells × 2 seeds on SynthKB (n = 200 test questions)."],
            tables: tables,
            plots: try plots().map { HTMLReport.Plot(caption: $0.0, svg: $0.1) },
            configs: [(name: "cell d=2,k=3", text: "[train]\nraft_p = 0.8 # a < b && c\n")],
            digests: [(name: "data", value: "sha256:ab12"), (name: "git commit", value: "0123abc")])
    }

    func testReportIsSelfContainedWellFormedAndHasEverySection() throws {
        let html = try Self.report().render()
        let xml = XMLCollector.parse(html)
        XCTAssertEqual(xml.elements.first, "html")
        let ids = Set(xml.attributes.compactMap { $0["id"] })
        for section in HTMLReport.sections { XCTAssertTrue(ids.contains(section), "section \(section)") }
        XCTAssertEqual(xml.elements.filter { $0 == "svg" }.count, 5)
        XCTAssertEqual(xml.elements.filter { $0 == "table" }.count, 5 + 1)
        XCTAssertTrue(xml.text.contains("raft_p = 0.8 # a < b && c"), "config shown verbatim")
        XCTAssertTrue(xml.text.contains("sha256:ab12"))
        XCTAssertTrue(xml.text.contains("percentile bootstrap"), "table footnotes")
        // Nothing to fetch: no scripts, stylesheets, images or remote links.
        for tag in ["script", "link", "img", "iframe"] { XCTAssertFalse(xml.elements.contains(tag), tag) }
        let refs = xml.attributes.flatMap { $0.filter { $0.key == "href" || $0.key == "src" }.map(\.value) }
        XCTAssertTrue(refs.allSatisfy { $0.hasPrefix("#") }, "\(refs)")
        XCTAssertFalse(html.contains("url("))
        let url = Fixtures.temporaryDirectory("report").appendingPathComponent("report.html")
        try Self.report().write(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), html)
    }
}
