@testable import RaditEval
import XCTest

/// Cases computed by hand and checked against the behaviour of the official SQuAD v2.0
/// (`evaluate-v2.0.py`) and HotpotQA (`hotpot_evaluate_v1.py`) scripts.
final class AnswerMetricsTests: XCTestCase {
    func testNormalisationFollowsSquad() {
        XCTAssertEqual(AnswerMetrics.normalize("The  Eiffel Tower!"), "eiffel tower")
        XCTAssertEqual(AnswerMetrics.normalize("  A cat, an apple, THE end. "), "cat apple end")
        // Articles only as whole words: "theory", "anna", "bata" survive.
        XCTAssertEqual(AnswerMetrics.normalize("theory of Anna's bata"), "theory of annas bata")
        // Punctuation is removed without a space, so "U.S.A." becomes "usa" and "don't" "dont".
        XCTAssertEqual(AnswerMetrics.normalize("U.S.A. don't"), "usa dont")
        // An article left after punctuation removal goes too ("(the)" -> "the" -> gone).
        XCTAssertEqual(AnswerMetrics.normalize("in (the) end"), "in end")
        XCTAssertEqual(AnswerMetrics.normalize("\tfoo\n\nbar "), "foo bar")
        XCTAssertEqual(AnswerMetrics.normalize("the"), "")
    }

    func testExactMatch() {
        XCTAssertEqual(AnswerMetrics.exactMatch(prediction: "the Eiffel tower.", gold: "Eiffel Tower"), 1)
        XCTAssertEqual(AnswerMetrics.exactMatch(prediction: "Eiffel", gold: "Eiffel Tower"), 0)
        XCTAssertEqual(AnswerMetrics.exactMatch(prediction: "Paris", golds: ["Lyon", "paris"]), 1)
        XCTAssertEqual(AnswerMetrics.exactMatch(prediction: "Paris", golds: []), 0)
    }

    func testTokenF1ByHand() {
        // pred {big, red, dog}, gold {red, dog, barks}: overlap 2, P = 2/3, R = 2/3, F1 = 2/3.
        XCTAssertEqual(AnswerMetrics.f1(prediction: "the big red dog", gold: "red dog barks"), 2.0 / 3.0, accuracy: 1e-12)
        // Multiset overlap of "x x y" and "x y y": min(2,1) + min(1,2) = 2; P = R = 2/3.
        XCTAssertEqual(AnswerMetrics.f1(prediction: "x x y", gold: "x y y"), 2.0 / 3.0, accuracy: 1e-12)
        // Gold normalises to 5 tokens ("the" goes): P = 1, R = 1/5, F1 = 2·0.2/1.2 = 1/3.
        XCTAssertEqual(AnswerMetrics.f1(prediction: "Paris", gold: "Paris in the spring of 1900"), 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "London", gold: "Paris"), 0)
        // Max over aliases.
        XCTAssertEqual(AnswerMetrics.f1(prediction: "red dog", golds: ["cat", "red dog barks"]), 0.8, accuracy: 1e-12)
    }

    func testEmptyAnswersFollowSquadV2() {
        XCTAssertEqual(AnswerMetrics.f1(prediction: "", gold: ""), 1)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "the", gold: "."), 1)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "", gold: "Paris"), 0)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "Paris", gold: ""), 0)
    }

    func testHotpotYesNoRule() {
        // Token overlap would give "no" vs "no way" F1 = 2/3; HotpotQA scores it 0.
        XCTAssertEqual(AnswerMetrics.f1(prediction: "no", gold: "no way"), 0)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "no way", gold: "no"), 0)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "Yes.", gold: "yes"), 1)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "yes", gold: "no"), 0)
        XCTAssertEqual(AnswerMetrics.f1(prediction: "noanswer", gold: "no answer"), 0)
        let s = AnswerScore(prediction: "The yes", golds: ["yes"])
        XCTAssertEqual(s, AnswerScore(prediction: "yes", golds: ["yes"]))
        XCTAssertEqual(s.f1, 1)
        XCTAssertEqual(s.exactMatch, 1)
    }
}
