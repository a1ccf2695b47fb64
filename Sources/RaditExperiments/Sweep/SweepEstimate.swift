import Foundation
import RaditStore

/// `radit sweep --dry-run`: the cells, where each stands, and an estimated time from the
/// measured wall time of finished runs under the runs folder that used the same LM and
/// retriever (seconds per training question-step, evaluation included), or, without one,
/// a rough guess that says it is one. A cell that will evaluate an earlier cell's training
/// (`Sweep.plannedTrainingSource(of:)`) is estimated without training.
public struct SweepEstimate: Sendable {
    public struct Row: Sendable {
        public var cell: SweepCell
        public var state: SweepCellState
        /// The earlier cell whose trained LM and retriever this cell evaluates instead of
        /// training (as planned for a new cell, as stored for a started one), or nil.
        public var trainingFrom: SweepCell?
        /// Training question-steps (train.steps × train.batch_size; 0 with `trainingFrom`).
        public var questionSteps: Int
        /// Estimated seconds left for this cell (0 when finished).
        public var seconds: Double
    }

    public var rows: [Row]
    /// Seconds per training question-step used for the first cell's estimate.
    public var secondsPerQuestionStep: Double
    /// True when every rate comes from finished runs, false when one is the rough guess.
    public var measured: Bool
    /// Where the rate comes from, for the listing.
    public var basis: String

    public var totalSeconds: Double { rows.map(\.seconds).reduce(0, +) }

    /// Rough rates when nothing was measured: tiny from-scratch models, and anything else
    /// (SmolLM2-135M + MiniLM-L6 on a few CPU cores is of this order).
    static let guessTiny = 0.05
    static let guessModel = 2.0

    public static func make(_ sweep: Sweep, root: URL) throws -> SweepEstimate {
        var rows: [Row] = []
        var pairs: [(lm: String, retriever: String)] = []
        for cell in sweep.cells {
            let s = try sweep.cellConfig(cell).settings()
            pairs.append((s.lm.model, s.retriever.model))
            let stored = try sweep.stored(cell, root: root)
            let source = stored.state == .new ? sweep.plannedTrainingSource(of: cell) : stored.trainingFrom
            rows.append(Row(cell: cell, state: stored.state, trainingFrom: source,
                            questionSteps: source == nil ? s.train.tuning.steps * s.train.tuning.batchSize : 0, seconds: 0))
        }
        // One rate per (LM, retriever) the cells use; the listing states the first cell's.
        var rates: [String: (rate: Double, measured: Bool, basis: String)] = [:]
        for pair in pairs where rates["\(pair.lm)|\(pair.retriever)"] == nil {
            let samples = measuredRates(under: sweep.runsDirectory, lm: pair.lm, retriever: pair.retriever).sorted()
            if samples.isEmpty {
                let guess = pair.lm == NativeBackend.tiny ? guessTiny : guessModel
                rates["\(pair.lm)|\(pair.retriever)"] = (guess, false, "ROUGH GUESS, nothing measured: no finished run of lm.model = \(pair.lm) with retriever.model = \(pair.retriever) under \(sweep.runsDirectory.path); assumed \(guess) s per training question-step")
            } else {
                let median = samples[samples.count / 2]
                rates["\(pair.lm)|\(pair.retriever)"] = (median, true, String(format: "measured: median %.3g s per training question-step (evaluation included) over %d finished run(s) of the same LM and retriever under %@",
                                                                              median, samples.count, sweep.runsDirectory.path))
            }
        }
        let first = rates["\(pairs[0].lm)|\(pairs[0].retriever)"]!
        var estimate = SweepEstimate(rows: rows, secondsPerQuestionStep: first.rate,
                                     measured: rates.values.allSatisfy { $0.measured }, basis: first.basis)
        if rates.count > 1 { estimate.basis += " (cells with other models use their own rates)" }
        let reusing = rows.filter { $0.trainingFrom != nil }.count
        if reusing > 0 {
            estimate.basis += "; \(reusing) cell(s) evaluate an earlier cell's trained models and are not trained again"
        }
        if rows.contains(where: { $0.questionSteps == 0 }) {
            estimate.basis += "; a cell that trains 0 steps counts as one question-step (its evaluation time is not modelled)"
        }
        for i in estimate.rows.indices where estimate.rows[i].state != .finished {
            let rate = rates["\(pairs[i].lm)|\(pairs[i].retriever)"]!.rate
            estimate.rows[i].seconds = Double(max(1, estimate.rows[i].questionSteps)) * rate
        }
        return estimate
    }

    /// Seconds per question-step of finished runs (`<runs>/<run>/run.h5` and sweep cells
    /// `<runs>/<sweep>/<cell>/run.h5`) with the same LM and retriever.
    static func measuredRates(under runs: URL, lm: String, retriever: String) -> [Double] {
        let fm = FileManager.default
        var folders: [URL] = []
        for a in (try? fm.contentsOfDirectory(atPath: runs.path)) ?? [] where !a.hasPrefix(".") {
            let dir = runs.appendingPathComponent(a)
            folders.append(dir)
            for b in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where !b.hasPrefix(".") {
                folders.append(dir.appendingPathComponent(b))
            }
        }
        var rates: [Double] = []
        for dir in folders where RunFile.isComplete(dir) {
            guard let file = try? StoreFile.open(dir.appendingPathComponent("run.h5")) else { continue }
            defer { try? file.close() }
            guard let json = try? file.readStrings(RunLayout.configResolved, shape: []).first,
                  let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: Any]],
                  object["lm"]?["model"] as? String == lm, object["retriever"]?["model"] as? String == retriever,
                  let steps = object["train"]?["steps"] as? Int, let batch = object["train"]?["batch_size"] as? Int,
                  steps * batch > 0,
                  let wall = try? file.group(RunLayout.results).doubleAttribute("wall_seconds"), wall > 0
            else { continue }
            rates.append(wall / Double(steps * batch))
        }
        return rates
    }
}
