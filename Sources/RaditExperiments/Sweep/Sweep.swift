import Foundation
import RaditBase
import RaditTuning

/// `radit sweep CONFIG`: the cells of a config's `[sweep]` run in order into
/// `runs/<sweep>/<cell>/`, each a normal run folder (run.h5, checkpoints, …) plus `cell.json`,
/// with `sweep.json` beside them. A finished cell is never run again; a cell whose run was
/// stopped or killed resumes from its last checkpoint; cells share the embedding cache of the
/// runs folder, one LSR score cache, evaluation passes of equal content, and training:
/// a cell whose `TrainingKey` equals an earlier cell's (they differ only in `[eval]` keys)
/// evaluates that cell's trained LM and retriever instead of training again.
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
    /// For each cell, the index of the earlier cell whose training it reuses as planned: the
    /// first cell with the same `TrainingKey`, when that cell trains at least one step.
    let trainingSources: [Int?]

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
        var first: [TrainingKey: Int] = [:]
        var sources: [Int?] = []
        for (i, cell) in cells.enumerated() {
            // A cell whose settings the rules refuse trains nothing; `validate` names it.
            guard let c = try? Self.cellConfig(config, cell), c.int(AnalysisKey.steps) > 0 else {
                sources.append(nil)
                continue
            }
            let key = TrainingKey(c)
            sources.append(first[key])
            if first[key] == nil { first[key] = i }
        }
        trainingSources = sources
    }

    public func cellDirectory(_ cell: SweepCell) -> URL { directory.appendingPathComponent(cell.name) }

    /// Everything a cell's run stores as its overrides: the sweep's, then the cell's.
    public func runOverrides(_ cell: SweepCell) -> [String] { overrides + cell.overrides }

    /// The cell's config: the sweep file without its grid, the cell's settings applied as
    /// `--set` would apply them.
    public func cellConfig(_ cell: SweepCell) throws -> ExperimentConfig {
        try Self.cellConfig(config, cell)
    }

    static func cellConfig(_ config: ExperimentConfig, _ cell: SweepCell) throws -> ExperimentConfig {
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
        try stored(cell, root: root).state
    }

    /// Where a cell stands on disk, and the earlier cell whose training its run reuses (nil
    /// for a run that trains, or trained, itself).
    func stored(_ cell: SweepCell, root: URL) throws -> (state: SweepCellState, trainingFrom: SweepCell?) {
        let dir = cellDirectory(cell)
        let runFile = dir.appendingPathComponent("run.h5")
        guard FileManager.default.fileExists(atPath: runFile.path) else { return (.new, nil) }
        // A folder is this cell's only if it holds the same resolved config, or that config
        // evaluating the planned source cell's training (the source found where the stored
        // *.from_run points, written relative to the root or absolute).
        let stored = try RunFile.readConfig(runFile)
        var c = try ExperimentConfig.parse(stored.text, file: stored.source)
        c.sweep = nil
        try c.apply(overrides: stored.overrides)
        let state: SweepCellState = RunFile.isComplete(dir) ? .finished : .partial
        let json = c.resolvedJSON()
        let own = try cellConfig(cell).resolvedJSON()
        if json == own { return (state, nil) }
        let from = c.string(TunedComponent.lm.fromRunKey)
        if let source = plannedTrainingSource(of: cell),
           RunSettings.resolve(from, root: root).standardizedFileURL.path == cellDirectory(source).standardizedFileURL.path {
            let reuse = try reuseConfig(cell, path: from)
            if json == reuse.resolvedJSON() { return (state, source) }
        }
        throw SweepError.staleCell(cell: cell.name, directory: dir.path)
    }

    /// The earlier cell whose trained LM and retriever `cell` is planned to evaluate instead
    /// of training its own: the first cell of the sweep with the same `TrainingKey`, when it
    /// trains at least one step.
    public func plannedTrainingSource(of cell: SweepCell) -> SweepCell? {
        guard let i = cells.firstIndex(of: cell), let j = trainingSources[i] else { return nil }
        return cells[j]
    }

    /// The planned source when its run has finished (a finished run's latest checkpoint is
    /// its final one, written before its results); nil while it is unfinished, so a cell
    /// never reads a checkpoint of a run still training and trains itself instead.
    func availableTrainingSource(of cell: SweepCell, root: URL) throws -> SweepCell? {
        guard let source = plannedTrainingSource(of: cell), RunFile.isComplete(cellDirectory(source)) else { return nil }
        let (state, ownSource) = try stored(source, root: root)
        return state == .finished && ownSource == nil ? source : nil
    }

    /// The settings, after the cell's own, of a cell evaluating a source cell's training: no
    /// training step, the LM and the retriever adopted from the source's folder (`path`, its
    /// latest checkpoint). The run records both in its config and `/provenance`.
    func reuseSettings(path: String) -> [SweepSetting] {
        [SweepSetting(key: AnalysisKey.steps, value: .int(0)),
         SweepSetting(key: TunedComponent.lm.fromRunKey, value: .string(path)),
         SweepSetting(key: TunedComponent.retriever.fromRunKey, value: .string(path))]
    }

    /// The cell's config with `reuseSettings(path:)` applied.
    func reuseConfig(_ cell: SweepCell, path: String) throws -> ExperimentConfig {
        var c = try cellConfig(cell)
        try c.apply(overrides: reuseSettings(path: path).map(\.override))
        return c
    }

    /// `source`'s folder as a `*.from_run` value: relative to `root` when inside it (as a
    /// user writes `--set lm.from_run=runs/<sweep>/<cell>`), else absolute.
    func fromRunPath(_ source: SweepCell, root: URL) -> String {
        let dir = cellDirectory(source).standardizedFileURL.path
        var base = root.standardizedFileURL.path
        if !base.hasSuffix("/") { base += "/" }
        return dir.hasPrefix(base) ? String(dir.dropFirst(base.count)) : dir
    }

    /// Runs the cells in order. Returns when all are finished or when `progress` answered
    /// `.stop` (the current cell writes a checkpoint; the same call later resumes it).
    /// `overwrite` re-runs every cell from scratch, replacing what its folder held.
    public func execute(backend: ExperimentBackend, root: URL, overwrite: Bool = false,
                        progress: ProgressHandler = silentProgress) throws -> SweepReport {
        try validate(root: root)
        let lock = try RunLock(directory: directory)
        defer { lock.release() }
        try RunError.createFolder(directory)
        let sharing = try SweepSharing(scoreCacheFile: scoreCacheFile)
        var report = SweepReport(name: name, directory: directory, cells: cells)
        try SweepManifest.write(self, report: report, status: "running")
        for (i, cell) in cells.enumerated() {
            if progress(ProgressEvent(stage: .sweep, done: i, total: cells.count, unit: .cells)) == .stop {
                report.stopped = true
                break
            }
            let dir = cellDirectory(cell)
            let (state, storedSource) = try overwrite ? (SweepCellState.new, nil) : stored(cell, root: root)
            if state == .finished {
                report.outcomes[i] = .skipped
                report.trainingFrom[i] = storedSource?.name
                try SweepManifest.writeCell(self, cell, trainingFrom: storedSource)
                continue
            }
            let run: ExperimentRun
            let source: SweepCell?
            if state == .partial {
                // The run continues in the form it started in: training itself, or evaluating
                // the source's training (its stored config says which).
                source = storedSource
                run = try ExperimentRun(resume: dir, root: root)
            } else if let s = try availableTrainingSource(of: cell, root: root) {
                source = s
                let path = fromRunPath(s, root: root)
                run = try ExperimentRun(create: dir, config: reuseConfig(cell, path: path),
                                        overrides: runOverrides(cell) + reuseSettings(path: path).map(\.override), root: root,
                                        replacing: overwrite)
            } else {
                source = nil
                run = try ExperimentRun(create: dir, config: try cellConfig(cell), overrides: runOverrides(cell), root: root,
                                        replacing: overwrite)
            }
            report.trainingFrom[i] = source?.name
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
            if results != nil && source != nil { sharing.countReusedTraining() }
            if FileManager.default.fileExists(atPath: dir.path) { try SweepManifest.writeCell(self, cell, trainingFrom: source) }
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
    /// For each cell reached, the earlier cell whose trained LM and retriever its run
    /// evaluates (nil: it trained its own, or was not reached).
    public var trainingFrom: [String?]
    public var stopped = false
    public var reuse = SweepReuse()

    init(name: String, directory: URL, cells: [SweepCell]) {
        self.name = name
        self.directory = directory
        self.cells = cells
        outcomes = Array(repeating: .pending, count: cells.count)
        trainingFrom = Array(repeating: nil, count: cells.count)
    }

    public var ran: Int { outcomes.filter { $0 == .ran }.count }
    public var skipped: Int { outcomes.filter { $0 == .skipped }.count }
    public var resumed: Int { outcomes.filter { $0 == .resumed }.count }

    /// One line: the counts and the reuse.
    public var summary: String {
        "\(cells.count) cells: \(ran) run, \(skipped) skipped as finished, \(resumed) resumed mid-run"
            + (stopped ? ", stopped before the end" : "")
            + "; reused: corpus embeddings \(reuse.embeddings)×, LSR scores \(reuse.lsrPairs) pairs, evaluation passes \(reuse.evaluationPasses), earlier cells' trained models \(reuse.trainedModels)× (cells not trained again)"
    }
}
