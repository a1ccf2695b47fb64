import Foundation
import RaditData
import RaditEval
import RaditIndex
import RaditRetrieval
import RaditTestSupport
import XCTest

final class SharedDataBM25Tests: XCTestCase {
    /// BM25 (k1 = 0.9, b = 0.4, lowercase \w+, title + text) on the shared samples must
    /// reproduce ../shared/data/README.md's reference values within ±0.01.
    func run(_ name: String) throws -> (ResultTable, RetrievalBenchmark) {
        let url = Fixtures.sharedData(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("../shared/data/\(name) missing") }
        let dataset = try DatasetReader.read(url.path)
        let bench = RetrievalBenchmark(ks: [1, 5, 10, 20, 100])
        let bm25 = BM25Retriever(corpus: dataset.corpus, parameters: BM25Parameters(k1: 0.9, b: 0.4))
        let rankings = try bm25.rankings(dataset.queries.examples.map(\.question), k: bench.depth)
        let metrics = bench.metrics(for: dataset)
        let row = bench.evaluate(dataset, rankings: rankings, retriever: "bm25", metrics: metrics)
        return (RetrievalBenchmark.table(dataset: dataset.name, metrics: metrics, rows: [row]), bench)
    }

    func testHotpotQASampleMatchesREADME() throws {
        let (t, _) = try run("hotpotqa_dev_distractor_sample100")
        print(MarkdownTable.render(t))
        XCTAssertEqual(try XCTUnwrap(t.cell("bm25", "nDCG@10")).value, 0.753, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(t.cell("bm25", "R@5")).value, 0.960, accuracy: 0.01)
        // One question is 0.01 here; our 0.79 differs from the README's 0.78 by one tie.
        XCTAssertEqual(try XCTUnwrap(t.cell("bm25", "AllR@10")).value, 0.780, accuracy: 0.0101)
    }

    func testXQuADMatchesREADME() throws {
        let (t, _) = try run("xquad_en")
        print(MarkdownTable.render(t))
        XCTAssertEqual(try XCTUnwrap(t.cell("bm25", "nDCG@10")).value, 0.962, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(t.cell("bm25", "R@1")).value, 0.924, accuracy: 0.01)
    }
}
