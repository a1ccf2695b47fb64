import Foundation
import RaditBase
import RaditData
import RaditTuning

/// What the cells of one sweep share, with a count of each reuse: document embeddings
/// (the runs folder's embedding cache, counted from its `embed-cache` events), the LSR
/// score cache (one content-keyed `ScoreCache` for every cell; a score is reused when the
/// LM checkpoint, template, question, answer and chunk are identical), evaluation passes
/// (keyed by the content of both models and of everything the pass reads, so a cell that
/// only changes training keys reads back its untrained models' passes, and a cell that
/// adopts an earlier cell's training reads back the passes it shares with it), and training
/// (counted here; `Sweep` runs a cell whose `TrainingKey` an earlier cell had as a 0-step
/// run adopting that cell's LM and retriever).
public final class SweepSharing {
    /// The sweep's LSR cache, saved to `file` after each cell.
    public let scores: ScoreCache
    let file: URL?
    private var evaluations: [String: EvaluationReport] = [:]
    public private(set) var reuse = SweepReuse()

    /// Loads the shared LSR cache from `file` (nil: in memory only).
    public init(scoreCacheFile file: URL?) throws {
        self.file = file
        scores = try file.map(ScoreCacheFile.read) ?? ScoreCache()
        scores.countReuse()
    }

    /// The cache a cell's run uses: the shared one, with the entries the cell's own file
    /// holds from before a kill added.
    func scoreCache(adding runCache: URL) throws -> ScoreCache {
        let own = try ScoreCacheFile.read(runCache)
        for (k, v) in own.entries where scores[k] == nil { scores.insert(v, for: k) }
        return scores
    }

    /// Ends a cell: counts the LSR scores it reused and saves the shared cache.
    func finishCell() throws {
        reuse.lsrPairs += scores.reusedHits
        scores.countReuse()
        if let file { try ScoreCacheFile.write(scores, to: file) }
    }

    /// An evaluation pass: read back when an earlier cell (or pair) ran the same one (same
    /// `key`), else computed and kept.
    func evaluation(key: String, compute: () throws -> EvaluationReport) rethrows -> EvaluationReport {
        if let r = evaluations[key] {
            reuse.evaluationPasses += 1
            return r
        }
        let r = try compute()
        evaluations[key] = r
        return r
    }

    /// Counts a cell that finished on an earlier cell's trained LM and retriever.
    func countReusedTraining() { reuse.trainedModels += 1 }

    /// Counts the progress events that say embeddings came from the cache.
    func observe(_ e: ProgressEvent) {
        if e.stage == .embedCache { reuse.embeddings += 1 }
    }
}

/// How often a sweep reused instead of recomputing.
public struct SweepReuse: Sendable, Equatable {
    /// Corpus embeddings read from `runs/.cache/embeddings` instead of embedded.
    public var embeddings = 0
    /// (example, chunk) LM scores read from the shared LSR cache, scored by an earlier cell.
    public var lsrPairs = 0
    /// Evaluation passes read back instead of computed (same models, options and data).
    public var evaluationPasses = 0
    /// Cells that finished evaluating an earlier cell's trained LM and retriever (their
    /// training keys equal) instead of training their own.
    public var trainedModels = 0
    public init() {}

    public var json: String {
        "{\"embeddings\": \(embeddings), \"lsr_pairs\": \(lsrPairs), \"evaluation_passes\": \(evaluationPasses), \"trained_models\": \(trainedModels)}"
    }
}
