import ArgumentParser
import Foundation
import RaditExperiments

/// `radit table --from-csv FILE`: re-renders a table saved as CSV (by `radit table`,
/// `radit sweep` or the library) as Markdown, LaTeX, CSV or an HTML page, and draws the
/// layout's figure as SVG.
struct Table: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a saved result table as Markdown, LaTeX (booktabs), CSV or HTML.",
        discussion: """
        Tables from runs and sweeps are saved as CSV with their statistics (n, intervals,
        paired tests); this renders them again without re-running anything. Example:
          radit table --from-csv runs/ablation/grid.csv --format latex --output grid.tex --svg grid.svg
        """)

    @Option(name: .customLong("from-csv"), help: "A table saved as CSV by Radit.")
    var fromCSV: String

    @Option(help: "Output format: \(TableRendering.formats.joined(separator: ", ")).")
    var format: String = "markdown"

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @Option(help: "Also draw the layout's figure (grid, p-curve, recall) as SVG here.")
    var svg: String?

    func run() throws {
        let rendering = TableRendering(csv: URL(fileURLWithPath: fromCSV), format: format,
                                       output: output.map { URL(fileURLWithPath: $0) },
                                       svg: svg.map { URL(fileURLWithPath: $0) })
        if let text = try rendering.run() { print(text, terminator: "") }
        if let output { print("wrote \(output)") }
        if let svg { print("wrote \(svg)") }
    }
}
