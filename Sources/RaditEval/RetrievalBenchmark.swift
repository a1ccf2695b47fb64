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

extension RetrievalBenchmark {
    /// Retrievers × metrics as a `recall`-layout `ResultTable`, so `radit bench retrieval`
    /// renders through the same Markdown, CSV and LaTeX code as `radit table`: means as
    /// fractions to three decimals, each cell's n the questions its metric counts (with gold
    /// chunks, or with answers for AnsR@k), no cell where a metric does not apply (NaN).
    public static func table(dataset: String, metrics: [RetrievalMetric], rows: [RetrievalRow]) -> ResultTable {
        let layout = TableLayout.recall(retrievers: rows.map(\.retriever), metrics: metrics)
        let tableRows = rows.map { r in
            TableRow(key: r.retriever, labels: [r.retriever], cells: zip(metrics, r.values).map { m, v -> TableCell? in
                v.isNaN ? nil : TableCell(value: v, n: m.needsGold ? r.goldQueries : r.answerQueries)
            })
        }
        var notes: [String] = []
        if let r = rows.first {
            let answers = metrics.contains { !$0.needsGold } ? " (AnsR@k: over the \(r.answerQueries) with answers)" : ""
            notes.append("Means over the \(r.goldQueries) questions with gold chunks\(answers).")
        }
        return ResultTable(title: "Retrieval on \(dataset)", layout: layout.name, stubHeaders: layout.stubHeaders,
                           columns: layout.columns, rows: tableRows, notes: notes,
                           display: TableDisplay(scale: 1, decimals: 3, showInterval: false, showStandardDeviation: false))
    }
}
