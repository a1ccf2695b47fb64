import Foundation
@testable import RaditEval
import XCTest

/// RAGAS-style judge metrics: the formulas on hand-computed cases, unparsable replies kept
/// and counted, prompts read from the repository's files, columns round-trip.
final class AnswerJudgeTests: XCTestCase {
    /// A judge that answers from a table keyed by which prompt it was sent, and records them.
    final class ScriptedJudge: JudgeModel, @unchecked Sendable {
        var correctness: String
        var faithfulness: String
        var prompts: [String] = []
        init(correctness: String, faithfulness: String) { self.correctness = correctness; self.faithfulness = faithfulness }
        var name: String { "scripted" }
        func reply(to prompt: String) throws -> String {
            prompts.append(prompt)
            return prompt.contains("faithful") ? faithfulness : correctness
        }
    }

    static func repositoryPrompts() throws -> JudgePrompts {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try JudgePrompts.load(directory: root.appendingPathComponent("prompts/judge"))
    }

    /// Embeddings from a fixed table, so cosines are known.
    static let vectors: [String: [Float]] = ["Paris": [1, 0], "Paris, France": [0.6, 0.8], "Lyon": [0, 1]]
    static let embed: JudgeEmbedder = { texts in texts.map { vectors[$0] ?? [0.5, 0.5] } }

    func testFormulasOnAHandComputedCase() throws {
        let judge = ScriptedJudge(
            correctness: "Here you go: {\"TP\": [\"the capital is Paris\"], \"FP\": [\"it lies in France\"], \"FN\": []}",
            faithfulness: "{\"statements\": [{\"statement\": \"a\", \"verdict\": 1}, {\"statement\": \"b\", \"verdict\": 0}, {\"statement\": \"c\", \"verdict\": 1}]}")
        let item = JudgeItem(id: "q1", question: "What is the capital of France?", prediction: "Paris, France",
                             golds: ["Lyon", "Paris"], contexts: ["Paris is the capital of France."])
        let (scores, summary) = try AnswerJudge(model: judge, embed: Self.embed, prompts: try Self.repositoryPrompts()).score([item])
        let s = try XCTUnwrap(scores.first)
        // Cosine with the best alias: (0.6, 0.8)·(1, 0) = 0.6 vs (0, 1) = 0.8 → 0.8.
        XCTAssertEqual(s.answerSimilarity, 0.8, accuracy: 1e-7) // Float embeddings
        // Factual F1 = 1 / (1 + (1 + 0) / 2) = 2/3; correctness = 0.75 · 2/3 + 0.25 · 0.8 = 0.7.
        XCTAssertEqual(s.answerCorrectness, 0.7, accuracy: 1e-7)
        XCTAssertEqual([s.truePositives, s.falsePositives, s.falseNegatives], [1, 1, 0])
        XCTAssertEqual(s.faithfulness, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(summary.requests, 2)
        XCTAssertEqual(summary.unparsable, 0)
        XCTAssertEqual(summary.counts["faithfulness"], 1)
        // The prompts carry the question, the answer, the first gold and the context.
        XCTAssertTrue(judge.prompts[0].contains("Answer: Paris, France") && judge.prompts[0].contains("Ground truth: Lyon"))
        XCTAssertTrue(judge.prompts[1].contains("Paris is the capital of France."))
    }

    func testUnparsableRepliesAreKeptCountedAndNaN() throws {
        let judge = ScriptedJudge(correctness: "I think it is right.", faithfulness: "{\"statements\": [{\"verdict\": 7}]}")
        let items = [JudgeItem(id: "a", question: "Q?", prediction: "x", golds: ["y"], contexts: ["c"]),
                     JudgeItem(id: "b", question: "Q?", prediction: "x", golds: ["y"], contexts: [])]
        let (scores, summary) = try AnswerJudge(model: judge, embed: nil, prompts: try Self.repositoryPrompts()).score(items)
        XCTAssertTrue(scores[0].answerCorrectness.isNaN)
        XCTAssertTrue(scores[0].faithfulness.isNaN)
        XCTAssertEqual(scores[0].rawCorrectness, "I think it is right.")
        XCTAssertEqual(scores[0].rawFaithfulness, "{\"statements\": [{\"verdict\": 7}]}")
        // No context (closed-book): faithfulness is not asked.
        XCTAssertEqual(scores[1].rawFaithfulness, "")
        XCTAssertEqual(summary.requests, 3)
        XCTAssertEqual(summary.unparsable, 3)
        XCTAssertTrue(scores.allSatisfy { $0.answerSimilarity.isNaN }, "no embedder: similarity is NaN, not 0")
        XCTAssertEqual(summary.counts["answer_correctness"], 0)
    }

    func testCountsInsteadOfListsAndEmptyStatements() throws {
        XCTAssertEqual(AnswerJudge.parseCorrectness("{\"TP\": 2, \"FP\": 0, \"FN\": 2}").map { [$0.0, $0.1, $0.2] }, [2, 0, 2])
        XCTAssertNil(AnswerJudge.parseCorrectness("{\"TP\": 2, \"FP\": 0}"))
        XCTAssertEqual(AnswerJudge.parseFaithfulness("{\"statements\": []}"), [])
        XCTAssertEqual(AnswerJudge.factualF1(tp: 2, fp: 0, fn: 2), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(AnswerJudge.factualF1(tp: 0, fp: 0, fn: 0), 1)
    }

    func testColumnsRoundTripWithNaNAndRawText() throws {
        let scores = [JudgeScore(id: "q1", answerSimilarity: 0.5, answerCorrectness: .nan, faithfulness: 1, truePositives: -1,
                                 falsePositives: -1, falseNegatives: -1, rawCorrectness: "not json", rawFaithfulness: "{}"),
                      JudgeScore(id: "q2", answerSimilarity: .nan, answerCorrectness: 0.25, faithfulness: .nan, truePositives: 0,
                                 falsePositives: 1, falseNegatives: 3, rawCorrectness: "{\"TP\":0}", rawFaithfulness: "")]
        let c = JudgeColumns.columns(scores)
        XCTAssertEqual(try JudgeColumns.scores(c, source: "test"), scores)
        var broken = c
        broken["tp_fp_fn"] = nil
        XCTAssertThrowsError(try JudgeColumns.scores(broken, source: "run.h5:/judge/x")) { e in
            XCTAssertTrue("\(e)".contains("tp_fp_fn"))
        }
    }

    func testMissingPromptFileNamesThePathAndTheFix() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("judge-prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try JudgePrompts.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("answer_correctness.txt") && "\(e)".contains("--prompts"), "\(e)")
        }
        try "Question: {question} Answer: {answer}".write(to: dir.appendingPathComponent(JudgePrompts.correctnessFile), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try JudgePrompts.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("{ground_truth}"), "\(e)")
        }
    }
}
