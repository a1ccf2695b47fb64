import Foundation
import RaditEval
import RaditTestSupport
import XCTest

/// `radit table --from-csv`, run as a user would (the child-process helpers of InspectTests).
extension InspectTests {
    /// A grid table (train distractors × test top-k) with intervals, as a sweep saves it.
    static func gridTable() -> ResultTable {
        let layout = TableLayout.grid(trainDistractors: [0, 2], testTopK: [1, 5])
        let rows = layout.rows.enumerated().map { r, row in
            TableRow(key: row.key, labels: row.labels, cells: layout.columns.indices.map { c in
                let v = 0.3 + 0.1 * Double(r) + 0.05 * Double(c)
                return TableCell(value: v, n: 200, interval: ConfidenceInterval(lower: v - 0.06, upper: v + 0.06, level: 0.95))
            })
        }
        return ResultTable(title: layout.title, layout: layout.name, stubHeaders: layout.stubHeaders, columns: layout.columns,
                           rows: rows, notes: ["n = 200 questions per cell."])
    }

    func testTableRendersASavedCSVAndDrawsItsFigure() throws {
        let csv = directory.appendingPathComponent("grid.csv")
        try CSVTable.write(Self.gridTable(), to: csv)
        let tex = directory.appendingPathComponent("grid.tex"), svg = directory.appendingPathComponent("grid.svg")
        let result = try run(["table", "--from-csv", csv.path, "--format", "latex", "--output", tex.path, "--svg", svg.path])
        XCTAssertEqual(result.status, 0, result.error)
        let latex = try String(contentsOf: tex, encoding: .utf8)
        XCTAssertEqual(latex, LaTeXTable.render(try CSVTable.read(csv)))
        XCTAssertTrue(latex.contains("\\toprule") && latex.contains("n = 200 questions per cell."))
        XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).contains("test top-k"))
        let markdown = try run(["table", "--from-csv", csv.path])
        XCTAssertEqual(markdown.status, 0, markdown.error)
        XCTAssertTrue(markdown.output.contains("| train distractors | test top-k top-1 | test top-k top-5 |"), markdown.output)
    }

    func testTableRefusesAnUnknownFormatAndABadFile() throws {
        let csv = directory.appendingPathComponent("grid.csv")
        try CSVTable.write(Self.gridTable(), to: csv)
        let bad = try run(["table", "--from-csv", csv.path, "--format", "docx"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.error.contains("markdown, latex, csv, html"), bad.error)
        let notCSV = directory.appendingPathComponent("x.csv")
        try "hello\n".write(to: notCSV, atomically: true, encoding: .utf8)
        let missing = try run(["table", "--from-csv", notCSV.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.error.contains("x.csv:1"), missing.error)
    }
}
