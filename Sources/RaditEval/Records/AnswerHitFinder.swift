import RaditData

/// DPR `has_answer` of ranked chunks (see `AnswerMatch`) against a question's answers,
/// tokenising each chunk of the corpus once however many questions rank it.
public struct AnswerHitFinder {
    public let corpus: Corpus
    private var passageTokens: [Int: [String]] = [:]

    public init(corpus: Corpus) {
        self.corpus = corpus
    }

    /// Whether each ranked chunk (corpus positions) holds one of `answers`; empty when the
    /// question has no answers (the metric does not apply, it is not all misses).
    public mutating func hits(_ positions: [Int], answers: [String]) -> [Bool] {
        if answers.isEmpty { return [] }
        let answerTokens = answers.map(AnswerMatch.tokens)
        return positions.map { p in
            if passageTokens[p] == nil { passageTokens[p] = AnswerMatch.tokens(corpus[p].text) }
            return AnswerMatch.hasAnswer(tokens: passageTokens[p]!, answerTokens: answerTokens)
        }
    }
}
