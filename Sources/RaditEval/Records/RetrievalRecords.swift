import RaditData

extension ExampleRecords {
    /// `bench retrieval`'s per-query records: each question's ranking (chunk ids and
    /// scores), whether each ranked chunk holds an answer (DPR `has_answer`, computed when
    /// the question has answers) and its judged chunks; no prediction (EM = F1 = 0).
    /// `rankings[q]` holds (corpus position, score) hits for `dataset.queries[q]`, best first,
    /// as the index layer's `SearchResult.hits(q)` returns them.
    public init(retrievalOf dataset: Dataset, rankings: [[(id: Int, score: Float)]]) throws(EvalError) {
        guard rankings.count == dataset.queries.count else {
            throw .statistics(what: "retrieval records of \(dataset.name)",
                              detail: "\(rankings.count) rankings for \(dataset.queries.count) questions")
        }
        var finder = AnswerHitFinder(corpus: dataset.corpus)
        var records: [ExampleRecord] = []
        records.reserveCapacity(rankings.count)
        for (example, ranking) in zip(dataset.queries.examples, rankings) {
            guard ranking.allSatisfy({ $0.id >= 0 && $0.id < dataset.corpus.count }) else {
                throw .statistics(what: "retrieval records of \(dataset.name)",
                                  detail: "question '\(example.id)' ranks a position outside the corpus of \(dataset.corpus.count) chunks")
            }
            let hits = finder.hits(ranking.map(\.id), answers: example.answers)
            records.append(ExampleRecord(id: example.id, prediction: "", golds: example.answers, exactMatch: 0, f1: 0,
                                         contextIDs: [], contextScores: [],
                                         rankingIDs: ranking.map { dataset.corpus[$0.id].id },
                                         rankingScores: ranking.map(\.score), rankingHasAnswer: hits,
                                         relevant: example.gold))
        }
        try self.init(records, source: dataset.name)
    }
}
