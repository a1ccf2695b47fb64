import Foundation
import RaditEval
import RaditTuning

/// `radit report RUN_OR_SWEEP`: one self-contained HTML page (`HTMLReport`) with the tables
/// the runs can fill (RA-DIT Table 6 per configuration, RAFT Table 1, and for sweeps the
/// grid and the P curve, recall), the figures (both stages' loss curves per run, recall@k
/// per retriever, the top-k × distractors heatmap, the P curve), every resolved config and
/// the digests.
public struct RunReport: Sendable {
    public var collection: RunCollection
    public var statistics: TableStatistics
    /// Runs beyond this many get no loss-curve figure of their own (the page stays readable).
    public var lossCurveLimit = 24

    public init(_ collection: RunCollection, statistics: TableStatistics = TableStatistics()) {
        self.collection = collection
        self.statistics = statistics
    }

    public func build() -> HTMLReport {
        let runs = collection.runs
        var summary: [String] = []
        let datasets = collection.datasets.joined(separator: ", ")
        summary.append("\(runs.count) run\(runs.count == 1 ? "" : "s") (\(runs.map(\.name).joined(separator: ", "))) on \(datasets)"
            + (collection.benches.isEmpty ? "." : "; retrieval benchmarks: \(collection.benches.map(\.file.lastPathComponent).joined(separator: ", ")).") )
        for run in runs {
            let passes = run.passes.map { "\($0.name) (n = \($0.records.count), \($0.mode.rawValue))" }
            summary.append("\(run.name): seed \(run.seed), split \(run.passes.first?.split ?? "?"); passes " + passes.joined(separator: ", ") + ".")
        }
        if !collection.unfinished.isEmpty {
            summary.append("Unfinished, left out: \(collection.unfinished.joined(separator: ", ")).")
        }

        var tables: [ResultTable] = []
        var plots: [HTMLReport.Plot] = []
        func attempt(_ what: String, _ make: () throws -> ResultTable) {
            do { tables.append(try make()) } catch { summary.append("\(what) not drawn: \(error)") }
        }
        let all = PaperTables(collection, statistics: statistics)
        let layouts = all.applicableLayouts
        let labels = collection.labels
        if layouts.contains("radit-table6") {
            for label in labels {
                let group = PaperTables(collection.only(label: label), statistics: statistics)
                guard group.applicableLayouts.contains("radit-table6") else { continue }
                attempt("RA-DIT Table 6 (\(label))") {
                    var t = try group.table("radit-table6")
                    if labels.count > 1 { t.title += " — \(label)" }
                    return t
                }
            }
        }
        for layout in layouts where layout != "radit-table6" {
            attempt("\(layout) table") { try all.table(layout) }
        }
        for t in tables {
            if let svg = PaperPlots.svg(for: t) { plots.append(HTMLReport.Plot(caption: t.title, svg: svg)) }
        }
        for run in runs.prefix(lossCurveLimit) {
            let lm = Self.series(run, "lm_loss"), retriever = Self.series(run, "retriever_loss")
            if lm.isEmpty && retriever.isEmpty {
                if let adopted = Self.adoptedTraining(run) { summary.append(adopted) }
                continue
            }
            plots.append(HTMLReport.Plot(caption: "\(run.name): training loss of both stages by step",
                                         svg: PaperPlots.lossCurves(lm: lm, retriever: retriever).svg()))
        }
        if runs.count > lossCurveLimit {
            summary.append("Loss curves are drawn for the first \(lossCurveLimit) runs of \(runs.count).")
        }
        let configs: [(name: String, text: String)] = runs.map { (name: $0.name, text: Self.configText($0)) }
        let digests: [(name: String, value: String)] = runs.flatMap { run in run.digests.map { (name: "\(run.name): \($0.name)", value: $0.value) } }
            + collection.benches.map { (name: "\($0.file.lastPathComponent): dataset", value: $0.dataset) }
        return HTMLReport(title: "Radit report: \(collection.name)", summary: summary, tables: tables, plots: plots,
                          configs: configs, digests: digests)
    }

    /// For a run that trained 0 steps on adopted components (`*.from_run`, e.g. a sweep cell
    /// evaluating an earlier cell's training), where its training curves are; nil otherwise.
    static func adoptedTraining(_ run: StoredRun) -> String? {
        let adopted = TunedComponent.allCases.compactMap { c -> String? in
            guard let from = run.string(c.fromRunKey), !from.isEmpty else { return nil }
            return "the \(c == .lm ? "LM" : "retriever") of \(from)"
        }
        guard run.int(AnalysisKey.steps) == 0, !adopted.isEmpty else { return nil }
        return "\(run.name) trained nothing itself: it evaluates \(adopted.joined(separator: " and ")) (the training curves are in that run's run.h5)."
    }

    /// A metric series by step, NaN steps (the stage did not run) left out.
    static func series(_ run: StoredRun, _ name: String) -> [(step: Int, loss: Double)] {
        guard let steps = run.metrics["step"], let values = run.metrics[name] else { return [] }
        return zip(steps, values).compactMap { s, v in v.isNaN || s.isNaN ? nil : (Int(s), v) }
    }

    /// The resolved config as `[section]` blocks of `key = value`, the cell's overrides first.
    static func configText(_ run: StoredRun) -> String {
        var lines: [String] = []
        if let sweep = run.sweep, let c = run.cell {
            lines.append("# sweep \(sweep), cell \(c.name)" + (c.variant.map { ", variant \($0)" } ?? ""))
            for s in c.settings.sorted(by: { $0.key < $1.key }) { lines.append("# set \(s.key) = \(s.value)") }
        }
        var section = ""
        for key in run.config.keys.sorted() {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] != section {
                section = parts[0]
                lines.append("[\(section)]")
            }
            lines.append("\(parts[1]) = \(run.config[key]!)")
        }
        return lines.joined(separator: "\n")
    }
}
