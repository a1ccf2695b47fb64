import ArgumentParser
import Foundation
import RaditExperiments

/// `radit report RUN_OR_SWEEP`: one self-contained HTML page.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One self-contained HTML page: tables, plots, resolved configs and digests of runs or a sweep.",
        discussion: """
        Example: radit report runs/ablation  (writes runs/ablation/report.html)
        """)

    @Argument(help: "Run folders, sweep folders or bench retrieval .h5 files.")
    var inputs: [String]

    @Option(help: "The HTML file (default: report.html in the run or sweep folder).")
    var out: String?

    @OptionGroup var statistics: StatisticsOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give a run or sweep folder") }
        if out == nil && inputs.count > 1 { throw ValidationError("--out FILE is required with several inputs") }
    }

    func run() throws {
        let paths = inputs.map { URL(fileURLWithPath: $0) }
        let url = out.map { URL(fileURLWithPath: $0) } ?? ReportWriting.defaultOutput(for: paths[0])
        var writing = ReportWriting(paths: paths, output: url)
        writing.statistics.resamples = statistics.resamples
        writing.statistics.seed = statistics.seed
        let report = try writing.run()
        print("wrote \(url.path) (\(report.tables.count) tables, \(report.plots.count) plots)")
    }
}
