import ArgumentParser
import Foundation
import RaditData
import RaditEval

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

    @Option(help: "Output format: \(TableFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = TableFormat.markdown.rawValue

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @Option(help: "Also draw the layout's figure (grid, p-curve, recall) as SVG here.")
    var svg: String?

    func run() throws {
        guard let f = TableFormat(rawValue: format) else {
            throw ValidationError("--format \(format) is not one of \(TableFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let table = try CSVTable.read(URL(fileURLWithPath: fromCSV))
        let text = f.render(table)
        if let output {
            try AtomicFile.write(text, to: URL(fileURLWithPath: output))
            print("wrote \(output)")
        } else {
            print(text, terminator: "")
        }
        if let svg {
            guard let figure = PaperPlots.svg(for: table) else {
                throw ValidationError("layout '\(table.layout)' has no figure; --svg draws grid, p-curve and recall tables")
            }
            try AtomicFile.write(figure, to: URL(fileURLWithPath: svg))
            print("wrote \(svg)")
        }
    }
}
