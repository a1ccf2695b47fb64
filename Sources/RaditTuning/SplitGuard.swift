import RaditData
import RaditEval

/// Protocol guard (DESIGN §5): a run never trains on a question it is evaluated on. Two
/// questions are the same when their SQuAD-normalised texts are equal (case, punctuation,
/// articles and spacing ignored), so a re-cased or re-punctuated copy is caught too.
public enum SplitGuard {
    /// Training questions whose normalised text is an evaluation question, as (train id,
    /// evaluation id) pairs in training order.
    public static func overlap(train: [Example], evaluation: [Example]) -> [(train: String, evaluation: String)] {
        var evaluated: [String: String] = [:]
        for e in evaluation { evaluated[AnswerMetrics.normalize(e.question)] = evaluated[AnswerMetrics.normalize(e.question)] ?? e.id }
        return train.compactMap { t in evaluated[AnswerMetrics.normalize(t.question)].map { (t.id, $0) } }
    }

    /// Throws `TuningError.evaluationQuestionInTraining` naming the first overlaps.
    public static func check(train: [Example], evaluation: [Example], split: String) throws {
        let found = overlap(train: train, evaluation: evaluation)
        guard found.isEmpty else {
            throw TuningError.evaluationQuestionInTraining(split: split, count: found.count,
                                                           examples: found.prefix(3).map { "\($0.train) = \(split) \($0.evaluation)" })
        }
    }
}
