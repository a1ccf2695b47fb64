import ArgumentParser
import Foundation
import RaditExperiments

/// `radit sweep CONFIG`: the cells of the config's [sweep] (grid × variants), in order.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every cell of a config's [sweep] (grid × variants) into runs/<sweep>/<cell>/.",
        discussion: """
            [sweep] holds grid = { "section.key" = [values], … } and/or [[sweep.variant]] tables \
            (name = "…", set = { "section.key" = value }); the cells are variants × grid. Each cell \
            folder is a normal run (run.h5, checkpoints) with cell.json; runs/<sweep>/sweep.json \
            lists the cells. Run the same command again after a stop or a kill: finished cells are \
            skipped, an unfinished one resumes from its checkpoint. Cells share corpus embeddings, \
            the LSR score cache and the evaluation passes of untrained models; a cell that differs \
            from an earlier one only in [eval] keys is not trained again: it runs 0 steps with \
            lm.from_run and retriever.from_run set to that cell's folder (recorded in its run.h5).
            """)

    @Argument(help: "Experiment config (TOML) with a [sweep] section.")
    var config: String

    @Option(name: .customLong("set"), help: "Override a key of every cell, e.g. --set train.steps=20 (repeatable).")
    var overrides: [String] = []

    @Option(help: "Sweep name (default: [sweep] name, else the config file's name).")
    var name: String?

    @Option(help: "Folder holding runs.")
    var runsDir = "runs"

    @Flag(help: "List the cells, their state and an estimated time, then stop.")
    var dryRun = false

    @Flag(help: "Re-run every cell from scratch, replacing finished and unfinished runs in its folder.")
    var overwrite = false

    func run() throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var c = try ExperimentConfig.load(URL(fileURLWithPath: config))
        try c.apply(overrides: overrides)
        let sweep = try RaditExperiments.Sweep(config: c, overrides: overrides, name: name,
                                               runsDirectory: URL(fileURLWithPath: runsDir))
        if dryRun {
            try sweep.validate(root: root, checkFiles: false)
            let estimate = try SweepEstimate.make(sweep, root: root)
            print("sweep \(sweep.name): \(sweep.cells.count) cells into \(sweep.directory.path)/")
            for row in estimate.rows {
                let time = row.state == .finished ? "finished" : String(format: "~%.0f s%@", row.seconds, row.state == .partial ? " (resumes)" : "")
                let reuse = row.trainingFrom.map { "  (not trained: evaluates the trained models of \($0.name))" } ?? ""
                print("  \(row.cell.name)  [\(row.cell.overrides.joined(separator: " "))]  \(time)\(reuse)")
            }
            print(String(format: "estimated total: ~%.0f s (%.1f h); %@", estimate.totalSeconds, estimate.totalSeconds / 3600, estimate.basis))
            print("config ok (model files not checked in --dry-run)")
            return
        }
        StopSignals.install()
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let backend = NativeBackend(runsDirectory: sweep.runsDirectory)
        let report = try sweep.execute(backend: backend, root: root, overwrite: overwrite,
                                       progress: StopSignals.wrap(progress.handle))
        progress.finish()
        print(report.summary)
        if report.stopped {
            print("stopped; continue with the same command: radit sweep \(config)" + (name.map { " --name \($0)" } ?? ""))
            if let status = StopSignals.exitStatus { throw ExitCode(status) }
            return
        }
        print("results in \(sweep.directory.path)/<cell>/run.h5; cells listed in \(sweep.directory.path)/sweep.json")
    }
}
