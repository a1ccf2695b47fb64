import Foundation
import RaditBase

/// `radit sweep CONFIG`: the cells of a config's `[sweep]` run in order into
/// `runs/<sweep>/<cell>/`, each a normal run folder (run.h5, checkpoints, …) plus `cell.json`,
/// with `sweep.json` beside them. A finished cell is never run again; a cell whose run was
/// stopped or killed resumes from its last checkpoint; cells share the embedding cache of the
/// runs folder, one LSR score cache and the evaluation passes of untrained models.
public final class Sweep {
    public let name: String
    /// `runs/<sweep>/`.
    public let directory: URL
    /// The folder holding runs (its `.cache/embeddings` is shared with `radit run`).
    public let runsDirectory: URL
    /// The sweep file with `--set` applied (its `sweep` holds the plan).
    public let config: ExperimentConfig
    /// `--set` overrides of the whole sweep, stored in every cell's run before its own.
    public let overrides: [String]
    public let plan: SweepPlan
    public let cells: [SweepCell]

    var manifestFile: URL { directory.appendingPathComponent("sweep.json") }
    var scoreCacheFile: URL { directory.appendingPathComponent("lsr-cache.h5") }

    /// A sweep of `config` (loaded, `overrides` applied); `name` overrides `[sweep] name`
    /// and the file's name.
    public init(config: ExperimentConfig, overrides: [String] = [], name: String? = nil, runsDirectory: URL) throws {
        guard let plan = config.sweep else { throw SweepError.noSweep(file: config.file) }
        let fileName = URL(fileURLWithPath: config.file).deletingPathExtension().lastPathComponent
        self.name = SweepPlan.pathSafe(name ?? plan.name ?? fileName)
        self.runsDirectory = runsDirectory
        directory = runsDirectory.appendingPathComponent(self.name)
        self.config = config
        self.overrides = overrides
        self.plan = plan
        cells = plan.cells()
    }

    public func cellDirectory(_ cell: SweepCell) -> URL { directory.appendingPathComponent(cell.name) }

    /// Everything a cell's run stores as its overrides: the sweep's, then the cell's.
    public func runOverrides(_ cell: SweepCell) -> [String] { overrides + cell.overrides }

    /// The cell's config: the sweep file without its grid, the cell's settings applied as
    /// `--set` would apply them.
    public func cellConfig(_ cell: SweepCell) throws -> ExperimentConfig {
        var c = config
        c.sweep = nil
        do { try c.apply(overrides: cell.overrides) } catch let e as RaditError {
            throw SweepError.cellConfig(cell: cell.name, reason: e.message)
        }
        return c
    }

    /// Checks every cell's config before any cell runs, naming the cell.
    public func validate(root: URL, checkFiles: Bool = true) throws {
        for cell in cells {
            let c = try cellConfig(cell)
            do { try c.validate(root: root, checkFiles: checkFiles) } catch let e as RaditError {
                throw SweepError.cellConfig(cell: cell.name, reason: e.message)
            }
        }
    }

    /// Where a cell stands on disk.
    public func state(of cell: SweepCell, root: URL) throws -> SweepCellState {
        let dir = cellDirectory(cell)
        let runFile = dir.appendingPathComponent("run.h5")
        guard FileManager.default.fileExists(atPath: runFile.path) else { return .new }
        // A folder is this cell's only if it holds the same resolved config.
        let stored = try RunFile.readConfig(runFile)
        var c = try ExperimentConfig.parse(stored.text, file: stored.source)
        c.sweep = nil
        try c.apply(overrides: stored.overrides)
        let expected = try cellConfig(cell).resolvedJSON()
        guard c.resolvedJSON() == expected else {
            throw SweepError.staleCell(cell: cell.name, directory: dir.path)
        }
        return RunFile.isComplete(dir) ? .finished : .partial
    }

    /// Runs the cells in order. Returns when all are finished or when `progress` answered
    /// `.stop` (the current cell writes a checkpoint; the same call later resumes it).
    /// `overwrite` re-runs every cell from scratch, replacing what its folder held.
    public func execute(backend: ExperimentBackend, root: URL, overwrite: Bool = false,
                        progress: ProgressHandler = silentProgress) throws -> SweepReport {
        try validate(root: root)
        let lock = try RunLock(directory: directory)
        defer { lock.release() }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sharing = try SweepSharing(scoreCacheFile: scoreCacheFile)
        var report = SweepReport(name: name, directory: directory, cells: cells)
        try SweepManifest.write(self, report: report, status: "running")
        for (i, cell) in cells.enumerated() {
            if progress(ProgressEvent(stage: .sweep, done: i, total: cells.count, unit: .cells)) == .stop {
                report.stopped = true
                break
            }
            let dir = cellDirectory(cell)
            let state = try overwrite ? SweepCellState.new : self.state(of: cell, root: root)
            if state == .finished {
                report.outcomes[i] = .skipped
                try SweepManifest.writeCell(self, cell)
                continue
            }
            let run: ExperimentRun
            if state == .partial {
                run = try ExperimentRun(resume: dir, root: root)
            } else {
                run = try ExperimentRun(create: dir, config: try cellConfig(cell), overrides: runOverrides(cell), root: root,
                                        replacing: overwrite)
            }
            run.sharing = sharing
            report.outcomes[i] = .running
            let results: RunResults?
            do {
                results = try run.execute(backend: backend, root: root, progress: { e in
                    sharing.observe(e)
                    return progress(e)
                })
                try sharing.finishCell()
            } catch {
                try? sharing.finishCell()
                report.outcomes[i] = .failed
                report.reuse = sharing.reuse
                try? SweepManifest.write(self, report: report, status: "failed")
                let reason = (error as? RaditError)?.message ?? "\(error)"
                throw SweepError.cellFailed(cell: cell.name, directory: dir.path, reason: reason)
            }
            if FileManager.default.fileExists(atPath: dir.path) { try SweepManifest.writeCell(self, cell) }
            report.reuse = sharing.reuse
            guard results != nil else {
                report.outcomes[i] = .stopped
                report.stopped = true
                break
            }
            report.outcomes[i] = state == .partial ? .resumed : .ran
            try SweepManifest.write(self, report: report, status: "running")
        }
        report.reuse = sharing.reuse
        if !report.stopped {
            _ = progress(ProgressEvent(stage: .sweep, done: cells.count, total: cells.count, unit: .cells))
        }
        try SweepManifest.write(self, report: report, status: report.stopped ? "stopped" : "complete")
        return report
    }
}

/// A cell's folder: empty or absent, holding an unfinished run (stopped or killed), or
/// holding the finished run.
public enum SweepCellState: String, Sendable {
    case new
    case partial
    case finished
}

/// What happened to a cell in one `execute`.
public enum SweepCellOutcome: String, Sendable {
    /// Not reached (the sweep stopped before it).
    case pending
    case running
    /// Run from the start.
    case ran
    /// Already finished: not run again.
    case skipped = "skipped_finished"
    /// An unfinished run continued from its last checkpoint.
    case resumed
    /// Stopped on request; the next `execute` resumes it.
    case stopped
    case failed
}

/// The outcome of `Sweep.execute`: each cell's outcome in order, the counts, and the reuse.
public struct SweepReport: Sendable {
    public var name: String
    public var directory: URL
    public var cells: [SweepCell]
    public var outcomes: [SweepCellOutcome]
    public var stopped = false
    public var reuse = SweepReuse()

    init(name: String, directory: URL, cells: [SweepCell]) {
        self.name = name
        self.directory = directory
        self.cells = cells
        outcomes = Array(repeating: .pending, count: cells.count)
    }

    public var ran: Int { outcomes.filter { $0 == .ran }.count }
    public var skipped: Int { outcomes.filter { $0 == .skipped }.count }
    public var resumed: Int { outcomes.filter { $0 == .resumed }.count }

    /// One line: the counts and the reuse.
    public var summary: String {
        "\(cells.count) cells: \(ran) run, \(skipped) skipped as finished, \(resumed) resumed mid-run"
            + (stopped ? ", stopped before the end" : "")
            + "; reused: corpus embeddings \(reuse.embeddings)×, LSR scores \(reuse.lsrPairs) pairs, untrained-model evaluation passes \(reuse.evaluationPasses)"
    }
}
