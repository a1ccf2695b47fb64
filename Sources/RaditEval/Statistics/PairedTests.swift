/// The paired tests between two systems scored on the same questions.
public enum PairedTest: String, Sendable, CaseIterable, Equatable {
    /// Exact McNemar test (McNemar 1947): a two-sided binomial test with p = ½ on the
    /// discordant pairs (A right & B wrong vs A wrong & B right). Binary scores only.
    case mcnemarExact = "mcnemar-exact"
    /// Paired bootstrap (Efron & Tibshirani 1993 §16.4; Koehn 2004): resample questions,
    /// centre the resampled mean differences δ* at the observed δ, p = (1 + #{|δ* − δ| ≥ |δ|}) / (R + 1).
    case pairedBootstrap = "paired-bootstrap"
    /// Approximate randomization (Noreen 1989; Riezler & Maxwell 2005): swap the two
    /// systems' scores on each question with probability ½, p = (1 + #{|δ*| ≥ |δ|}) / (R + 1).
    case randomization = "randomization"

    /// Short name for table cells and CSV.
    public var name: String {
        switch self {
        case .mcnemarExact: return "exact McNemar"
        case .pairedBootstrap: return "paired bootstrap"
        case .randomization: return "approximate randomization"
        }
    }

    /// One sentence for a table footnote.
    public func footnote(resamples: Int, seed: UInt64) -> String {
        switch self {
        case .mcnemarExact:
            return "exact McNemar test (two-sided binomial test, p = ½, on the discordant questions)"
        case .pairedBootstrap:
            return "two-sided paired bootstrap over questions (R = \(resamples), seed \(seed); "
                + "p = (1 + #{|δ* − δ| ≥ |δ|}) / (R + 1), the +1 counting the observed split)"
        case .randomization:
            return "two-sided approximate randomization test (R = \(resamples) random swaps per question, seed \(seed); "
                + "p = (1 + #{|δ*| ≥ |δ|}) / (R + 1), the +1 counting the observed assignment)"
        }
    }

    /// The test a table uses for `metric` between configurations with `seeds` seeds each:
    /// exact McNemar for a binary metric from single runs; otherwise `continuous` on the
    /// per-question means over seeds (McNemar needs one 0/1 outcome per question).
    public static func choose(for metric: RecordMetric, seeds: Int, continuous: PairedTest) -> PairedTest {
        metric.isBinary && seeds == 1 ? .mcnemarExact : continuous
    }
}

/// The outcome of a paired test of system A against system B.
public struct PairedTestResult: Sendable, Equatable {
    public var test: PairedTest
    /// Paired questions.
    public var n: Int
    public var meanA: Double
    public var meanB: Double
    /// Two-sided p-value.
    public var p: Double
    /// Resamples behind `p` (nil for the exact test).
    public var resamples: Int?
    /// McNemar's discordant counts: A right & B wrong, A wrong & B right.
    public var aOnly: Int?
    public var bOnly: Int?

    /// δ = mean(A) − mean(B).
    public var difference: Double { meanA - meanB }
}

/// Paired significance tests. Scores are aligned by position (see `QuestionScores.aligned`).
public enum PairedTests {
    /// Resampled statistics within this distance of the observed one count as at least as
    /// extreme, so summation order (Swift vs numpy) never decides a tie.
    public static let tieTolerance = 1e-9

    public static func mcnemarExact(_ a: [Double], _ b: [Double]) throws(EvalError) -> PairedTestResult {
        try checkPaired(a, b, "exact McNemar")
        var aOnly = 0, bOnly = 0
        for (x, y) in zip(a, b) {
            guard (x == 0 || x == 1) && (y == 0 || y == 1) else {
                throw .statistics(what: "exact McNemar", detail: "scores must be 0 or 1, found \(x) and \(y); use a resampling test for graded scores")
            }
            if x == 1 && y == 0 { aOnly += 1 }
            if x == 0 && y == 1 { bOnly += 1 }
        }
        return PairedTestResult(test: .mcnemarExact, n: a.count, meanA: Descriptive.mean(a), meanB: Descriptive.mean(b),
                                p: Binomial.twoSidedHalf(aOnly, trials: aOnly + bOnly), resamples: nil,
                                aOnly: aOnly, bOnly: bOnly)
    }

    public static func pairedBootstrap(_ a: [Double], _ b: [Double], plan: BootstrapPlan) throws(EvalError) -> PairedTestResult {
        try checkPaired(a, b, "paired bootstrap")
        try checkPlan(plan.questions, a.count, "paired bootstrap")
        let d = zip(a, b).map { $0 - $1 }
        let delta = Descriptive.mean(d)
        let extreme = plan.means(d).reduce(0) { $0 + (abs($1 - delta) >= abs(delta) - tieTolerance ? 1 : 0) }
        return resampled(.pairedBootstrap, a, b, extreme: extreme, resamples: plan.resamples)
    }

    public static func randomization(_ a: [Double], _ b: [Double], plan: SignFlipPlan) throws(EvalError) -> PairedTestResult {
        try checkPaired(a, b, "approximate randomization")
        try checkPlan(plan.questions, a.count, "approximate randomization")
        let d = zip(a, b).map { $0 - $1 }
        let delta = Descriptive.mean(d)
        let n = Double(d.count)
        var extreme = 0
        for r in 0..<plan.resamples {
            var s = 0.0
            for (x, flip) in zip(d, plan.row(r)) { s += flip ? -x : x }
            if abs(s / n) >= abs(delta) - tieTolerance { extreme += 1 }
        }
        return resampled(.randomization, a, b, extreme: extreme, resamples: plan.resamples)
    }

    /// p = (1 + extreme) / (R + 1): the observed statistic counts as one of the R + 1.
    static func resampled(_ test: PairedTest, _ a: [Double], _ b: [Double], extreme: Int, resamples: Int) -> PairedTestResult {
        PairedTestResult(test: test, n: a.count, meanA: Descriptive.mean(a), meanB: Descriptive.mean(b),
                         p: Double(extreme + 1) / Double(resamples + 1), resamples: resamples, aOnly: nil, bOnly: nil)
    }

    /// Runs `test`, taking the resampling plans it needs from `plans`.
    public static func run(_ test: PairedTest, _ a: [Double], _ b: [Double],
                           plans: inout ResamplingPlans) throws(EvalError) -> PairedTestResult {
        switch test {
        case .mcnemarExact: return try mcnemarExact(a, b)
        case .pairedBootstrap: return try pairedBootstrap(a, b, plan: plans.bootstrap(questions: a.count))
        case .randomization: return try randomization(a, b, plan: plans.flips(questions: a.count))
        }
    }

    static func checkPaired(_ a: [Double], _ b: [Double], _ what: String) throws(EvalError) {
        guard a.count == b.count, !a.isEmpty else {
            throw .statistics(what: what, detail: "needs the same non-zero number of questions on both sides, got \(a.count) and \(b.count)")
        }
    }

    static func checkPlan(_ planQuestions: Int, _ n: Int, _ what: String) throws(EvalError) {
        guard planQuestions == n else {
            throw .statistics(what: what, detail: "the resampling plan covers \(planQuestions) questions, the scores \(n)")
        }
    }
}

extension QuestionScores {
    /// The values of the questions both sides scored, paired, in this side's order (judge
    /// metrics, where an unparsable reply leaves a question out on one side only).
    public func common(with other: QuestionScores) -> (a: [Double], b: [Double]) {
        var position: [String: Int] = [:]
        for (i, id) in other.ids.enumerated() { position[id] = i }
        var a: [Double] = [], b: [Double] = []
        for (i, id) in ids.enumerated() {
            if let j = position[id] { a.append(values[i]); b.append(other.values[j]) }
        }
        return (a, b)
    }

    /// Both sides' values on the same questions, in this side's order; different question
    /// sets are an error (a paired test compares runs on identical questions).
    public func aligned(with other: QuestionScores, what: String) throws(EvalError) -> (a: [Double], b: [Double]) {
        var position: [String: Int] = [:]
        for (i, id) in other.ids.enumerated() { position[id] = i }
        guard other.count == count, ids.allSatisfy({ position[$0] != nil }) else {
            let missing = ids.filter { position[$0] == nil }.prefix(3)
            throw .statistics(what: what, detail: "the two runs cover different questions (\(count) vs \(other.count); "
                + "e.g. \(missing.joined(separator: ", "))); compare runs evaluated on the same split")
        }
        return (values, ids.map { other.values[position[$0]!] })
    }
}
