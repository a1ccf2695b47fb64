/// One configuration's per-question scores under each of its training seeds (one
/// `QuestionScores` per seed, same questions).
public struct SeededScores: Sendable, Equatable {
    public private(set) var seeds: [QuestionScores]

    /// Every seed must cover the same questions; they are put in the first seed's order.
    public init(_ seeds: [QuestionScores], what: String = "scores") throws(EvalError) {
        guard let first = seeds.first, first.count > 0 else {
            throw .statistics(what: what, detail: "no seeds or no questions to summarise")
        }
        var aligned = [first]
        for s in seeds.dropFirst() {
            aligned.append(QuestionScores(ids: first.ids, values: try first.aligned(with: s, what: what).b))
        }
        self.seeds = aligned
    }

    public var questions: Int { seeds[0].count }

    /// Each question's mean over seeds, in question order.
    public var perQuestionMeans: QuestionScores {
        let r = Double(seeds.count)
        let values = (0..<questions).map { q in seeds.reduce(0) { $0 + $1.values[q] } / r }
        return QuestionScores(ids: seeds[0].ids, values: values)
    }

    /// Mean ± std over seeds of the per-seed means.
    public var summary: SeedSummary { SeedSummary(seeds.map(\.mean)) }
}

/// What a table cell reports about one configuration: the mean over seeds, its std over
/// seeds, and a bootstrap interval over questions of the per-question means.
public struct CellSummary: Sendable, Equatable {
    public var value: Double
    public var n: Int
    public var seeds: Int
    public var standardDeviation: Double?
    public var interval: ConfidenceInterval

    public init(_ scores: SeededScores, plans: inout ResamplingPlans, level: Double) throws(EvalError) {
        let s = scores.summary
        let perQuestion = scores.perQuestionMeans
        value = s.mean
        n = scores.questions
        seeds = s.seeds
        standardDeviation = s.standardDeviation
        interval = try BootstrapInterval.mean(perQuestion.values, plan: plans.bootstrap(questions: n), level: level)
    }
}
