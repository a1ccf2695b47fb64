import Foundation
import RaditData
import RaditEval
import RaditTestSupport
import XCTest

final class RetrievalMetricsTests: XCTestCase {
    func testMatchesRanx() throws {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.file("eval/metrics_ranx.json"))) as! [String: Any]
        let qrels = root["qrels"] as! [String: [String: Int]]
        let runs = root["runs"] as! [String: [String]]
        let order = root["query_order"] as! [String]
        let expected = root["metrics"] as! [String: [Double]]
        let mapping: [String: RetrievalMetric] = [
            "ndcg@1": .ndcg(1), "ndcg@5": .ndcg(5), "ndcg@10": .ndcg(10), "mrr@10": .mrr(10),
            "recall@5": .recall(5), "recall@20": .recall(20), "hit_rate@1": .goldRecallAny(1),
            "hit_rate@10": .goldRecallAny(10), "r-precision": .rPrecision,
        ]
        XCTAssertEqual(Set(mapping.keys), Set(expected.keys))
        for (name, metric) in mapping {
            let ours = order.map { metric.value(ranking: runs[$0]!, grades: qrels[$0]!) }
            assertClose(ours, expected[name]!, tolerance: 1e-9, name)
        }
    }

    func testAllGoldRecallAndAnswerRecall() {
        let grades = ["a": 1, "b": 2, "c": 0]
        XCTAssertEqual(RetrievalMetric.goldRecallAll(2).value(ranking: ["a", "x", "b"], grades: grades), 0)
        XCTAssertEqual(RetrievalMetric.goldRecallAll(3).value(ranking: ["a", "x", "b"], grades: grades), 1)
        XCTAssertEqual(RetrievalMetric.answerRecall(2).value(ranking: [], grades: [:], answerHits: [false, true, true]), 1)
        XCTAssertEqual(RetrievalMetric.answerRecall(1).value(ranking: [], grades: [:], answerHits: [false, true]), 0)
    }

    func testDPRHasAnswer() {
        // Tokens: runs of letters/numbers/marks, single punctuation characters; NFD; uncased.
        XCTAssertEqual(AnswerMatch.tokens("U.S. Army, 1990s!"), ["u", ".", "s", ".", "army", ",", "1990s", "!"])
        XCTAssertTrue(AnswerMatch.hasAnswer("He served in the U.S. Army.", answers: ["u.s. army"]))
        XCTAssertFalse(AnswerMatch.hasAnswer("The USA army", answers: ["U.S. Army"]))
        // Whole-token match: "cat" is not in "category".
        XCTAssertFalse(AnswerMatch.hasAnswer("a category", answers: ["cat"]))
        // NFC "é" in the text matches NFD "e + ◌́" in the answer.
        XCTAssertTrue(AnswerMatch.hasAnswer("Pok\u{E9}mon cards", answers: ["poke\u{301}mon"]))
        XCTAssertFalse(AnswerMatch.hasAnswer("anything", answers: []))
    }
}
