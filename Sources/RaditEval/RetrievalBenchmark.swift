import RaditBase
import RaditData

/// One retriever's mean metrics over a dataset's questions.
public struct RetrievalRow: Sendable, Equatable {
    public var retriever: String
    /// Values in the table's metric order.
    public var values: [Double]
    /// Questions with gold chunks, and with answer strings, that the means are over.
    public var goldQueries: Int
    public var answerQueries: Int

    public init(retriever: String, values: [Double], goldQueries: Int, answerQueries: Int) {
        self.retriever = retriever
        self.values = values
        self.goldQueries = goldQueries
        self.answerQueries = answerQueries
    }
}

/// Retrievers × metrics, rendered as Markdown or CSV.
public struct RetrievalTable: Sendable, Equatable {
    public var dataset: String
    public var metrics: [RetrievalMetric]
    public var rows: [RetrievalRow] = []

    public init(dataset: String, metrics: [RetrievalMetric], rows: [RetrievalRow] = []) {
        self.dataset = dataset
        self.metrics = metrics
        self.rows = rows
    }

    public func value(_ retriever: String, _ metric: RetrievalMetric) -> Double? {
        guard let r = rows.first(where: { $0.retriever == retriever }),
              let j = metrics.firstIndex(of: metric) else { return nil }
        return r.values[j]
    }

    public func markdown() -> String {
        var s = "| retriever | " + metrics.map(\.description).joined(separator: " | ") + " |\n"
        s += "|---|" + metrics.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for r in rows {
            s += "| \(r.retriever) | " + r.values.map { $0.isNaN ? "–" : String(format3($0)) }.joined(separator: " | ") + " |\n"
        }
        return s
    }

    public func csv() -> String {
        var s = "retriever," + metrics.map(\.description).joined(separator: ",") + ",gold_queries,answer_queries\n"
        for r in rows {
            s += "\(r.retriever)," + r.values.map { $0.isNaN ? "" : "\($0)" }.joined(separator: ",")
                + ",\(r.goldQueries),\(r.answerQueries)\n"
        }
        return s
    }
}

/// Three decimals without Foundation formatting.
func format3(_ x: Double) -> String {
    let r = (x * 1000).rounded() / 1000
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < 3 { s += String(repeating: "0", count: 3 - decimals) }
    } else {
        s += ".000"
    }
    return s
}

/// Scores rankings of a dataset's questions: gold metrics over questions with gold
/// chunks, answer recall over questions with answer strings (DPR has_answer).
public struct RetrievalBenchmark: Sendable {
    public var ks: [Int]

    public init(ks: [Int] = [1, 5, 10, 20, 100]) {
        self.ks = ks.sorted()
    }

    /// The largest k the rankings must reach (at least 10 for nDCG@10).
    public var depth: Int { max(ks.last ?? 10, 10) }

    /// AnsR@k (when there are answers), R@k, AllR@k for each k, then MRR@10, nDCG@10, R-Prec.
    public func metrics(for dataset: Dataset) -> [RetrievalMetric] {
        let hasAnswers = dataset.queries.examples.contains { !$0.answers.isEmpty }
        var m: [RetrievalMetric] = []
        if hasAnswers { m += ks.map { .answerRecall($0) } }
        m += ks.map { .goldRecallAny($0) }
        m += ks.map { .goldRecallAll($0) }
        m += [.mrr(10), .ndcg(10), .rPrecision]
        return m
    }

    /// Mean of each metric; `rankings[q]` holds corpus positions best first.
    public func evaluate(_ dataset: Dataset, rankings: [[Int]], retriever: String,
                         metrics: [RetrievalMetric]? = nil) -> RetrievalRow {
        let metrics = metrics ?? self.metrics(for: dataset)
        var sums = [Double](repeating: 0, count: metrics.count)
        var gold = 0, answered = 0
        var finder = AnswerHitFinder(corpus: dataset.corpus)
        for (q, example) in dataset.queries.examples.enumerated() {
            let ranking = rankings[q].map { dataset.corpus[$0].id }
            let grades = example.relevantGrades
            let hits = finder.hits(rankings[q], answers: example.answers)
            if !grades.isEmpty { gold += 1 }
            if !example.answers.isEmpty { answered += 1 }
            for (j, m) in metrics.enumerated() {
                if m.needsGold ? grades.isEmpty : example.answers.isEmpty { continue }
                sums[j] += m.value(ranking: ranking, grades: grades, answerHits: hits)
            }
        }
        let values = zip(metrics, sums).map { m, s in
            let n = m.needsGold ? gold : answered
            return n > 0 ? s / Double(n) : .nan
        }
        return RetrievalRow(retriever: retriever, values: values, goldQueries: gold, answerQueries: answered)
    }
}
