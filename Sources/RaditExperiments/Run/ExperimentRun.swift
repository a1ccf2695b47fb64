import Foundation
import RaditBase
import RaditEval
import RaditRetrieval
import RaditStore
import RaditTuning

/// A run folder `runs/<name>/` (DESIGN §6): `run.h5`, `base.h5` (the untuned state, for the
/// Table 6 baselines), `ckpt-<step>.h5` (latest `train.keep_checkpoints`), `best.h5` (best
/// dev EM), `lsr-cache.h5`; with `train.lsr_scorer = "remote"` the server's scores go to
/// `<runs folder>/.cache/remote-scores.h5`, shared by the runs there. Every file is written atomically; `resume` continues from the
/// latest checkpoint to the same parameters and metrics as an uninterrupted run.
public final class ExperimentRun {
    public let directory: URL
    public let config: ExperimentConfig
    /// The config decoded once.
    public let settings: RunSettings
    public let overrides: [String]
    public let isResume: Bool
    public private(set) var metrics = RunMetrics()
    /// Digests of the config, data, models and adopted components (`/provenance`).
    public private(set) var provenance: RunProvenance?

    var runFile: URL { directory.appendingPathComponent("run.h5") }
    var baseFile: URL { directory.appendingPathComponent("base.h5") }
    var bestFile: URL { directory.appendingPathComponent("best.h5") }
    var cacheFile: URL { directory.appendingPathComponent("lsr-cache.h5") }
    /// Scores of the remote R-ft scorer, shared by every run in the same runs folder: its
    /// model is fixed, so a rerun (or another cell of a study) never asks the server twice.
    public var remoteCacheFile: URL {
        directory.deletingLastPathComponent().appendingPathComponent(".cache/remote-scores.h5")
    }
    var created = ISO8601DateFormatter().string(from: Date())
    /// Held from init until `execute` returns: one writer per run folder.
    public private(set) var lock: RunLock?
    /// `--overwrite`: the run already in the folder is replaced once this one has started.
    let replacesExisting: Bool
    /// Set by a sweep: the LSR cache and the evaluation passes its cells share.
    public var sharing: SweepSharing?
    /// The remote scorer's cache, while a run with `train.lsr_scorer = "remote"` executes.
    var remoteCache: ScoreCache?

    /// A new run; fails if the folder already holds one, unless `replacing` (the old run is
    /// moved aside and deleted only once this run has loaded its models and data and
    /// written its first file; if it fails before that, the old run is put back). Validates
    /// the config first and locks the folder.
    public init(create directory: URL, config: ExperimentConfig, overrides: [String], root: URL,
                replacing: Bool = false) throws {
        try config.validate(root: root)
        lock = try RunLock(directory: directory)
        if !replacing && FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.h5").path) {
            throw RunError.exists(directory: directory.path)
        }
        self.directory = directory
        self.config = config
        settings = try config.settings()
        self.overrides = overrides
        isResume = false
        replacesExisting = replacing
    }

    /// An existing run, re-reading its stored config and overrides; locks the folder.
    public init(resume directory: URL, root: URL) throws {
        let run = directory.appendingPathComponent("run.h5")
        guard FileManager.default.fileExists(atPath: run.path) else { throw RunError.notARun(directory: directory.path) }
        lock = try RunLock(directory: directory)
        let stored = try RunFile.readConfig(run)
        var c = try ExperimentConfig.parse(stored.text, file: stored.source)
        // A sweep's cell stores the sweep file and its cell's overrides: it resumes as the
        // one run it is.
        c.sweep = nil
        try c.apply(overrides: stored.overrides)
        try c.validate(root: root)
        self.directory = directory
        config = c
        settings = try c.settings()
        overrides = stored.overrides
        created = stored.created
        isResume = true
        replacesExisting = false
    }

    /// Where `--overwrite` keeps the old run until the new one has started.
    var asideDirectory: URL {
        directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).replaced-\(getpid())")
    }

    /// Checkpoint files present, oldest first.
    public func checkpoints() -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { n -> (Int, URL)? in
            guard n.hasPrefix("ckpt-"), n.hasSuffix(".h5"), let s = Int(n.dropFirst(5).dropLast(3)) else { return nil }
            return (s, directory.appendingPathComponent(n))
        }.sorted { $0.0 < $1.0 }
    }

    /// Trains and evaluates; returns the final results (also written to run.h5), or nil
    /// when `progress` answered `.stop`: then the current step was finished and a
    /// checkpoint written, and `radit run --resume` continues. Releases the folder's lock.
    public func execute(backend: ExperimentBackend, root: URL,
                        progress: ProgressHandler = silentProgress) throws -> RunResults? {
        defer { lock?.release(); lock = nil }
        let fm = FileManager.default
        var aside: URL?
        if replacesExisting && fm.fileExists(atPath: runFile.path) {
            aside = asideDirectory
            try? fm.removeItem(at: aside!)
            try fm.moveItem(at: directory, to: aside!)
        }
        do {
            return try train(backend: backend, root: root, progress: progress) {
                if let old = aside { try? fm.removeItem(at: old) }
                aside = nil
            }
        } catch {
            if let old = aside {
                try? fm.removeItem(at: directory)
                try? fm.moveItem(at: old, to: directory)
            }
            throw error
        }
    }

    /// `started` is called once the models and data are loaded and the first file written.
    private func train(backend: ExperimentBackend, root: URL, progress: ProgressHandler,
                       started: () -> Void) throws -> RunResults? {
        let began = Date()
        // Data and models first: a dataset the run cannot use leaves no run folder behind.
        let setup = try backend.build(settings, root: root, progress: progress)
        let data = setup.data
        guard !data.splits.train.isEmpty else { throw RunError.emptySplit(split: "train") }
        guard !data.splits.dev.isEmpty || (settings.train.evalEvery == 0 && !data.splits.test.isEmpty) else {
            throw RunError.emptySplit(split: "dev")
        }
        let options = settings.train.tuning
        try config.validate(candidates: options.candidates, chunks: data.corpus.count)
        if let budget = setup.lm as? TokenBudget { try config.validate(raftInstances: setup.raft, budget: budget) }
        try SplitGuard.check(train: data.splits.train, evaluation: data.splits.dev, split: "dev")
        try SplitGuard.check(train: data.splits.train, evaluation: data.splits.test, split: "test")
        let record = DataRecord(data, settings: settings.data)
        try RunError.createFolder(directory)
        let cache = try sharing?.scoreCache(adding: cacheFile) ?? ScoreCacheFile.read(cacheFile)
        let remote = settings.train.lsrScorer == .remote
        let remoteReader = settings.eval.lm == .remote
        let remoteCache = remote || remoteReader ? try ScoreCacheFile.read(remoteCacheFile) : ScoreCache()
        let remoteLM = RemoteLM(settings: settings.remote)
        let tuner = try DualTuner(options: options, lm: setup.lm, encoder: setup.encoder, index: setup.index,
                                  corpus: data.corpus, train: data.splits.train, template: settings.lm.format,
                                  cache: cache, raftInstances: setup.raft,
                                  targetScorer: remote ? remoteLM : nil,
                                  targetCache: remoteCache)
        self.remoteCache = remote || remoteReader ? remoteCache : nil
        // Components from other runs (lm.from_run, retriever.from_run): read and checked
        // before any file is written.
        let adopted = try AdoptedComponent.load(settings, root: root)
        var provenance = try RunProvenance(config: config, settings: settings, data: data, root: root)
        for a in adopted {
            let sourceRun = a.file.deletingLastPathComponent().appendingPathComponent("run.h5")
            provenance.sources[a.component] = .init(file: a.file.path,
                                                    digest: try a.snapshot.parameterDigest(of: tuner.parameterKeys(a.component)),
                                                    metrics: FileManager.default.fileExists(atPath: sourceRun.path) ? sourceRun.path : nil)
        }
        self.provenance = provenance
        let base: TrainingSnapshot
        if isResume {
            base = try CheckpointFile.read(baseFile, seed: options.seed)
            if let last = checkpoints().last {
                let (snap, series) = try CheckpointFile.readWithSeries(last.url, seed: options.seed)
                try tuner.restore(snap)
                metrics = try RunMetrics(series: series)
            } else if !FileManager.default.fileExists(atPath: baseFile.path) {
                throw RunError.noCheckpoint(directory: directory.path)
            }
        } else {
            // The untuned parameters only: Table 6 restores them for evaluation, never to train.
            var initial = try tuner.snapshot()
            initial.tensors = initial.tensors.filter { $0.section == .params || $0.section == .extra }
            base = initial
            try CheckpointFile.write(base, to: baseFile)
            try RunFile.write(to: runFile, config: config, overrides: overrides, created: created, data: record,
                              metrics: metrics, results: nil, provenance: provenance)
        }
        // Adopted parameters replace the loaded ones after base.h5 holds the untuned models
        // (a resumed run's checkpoint already holds them).
        if !isResume || checkpoints().isEmpty {
            for a in adopted { try tuner.adoptParameters(a.component, from: a.snapshot) }
        }
        started()
        // The tuned dense retriever: the query encoder being trained over the frozen index,
        // read by the run's LM, or with eval.lm = "remote" by the server's model (its
        // scores in the remote score cache beside the R-ft targets').
        let denseRetriever = try DenseRetriever(queries: setup.encoder, index: setup.index)
        let reader = remoteReader
            ? RetrievalReader(generator: remoteLM,
                              scorer: CachedScorer(scorer: remoteLM, template: settings.lm.format, cache: remoteCache),
                              retriever: denseRetriever, corpus: data.corpus)
            : RetrievalReader(generator: setup.lm, scorer: tuner.scorer, retriever: denseRetriever, corpus: data.corpus)
        let evaluatedLM = { remoteReader ? remoteLM.checkpointIdentity : setup.lm.checkpointIdentity }
        let evalEvery = settings.train.evalEvery
        let ckptEvery = settings.train.checkpointEvery
        var stopped = false
        try tuner.prepareFixedTargets(progress: { e in
            let a = progress(e)
            if a == .stop { stopped = true }
            return a
        })
        try saveRemoteScores()
        // Stopped while fixing the targets: nothing trained yet, resume starts from base.h5.
        if stopped { return nil }
        // Evaluations report progress but are never cut short: a stop request is noted and
        // honoured by the training loop at its next safe point.
        func evalProgress(_ e: ProgressEvent) -> ProgressAction {
            if progress(e) == .stop { stopped = true }
            return .proceed
        }
        try tuner.run(progress: { e in
            let a = progress(e)
            if a == .stop { stopped = true }
            return a
        }, afterStep: { m in
            metrics.append([
                "step": Double(m.step), ProgressMetric.lmLoss.rawValue: m.lmLoss ?? .nan,
                ProgressMetric.retrieverLoss.rawValue: m.retrieverLoss ?? .nan,
                "lm_lr": m.lmLearningRate ?? .nan, "retriever_lr": m.retrieverLearningRate ?? .nan,
                "lm_tokens": Double(m.lmTokens), "scored_pairs": Double(m.scoredPairs),
                ProgressMetric.lsrFlatShare.rawValue: m.lsrFlatShare ?? .nan,
                "seconds": m.seconds, ProgressMetric.tokensPerSecond.rawValue: m.tokensPerSecond,
            ])
            let done = tuner.state.step
            if evalEvery > 0 && done % evalEvery == 0 {
                // Checkpoints are chosen on dev only, never on the reported test split.
                let r = try Evaluation.run(data.splits.dev, reader: reader, options: settings.eval.inference, recallAt: [1],
                                           stage: .devEval, progress: evalProgress)
                metrics.setLast("dev_em", r.exactMatch)
                metrics.setLast("dev_f1", r.f1)
                metrics.setLast("dev_recall_at_1", r.recall[1] ?? .nan)
                if r.exactMatch > tuner.state.bestScore {
                    tuner.state.bestScore = r.exactMatch
                    tuner.state.bestStep = done
                    try CheckpointFile.write(try tuner.snapshot(), series: metrics.series, to: bestFile)
                }
            }
            if ckptEvery > 0 && done % ckptEvery == 0 && done < options.totalSteps {
                try checkpoint(tuner, cache: cache, data: record)
            }
            return true
        })
        try checkpoint(tuner, cache: cache, data: record)
        if stopped { return nil }

        // Final evaluation on test (dev when the data has no test): the tuned pair, and with
        // eval.table the base/tuned combinations.
        let tuned = try tuner.snapshot()
        let split = data.splits.reported
        let questions = data.splits[split]
        var results = RunResults(recallAt: settings.eval.recallAt, split: split, questions: questions.count)
        let io = settings.eval.inference
        var closed = io
        closed.mode = .closedBook
        let table = settings.eval.table
        let pairs: [(lm: Int, r: Int)] = table ? [(0, 0), (0, 1), (1, 0), (1, 1)] : [(1, 1)]
        // In a sweep, an evaluation pass is computed once per content: the evaluated LM's
        // identity (a hash of its parameters), the retriever's parameters, the options the
        // mode reads and the data. A later cell, or a later pair of this run, whose pass has
        // the same content (a cell adopting an earlier cell's training; an R-ft retriever
        // left unchanged) reads it back.
        let passKeys = sharing.map { _ in
            EvaluationPassKey(config: config, template: settings.lm.format.identity, corpus: data.corpus, questions: questions)
        }
        func shared(_ options: InferenceOptions, recallAt: [Int], _ compute: () throws -> EvaluationReport) throws -> EvaluationReport {
            guard let sharing, let passKeys else { return try compute() }
            let key = passKeys.key(lm: evaluatedLM(), retriever: setup.encoder.checkpointTensors(),
                                   options: options, recallAt: recallAt)
            return try sharing.evaluation(key: key, compute: compute)
        }
        // The tuned digests are what /provenance records as evaluated.
        let tunedDigests = try TunedComponent.allCases.map { try tuned.parameterDigest(of: tuner.parameterKeys($0)) }
        for (l, r) in pairs {
            // A stop during the final evaluation takes effect between its passes; the last
            // checkpoint holds the finished training, and --resume evaluates again.
            if stopped { return nil }
            try tuner.restoreLM(l == 0 ? base : tuned)
            try tuner.restoreRetriever(r == 0 ? base : tuned)
            let lmName = EvaluationPass.lmNames[l], retrieverName = EvaluationPass.retrieverNames[r]
            func pass() throws -> EvaluationReport {
                try Evaluation.run(questions, reader: reader, options: io, recallAt: results.recallAt,
                                   stage: "eval \(split.rawValue) lm=\(l == 0 ? "base" : "tuned") retriever=\(r == 0 ? "base" : "tuned")",
                                   progress: evalProgress)
            }
            let report = try shared(io, recallAt: results.recallAt, pass)
            results.em[l][r] = report.exactMatch
            results.f1[l][r] = report.f1
            results.recall[r] = report.recall
            results.passes.append(EvaluationPass(lm: lmName, retriever: retrieverName, mode: io.mode, split: split.rawValue,
                                                 k: io.k, records: report.records))
            if r == 0 || !table {
                func closedBookPass() throws -> EvaluationReport {
                    try Evaluation.run(questions, reader: reader, options: closed, recallAt: [],
                                       stage: "eval \(split.rawValue) lm=\(l == 0 ? "base" : "tuned") closed-book",
                                       progress: evalProgress)
                }
                // With eval.mode = "closed_book" the pass above already answered closed-book:
                // its answers are this pass's, without the retriever's rankings. Registered as
                // the closed-book pass, so a later cell or pair that retrieves with the same LM
                // (base + RAG after base, DSF + RAG after DSF) reads it instead of answering again.
                let closedBook = try shared(closed, recallAt: []) {
                    if io.mode == .closedBook { return try report.withoutRankings(source: "evaluation \(split.rawValue) closed-book") }
                    return try closedBookPass()
                }
                results.closedBookEM[l] = closedBook.exactMatch
                results.passes.append(EvaluationPass(lm: lmName, retriever: nil, mode: .closedBook, split: split.rawValue,
                                                     k: 0, records: closedBook.records))
            }
            if l == 1 && r == 1 {
                results.predictions = report.predictions
            }
        }
        try tuner.restore(tuned)
        // The parameters evaluated as "tuned": equal to an adopted source's digest when the
        // run did not train that component further.
        for c in TunedComponent.allCases { provenance.evaluated[c] = tunedDigests[c.rawValue] }
        self.provenance = provenance
        let seconds = metrics.series["seconds"]!.filter { !$0.isNaN }.reduce(0, +)
        let tokens = metrics.series["lm_tokens"]!.filter { !$0.isNaN }.reduce(0, +)
        results.tokensPerSecond = seconds > 0 ? tokens / seconds : 0
        results.wallSeconds = Date().timeIntervalSince(began)
        try RunFile.write(to: runFile, config: config, overrides: overrides, created: created, data: record,
                          metrics: metrics, results: results, provenance: provenance)
        try ScoreCacheFile.write(cache, to: cacheFile)
        try saveRemoteScores()
        return results
    }

    /// Writes `ckpt-<step>.h5`, the cache and run.h5, then prunes old checkpoints.
    func checkpoint(_ tuner: DualTuner, cache: ScoreCache, data: DataRecord) throws {
        let url = directory.appendingPathComponent(CheckpointLayout.fileName(step: tuner.state.step))
        // Cache first: a checkpoint never refers to scores that were not saved with it.
        try ScoreCacheFile.write(cache, to: cacheFile)
        try saveRemoteScores()
        try CheckpointFile.write(try tuner.snapshot(), series: metrics.series, to: url)
        try RunFile.write(to: runFile, config: config, overrides: overrides, created: created, data: data,
                          metrics: metrics, results: nil, provenance: provenance)
        let keep = settings.train.keepCheckpoints
        for old in checkpoints().dropLast(keep) { try? FileManager.default.removeItem(at: old.url) }
    }

    /// Merges new remote scores into the shared file (other runs may have added theirs).
    func saveRemoteScores() throws {
        guard let remoteCache, remoteCache.unsaved > 0 else { return }
        try FileManager.default.createDirectory(at: remoteCacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ScoreCacheFile.merge(remoteCache, into: remoteCacheFile)
    }
}

extension EvaluationReport {
    /// The same answers with the retriever's rankings and recall dropped: what a closed-book
    /// pass of the same LM records.
    func withoutRankings(source: String) throws -> EvaluationReport {
        var rows = records.records
        for i in rows.indices {
            rows[i].rankingIDs = []
            rows[i].rankingScores = []
            rows[i].rankingHasAnswer = []
        }
        var r = self
        r.recall = [:]
        r.records = try ExampleRecords(rows, source: source)
        return r
    }
}
