import Foundation
import RaditData
import RaditEval
import RaditTestSupport
import XCTest

final class ExampleRecordsTests: XCTestCase {
    /// Three questions with ragged golds, contexts, rankings and judgements, one closed-book.
    static func sample() throws -> ExampleRecords {
        try ExampleRecords([
            ExampleRecord(id: "q1", prediction: "Paris", golds: ["Paris", "City of Paris"],
                          contextIDs: ["d1", "d7"], contextScores: [0.9, 0.4],
                          rankingIDs: ["d1", "d7", "d3"], rankingScores: [0.9, 0.4, 0.1],
                          rankingHasAnswer: [true, false, false], relevant: [Relevance(id: "d1", grade: 2)]),
            ExampleRecord(id: "q2", prediction: "the blue whale", golds: ["blue whale"],
                          contextIDs: ["oracle", "d9"], contextScores: [.nan, .nan],
                          rankingIDs: ["d2"], rankingScores: [1.5],
                          rankingHasAnswer: [false], relevant: [Relevance(id: "d4"), Relevance(id: "d2", grade: 1)]),
            ExampleRecord(id: "q3", prediction: "", golds: []),
        ])
    }

    func testScoresComeFromTheAnswerMetrics() throws {
        let r = try Self.sample()
        XCTAssertEqual(r.records.map(\.exactMatch), [1, 1, 0])
        XCTAssertEqual(r.scores(.exactMatch).values, [1, 1, 0])
        // Retrieval metrics skip questions without judgements or rankings.
        XCTAssertEqual(r.scores(.retrieval(.goldRecallAny(1))).ids, ["q1", "q2"])
        XCTAssertEqual(r.scores(.retrieval(.goldRecallAny(1))).values, [1, 1])
        XCTAssertEqual(r.scores(.retrieval(.recall(1))).values, [1, 0.5])
        XCTAssertEqual(r.scores(.retrieval(.answerRecall(1))).values, [1, 0])
    }

    func testColumnsRoundTrip() throws {
        let r = try Self.sample()
        let c = r.columns()
        XCTAssertEqual(c.names, ["id", "prediction", "gold", "gold_offsets", "em", "f1", "context_ids", "context_scores",
                                 "ranking_ids", "ranking_scores", "ranking_has_answer", "relevant_ids", "relevant_grades",
                                 "relevant_offsets"])
        XCTAssertEqual(c["context_ids"]?.shape, [3, 2])
        XCTAssertEqual(c["ranking_ids"]?.shape, [3, 3])
        XCTAssertEqual(c["gold_offsets"], .ints([0, 2, 3, 3], shape: [4]))
        XCTAssertEqual(c.attributes, ["records_version": 1, "k": 2, "ranking_depth": 3])
        let back = try ExampleRecords(columns: c, source: "mem")
        // NaN scores compare unequal, so compare the NaN-free parts and the NaN positions.
        XCTAssertEqual(back.records.map(\.id), r.records.map(\.id))
        XCTAssertEqual(back.records.map(\.golds), r.records.map(\.golds))
        XCTAssertEqual(back.records.map(\.rankingIDs), r.records.map(\.rankingIDs))
        XCTAssertEqual(back.records.map(\.rankingScores), r.records.map(\.rankingScores))
        XCTAssertEqual(back.records.map(\.rankingHasAnswer), r.records.map(\.rankingHasAnswer))
        XCTAssertEqual(back.records.map(\.relevant), r.records.map(\.relevant))
        XCTAssertEqual(back.records.map(\.contextIDs), r.records.map(\.contextIDs))
        XCTAssertEqual(back.records[0].contextScores, [0.9, 0.4])
        XCTAssertTrue(back.records[1].contextScores.allSatisfy(\.isNaN))
        XCTAssertEqual(back.records.map(\.f1), r.records.map(\.f1))
        XCTAssertEqual(back.columns()["id"], c["id"])
    }

    func testReaderNamesTheBadColumn() throws {
        var c = try Self.sample().columns()
        c["f1"] = nil
        XCTAssertThrowsError(try ExampleRecords(columns: c, source: "run.h5:/predictions/test")) { e in
            XCTAssertEqual(e as? EvalError, .missingColumn(source: "run.h5:/predictions/test", column: "f1"))
            XCTAssertTrue("\(e)".contains("'f1'"))
        }
        c = try Self.sample().columns()
        c["gold_offsets"] = .ints([0, 2, 1, 3], shape: [4])
        XCTAssertThrowsError(try ExampleRecords(columns: c, source: "x")) { e in
            guard case .badColumn(_, "gold_offsets", _)? = e as? EvalError else { return XCTFail("\(e)") }
        }
        c = try Self.sample().columns()
        c["ranking_scores"] = .floats([1, 2], shape: [1, 2])
        XCTAssertThrowsError(try ExampleRecords(columns: c, source: "x")) { e in
            XCTAssertEqual(e as? EvalError, .badShape(source: "x", column: "ranking_scores", expected: [3, 3], actual: [1, 2]))
        }
        c = try Self.sample().columns()
        c["em"] = .strings(["1", "1", "0"], shape: [3])
        XCTAssertThrowsError(try ExampleRecords(columns: c, source: "x"))
    }

    func testDuplicateAndEmptyIDsAreRefused() {
        XCTAssertThrowsError(try ExampleRecords([ExampleRecord(id: "a", prediction: "", golds: []),
                                                 ExampleRecord(id: "a", prediction: "", golds: [])])) { e in
            XCTAssertEqual(e as? EvalError, .duplicateID(source: "<memory>", id: "a"))
        }
        XCTAssertThrowsError(try ExampleRecords([ExampleRecord(id: "a", prediction: "", golds: [], contextIDs: [""])]))
    }

    func testTRECRunRoundTrip() throws {
        let run = TRECRun(tag: "radit-dense", rankings: [
            .init(queryID: "q1", documentIDs: ["d1", "d7", "d3"], scores: [0.9, 0.4, -0.125]),
            .init(queryID: "q2", documentIDs: ["d2"], scores: [1.5e-7]),
        ])
        let text = try run.text()
        XCTAssertTrue(text.hasPrefix("q1 Q0 d1 1 0.9 radit-dense\n"))
        let url = Fixtures.temporaryDirectory("trec").appendingPathComponent("run.trec")
        try run.write(to: url)
        XCTAssertEqual(try TRECRun.read(url), run)
        // From records: the ranking, not the prompt contexts.
        let fromRecords = TRECRun(tag: "t", records: try Self.sample())
        XCTAssertEqual(fromRecords.rankings.map(\.queryID), ["q1", "q2"])
        XCTAssertEqual(try TRECRun.parse(try fromRecords.text(), source: "m"), fromRecords)
    }

    func testTRECRunReaderOrdersByRankAndNamesBadLines() throws {
        let shuffled = "q1 Q0 b 2 0.5 t\nq2 Q0 z 1 3 t\nq1 Q0 a 1 0.7 t\n"
        let run = try TRECRun.parse(shuffled, source: "f.trec")
        XCTAssertEqual(run.rankings.map(\.queryID), ["q1", "q2"])
        XCTAssertEqual(run.rankings[0].documentIDs, ["a", "b"])
        XCTAssertThrowsError(try TRECRun.parse("q1 Q0 a 1 0.7 t\nq1 Q0 b x 0.5 t\n", source: "f.trec")) { e in
            XCTAssertEqual(e as? EvalError, .badLine(source: "f.trec", line: 2, detail: "rank 'x' is not a positive integer"))
        }
        XCTAssertThrowsError(try TRECRun.parse("q1 Q0 a 1 0.7\n", source: "f.trec"))
        XCTAssertThrowsError(try TRECRun.parse("q1 Q0 a 1 0.7 t\nq1 Q0 a 2 0.5 t\n", source: "f.trec"))
        XCTAssertThrowsError(try TRECRun(tag: "t", rankings: [.init(queryID: "q", documentIDs: ["VIVA Media"], scores: [1])]).text()) { e in
            XCTAssertTrue("\(e)".contains("VIVA Media"))
        }
    }

    func testRetrievalRecordsScoreLikeTheBenchmark() throws {
        let corpus = try Corpus([Chunk(id: "c0", title: "", text: "Paris is the capital of France."),
                                 Chunk(id: "c1", title: "", text: "Berlin is in Germany."),
                                 Chunk(id: "c2", title: "", text: "The Loire flows west.")])
        let queries = try QuerySet([Example(id: "q1", question: "capital of France?", answers: ["Paris"], gold: [Relevance(id: "c0")]),
                                    Example(id: "q2", question: "longest river?", answers: ["Loire"], gold: [Relevance(id: "c2")])])
        let dataset = Dataset(name: "toy", format: .beir, corpus: corpus, queries: queries)
        let positions = [[1, 0, 2], [2, 1, 0]]
        let rankings = positions.map { $0.enumerated().map { (id: $1, score: Float(3 - $0)) } }
        let records = try ExampleRecords(retrievalOf: dataset, rankings: rankings)
        XCTAssertEqual(records.records[0].rankingIDs, ["c1", "c0", "c2"])
        XCTAssertEqual(records.records[0].rankingHasAnswer, [false, true, false])
        let benchmark = RetrievalBenchmark(ks: [1, 2])
        for metric in benchmark.metrics(for: dataset) {
            let mean = records.scores(.retrieval(metric)).mean
            XCTAssertEqual(mean, benchmark.evaluate(dataset, rankings: positions, retriever: "x", metrics: [metric]).values[0],
                           "\(metric)")
        }
        XCTAssertThrowsError(try ExampleRecords(retrievalOf: dataset, rankings: [[(id: 9, score: 0)], []]))
    }
}
