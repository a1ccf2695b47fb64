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
    public var scores: [AnswerScore]
}

/// Evaluates answers (EM/F1 with SQuAD normalisation) and retrieval recall.
public enum Evaluation {
    /// `recallAt` lists the cut-offs; retrieval is skipped when it is empty or no example
    /// has gold chunks.
    public static func run(_ examples: [Example], reader: RetrievalReader, options: InferenceOptions,
                           recallAt: [Int] = [1, 5], stage: String = "eval",
                           progress: ProgressHandler = silentProgress) throws -> EvaluationReport {
        // Answer in slices so long evaluations report progress; every example is answered
        // on its own, so slicing does not change any prediction.
        var predictions: [Prediction] = []
        predictions.reserveCapacity(examples.count)
        for start in stride(from: 0, to: examples.count, by: 8) {
            let slice = Array(examples[start..<min(examples.count, start + 8)])
            predictions += try reader.answer(slice, options: options)
            if progress(ProgressEvent(stage: stage, done: predictions.count, total: examples.count, unit: "questions")) == .stop {
                throw TuningError.stopped(stage: stage)
            }
        }
        let scores = zip(predictions, examples).map { AnswerScore(prediction: $0.answer, golds: $1.answers) }
        let n = Double(max(1, examples.count))
        var recall: [Int: Double] = [:]
        // The retrieval benchmark's own metric and rule: chunk ids against the relevant
        // grades, over the questions that have a relevant chunk.
        let withGold = examples.filter { !$0.relevantGrades.isEmpty }
        if let kMax = recallAt.max(), !withGold.isEmpty {
            let (_, ids) = try reader.retrieve(withGold.map(\.question), k: min(kMax, reader.retriever.count))
            let rankings = ids.map { $0.map { reader.corpus[$0].id } }
            let grades = withGold.map(\.relevantGrades)
            for k in recallAt {
                let metric = RetrievalMetric.goldRecallAny(k)
                let hits = zip(rankings, grades).reduce(0.0) { $0 + metric.value(ranking: $1.0, grades: $1.1) }
                recall[k] = hits / Double(withGold.count)
            }
        }
        return EvaluationReport(exactMatch: scores.reduce(0) { $0 + $1.exactMatch } / n,
                                f1: scores.reduce(0) { $0 + $1.f1 } / n,
                                recall: recall, predictions: predictions, scores: scores)
    }
}
