import RaditData

/// What one evaluation pass keeps about one question, so that any two runs on the same
/// questions can be compared example by example (DESIGN §5).
public struct ExampleRecord: Sendable, Equatable {
    /// The question's id (`Example.id`): what pairs two runs' records.
    public var id: String
    public var prediction: String
    /// Gold answer aliases.
    public var golds: [String]
    /// SQuAD EM and token F1 of `prediction` against `golds` (max over aliases).
    public var exactMatch: Double
    public var f1: Double
    /// Chunk ids in the prompt, in prompt order.  (K)
    public var contextIDs: [String]
    /// Their retrieval scores; NaN for a chunk that was placed, not retrieved (RAFT oracle
    /// and distractors, oracle mode).  (K)
    public var contextScores: [Float]
    /// The retriever's ranking, best first, for recall metrics (may reach deeper than the
    /// prompt; empty when the pass did not retrieve).  (Kr)
    public var rankingIDs: [String]
    public var rankingScores: [Float]
    /// Whether each ranked chunk contains a gold answer (DPR `has_answer`, see
    /// `AnswerMatch`); empty when not computed.  (Kr) or (0)
    public var rankingHasAnswer: [Bool]
    /// Judged chunks with grades (the question's gold chunks).
    public var relevant: [Relevance]
    /// The judge metrics of the prediction (`radit judge`; stored apart from the records in
    /// `run.h5:/judge/<pass>/`), nil when the pass was not judged.
    public var judge: JudgeScore?

    /// A record whose EM and F1 are computed here from the prediction and the golds.
    public init(id: String, prediction: String, golds: [String],
                contextIDs: [String] = [], contextScores: [Float]? = nil,
                rankingIDs: [String] = [], rankingScores: [Float]? = nil,
                rankingHasAnswer: [Bool] = [], relevant: [Relevance] = []) {
        let score = AnswerScore(prediction: prediction, golds: golds)
        self.init(id: id, prediction: prediction, golds: golds, exactMatch: score.exactMatch, f1: score.f1,
                  contextIDs: contextIDs,
                  contextScores: contextScores ?? [Float](repeating: .nan, count: contextIDs.count),
                  rankingIDs: rankingIDs,
                  rankingScores: rankingScores ?? [Float](repeating: .nan, count: rankingIDs.count),
                  rankingHasAnswer: rankingHasAnswer, relevant: relevant)
    }

    /// A record with its scores as stored (what the reader rebuilds).
    public init(id: String, prediction: String, golds: [String], exactMatch: Double, f1: Double,
                contextIDs: [String], contextScores: [Float], rankingIDs: [String], rankingScores: [Float],
                rankingHasAnswer: [Bool], relevant: [Relevance]) {
        self.id = id
        self.prediction = prediction
        self.golds = golds
        self.exactMatch = exactMatch
        self.f1 = f1
        self.contextIDs = contextIDs
        self.contextScores = contextScores
        self.rankingIDs = rankingIDs
        self.rankingScores = rankingScores
        self.rankingHasAnswer = rankingHasAnswer
        self.relevant = relevant
    }

    /// The question's value of `metric`, or nil when the question does not count for it
    /// (a gold-chunk metric on a question without judged chunks, answer recall without
    /// answer hits, any retrieval metric when nothing was ranked).
    public func score(_ metric: RecordMetric) -> Double? {
        switch metric {
        case .exactMatch: return exactMatch
        case .f1: return f1
        case let .retrieval(m):
            if rankingIDs.isEmpty { return nil }
            if m.needsGold {
                let grades = relevantGrades
                return grades.isEmpty ? nil : m.value(ranking: rankingIDs, grades: grades)
            }
            return rankingHasAnswer.isEmpty ? nil : m.value(ranking: rankingIDs, grades: [:], answerHits: rankingHasAnswer)
        case let .judge(m):
            guard let v = judge?.value(m), !v.isNaN else { return nil }
            return v
        }
    }

    /// Chunk id → grade of the relevant chunks (grade > 0), as `Example.relevantGrades`.
    public var relevantGrades: [String: Int] {
        var g: [String: Int] = [:]
        for r in relevant where r.grade > 0 { g[r.id] = max(g[r.id] ?? 0, r.grade) }
        return g
    }
}

/// A per-question quantity that tables and paired tests compare.
public enum RecordMetric: Sendable, Hashable, CustomStringConvertible {
    case exactMatch
    case f1
    case retrieval(RetrievalMetric)
    /// A RAGAS-style judge metric; a question the judge could not score does not count.
    case judge(JudgeMetric)

    public var description: String {
        switch self {
        case .exactMatch: return "EM"
        case .f1: return "F1"
        case let .retrieval(m): return m.description
        case let .judge(m): return m.rawValue
        }
    }

    /// True when every question scores 0 or 1, so a paired comparison can use the exact
    /// McNemar test on discordant pairs.
    public var isBinary: Bool {
        switch self {
        case .exactMatch: return true
        case .f1: return false
        case let .retrieval(m):
            switch m {
            case .answerRecall, .goldRecallAny, .goldRecallAll: return true
            case .recall, .mrr, .ndcg, .rPrecision: return false
            }
        case .judge: return false
        }
    }

    /// True for the judge metrics, whose questions differ between passes (an unparsable
    /// reply leaves a question out): paired tests use the questions both sides scored.
    public var isJudge: Bool {
        if case .judge = self { return true }
        return false
    }

    /// Parses the names `description` prints (`EM`, `F1`, `R@5`, `AnsR@20`, `nDCG@10`, …).
    public init?(name: String) {
        switch name {
        case "EM": self = .exactMatch; return
        case "F1": self = .f1; return
        case "R-Prec": self = .retrieval(.rPrecision); return
        default: break
        }
        if let m = JudgeMetric(rawValue: name) { self = .judge(m); return }
        let parts = name.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[1]), k > 0 else { return nil }
        switch parts[0] {
        case "AnsR": self = .retrieval(.answerRecall(k))
        case "R": self = .retrieval(.goldRecallAny(k))
        case "AllR": self = .retrieval(.goldRecallAll(k))
        case "Recall": self = .retrieval(.recall(k))
        case "MRR": self = .retrieval(.mrr(k))
        case "nDCG": self = .retrieval(.ndcg(k))
        default: return nil
        }
    }
}
