import RaditBase
import RaditData
import RaditEval

/// Dev/test results of one (LM, retriever) pair.
public struct EvaluationReport: Sendable, Equatable {
    public var exactMatch: Double
    public var f1: Double
    /// Gold-passage recall@k (any gold chunk in the top k) of the current retriever, by k.
    public var recall: [Int: Double]
    public var predictions: [Prediction]
    /// What each question got, in question order: prediction, golds, EM, F1, the chunks in
    /// its prompt with their scores, and the retriever's ranking to the deepest recall
    /// cut-off (DESIGN §5): the means above are taken from these.
    public var records: ExampleRecords
}

/// Evaluates answers (EM/F1 with SQuAD normalisation) and retrieval recall.
public enum Evaluation {
    /// `recallAt` lists the cut-offs; the retriever ranks every question to the deepest one
    /// (nothing is ranked when it is empty), and recall@k is the mean over the questions
    /// that have a gold chunk.
    public static func run(_ examples: [Example], reader: RetrievalReader, options: InferenceOptions,
                           recallAt: [Int] = [1, 5], stage: ProgressStage = .eval,
                           progress: ProgressHandler = silentProgress) throws -> EvaluationReport {
        // Answer in slices of 16 (one decoding batch: concat's 16 prompts, rerank's 16 × k)
        // so long evaluations report progress; every example is answered on its own, so
        // slicing does not change any prediction.
        var predictions: [Prediction] = []
        predictions.reserveCapacity(examples.count)
        for start in stride(from: 0, to: examples.count, by: 16) {
            let slice = Array(examples[start..<min(examples.count, start + 16)])
            predictions += try reader.answer(slice, options: options)
            if progress(ProgressEvent(stage: stage, done: predictions.count, total: examples.count, unit: .questions)) == .stop {
                throw TuningError.stopped(stage: stage.rawValue)
            }
        }
        let scores = zip(predictions, examples).map { AnswerScore(prediction: $0.answer, golds: $1.answers) }
        var rankings = [(scores: [Double], ids: [Int])](repeating: ([], []), count: examples.count)
        if let kMax = recallAt.max(), !examples.isEmpty {
            let r = try reader.retrieve(examples.map(\.question), k: min(kMax, reader.retriever.count))
            rankings = zip(r.scores, r.ids).map { (scores: $0, ids: $1) }
        }
        let corpus = reader.corpus
        var finder = AnswerHitFinder(corpus: corpus)
        var rows: [ExampleRecord] = []
        rows.reserveCapacity(examples.count)
        for (i, e) in examples.enumerated() {
            let p = predictions[i]
            rows.append(ExampleRecord(
                id: e.id, prediction: p.answer, golds: e.answers, exactMatch: scores[i].exactMatch, f1: scores[i].f1,
                contextIDs: p.chunks.map { corpus[$0].id },
                contextScores: p.chunkScores.count == p.chunks.count ? p.chunkScores.map(Float.init)
                    : [Float](repeating: .nan, count: p.chunks.count),
                rankingIDs: rankings[i].ids.map { corpus[$0].id }, rankingScores: rankings[i].scores.map(Float.init),
                rankingHasAnswer: rankings[i].ids.isEmpty ? [] : finder.hits(rankings[i].ids, answers: e.answers),
                relevant: e.gold))
        }
        let records = try ExampleRecords(rows, source: "evaluation \(stage.rawValue)")
        var recall: [Int: Double] = [:]
        // The retrieval benchmark's own metric and rule: chunk ids against the relevant
        // grades, over the questions that have a relevant chunk.
        for k in recallAt {
            let s = records.scores(.retrieval(.goldRecallAny(k)))
            if s.count > 0 { recall[k] = s.mean }
        }
        let n = Double(max(1, examples.count))
        return EvaluationReport(exactMatch: scores.reduce(0) { $0 + $1.exactMatch } / n,
                                f1: scores.reduce(0) { $0 + $1.f1 } / n,
                                recall: recall, predictions: predictions, records: records)
    }
}
