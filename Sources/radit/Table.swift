import ArgumentParser
import Foundation
import RaditExperiments

/// `radit table RUNS_OR_SWEEP --layout …`: a paper-style table from runs' per-example
/// records, with n, intervals and paired tests; or `--from-csv FILE` to re-render a saved one.
struct Table: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Paper-style tables from runs and sweeps (or a saved CSV) as Markdown, LaTeX (booktabs), CSV or HTML.",
        discussion: """
        Reads run folders, sweep folders (each subfolder with run.h5 is a cell) and `radit bench \
        retrieval` .h5 files. Each cell: mean over seeds (± std), n, a 95 % bootstrap interval over \
        questions, and a paired test against the baseline row (exact McNemar for EM, approximate \
        randomization for F1, recall and several seeds), Holm-corrected; the footnote says which.
        Layouts: raft-table1, radit-table6, grid (train distractors × test top-k), p-curve, recall.

        Examples:
          radit table runs/quickstart --layout radit-table6
          radit table runs/ablation --layout grid --format latex --output grid.tex --svg grid.svg
          radit table --from-csv runs/ablation/grid.csv --format latex
        """)

    @Argument(help: "Run folders, sweep folders or bench retrieval .h5 files.")
    var inputs: [String] = []

    @Option(help: "Layout: raft-table1, radit-table6, grid, p-curve, recall.")
    var layout: String?

    @Option(help: "Row to compare against (key or label; default: the layout's own).")
    var baseline: String?

    @Option(name: .customLong("from-csv"), help: "A table saved as CSV by Radit, rendered again.")
    var fromCSV: String?

    @Option(help: "Output format: md, \(TableRendering.formats.joined(separator: ", ")).")
    var format: String = "markdown"

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @Option(help: "Also draw the layout's figure (grid, p-curve, recall) as SVG here.")
    var svg: String?

    @OptionGroup var statistics: StatisticsOptions

    func validate() throws {
        if fromCSV != nil && !inputs.isEmpty { throw ValidationError("give runs or --from-csv, not both") }
        if fromCSV == nil && inputs.isEmpty { throw ValidationError("give run or sweep folders (with --layout), or --from-csv FILE") }
        if !inputs.isEmpty && layout == nil { throw ValidationError("--layout is required with runs: raft-table1, radit-table6, grid, p-curve, recall") }
    }

    func run() throws {
        let source: TableRendering.Source = fromCSV.map { .csv(URL(fileURLWithPath: $0)) }
            ?? .runs(inputs.map { URL(fileURLWithPath: $0) }, layout: layout!, baseline: baseline)
        var rendering = TableRendering(source: source, format: format, output: output.map { URL(fileURLWithPath: $0) },
                                       svg: svg.map { URL(fileURLWithPath: $0) })
        rendering.statistics.resamples = statistics.resamples
        rendering.statistics.seed = statistics.seed
        if let text = try rendering.run() { print(text, terminator: "") }
        if let output { print("wrote \(output)") }
        if let svg { print("wrote \(svg)") }
    }
}
