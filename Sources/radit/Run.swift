import ArgumentParser
import Foundation
import RaditExperiments

/// `radit run CONFIG` and `radit run --resume runs/<name>`.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment: LM-ft and R-ft by its schedule, then evaluate (RA-DIT Table 6).",
        discussion: """
            Creates runs/<name>/ with run.h5 (config, per-step metrics, results, predictions), \
            checkpoints ckpt-<step>.h5, best.h5 (best dev EM), base.h5 and the LSR cache. \
            Interrupted runs continue with --resume to the same result.
            """)

    @Argument(help: "Experiment config (TOML).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override a key, e.g. --set train.steps=20 (repeatable).")
    var overrides: [String] = []

    @Option(help: "Run name (default: the config file's name).")
    var name: String?

    @Option(help: "Folder holding runs.")
    var runsDir = "runs"

    @Option(help: "Continue the run in this folder from its latest checkpoint.")
    var resume: String?

    @Flag(help: "Print the resolved config and check it, then stop.")
    var dryRun = false

    @Flag(help: "Replace an existing run of the same name (its folder is deleted first) instead of failing.")
    var overwrite = false

    func validate() throws {
        if (config == nil) == (resume == nil) {
            throw ValidationError("give either a CONFIG file or --resume runs/<name>")
        }
        if resume != nil && overwrite {
            throw ValidationError("--overwrite starts a new run; it cannot be combined with --resume")
        }
        if resume != nil && !overrides.isEmpty {
            throw ValidationError("--set cannot change a run being resumed; it continues with its stored config")
        }
    }

    func run() throws {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let experiment: ExperimentRun
        if let dir = resume {
            experiment = try ExperimentRun(resume: URL(fileURLWithPath: dir), root: root)
            print("Resuming \(dir)")
        } else {
            let url = URL(fileURLWithPath: config!)
            var c = try ExperimentConfig.load(url)
            try c.apply(overrides: overrides)
            print(c.rendered())
            try c.validate(root: root, checkFiles: !dryRun)
            if dryRun {
                print("config ok (model files not checked in --dry-run)")
                return
            }
            let runName = name ?? url.deletingPathExtension().lastPathComponent
            let directory = URL(fileURLWithPath: runsDir).appendingPathComponent(runName)
            // Only a folder that holds a run is deleted, so a mistyped --runs-dir cannot wipe
            // anything else.
            if overwrite && FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.h5").path) {
                try c.validate(root: root)
                try FileManager.default.removeItem(at: directory)
                print("Replacing \(directory.path)")
            }
            experiment = try ExperimentRun(create: directory, config: c, overrides: overrides, root: root)
        }
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let backend = NativeBackend(runsDirectory: experiment.directory.deletingLastPathComponent())
        guard let results = try experiment.execute(backend: backend, root: root, progress: progress.handle) else {
            print("stopped; continue with: radit run --resume \(experiment.directory.path)")
            return
        }
        print(results.table())
        print(String(format: "wall %.1f s, LM-ft %.0f tokens/s; results in %@/run.h5",
                     results.wallSeconds, results.tokensPerSecond, experiment.directory.path))
    }
}
