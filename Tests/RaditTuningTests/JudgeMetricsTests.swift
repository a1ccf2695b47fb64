import Foundation
@testable import RaditExperiments
import RaditRetrieval
import RaditTensor
import RaditTestSupport
import XCTest

/// Judge and embedding metrics: answer similarity is the cosine of the embeddings; the
/// judge sees the prompts from `tools/judge/` filled in, its `SCORE:` lines are read (out
/// of range or missing: nil, counted), raw replies are kept, and a rerun is answered from
/// the request cache.
final class JudgeMetricsTests: XCTestCase {
    /// Bag of letters a–z: a deterministic embedder whose cosines are easy to compute.
    final class LetterEmbedder: TextEmbedder {
        let dimension = 26
        func embed(_ texts: [String]) throws -> Tensor<Float> {
            var out = [Float](repeating: 0, count: texts.count * 26)
            for (i, t) in texts.enumerated() {
                for u in t.lowercased().unicodeScalars where u.value >= 97 && u.value < 123 { out[i * 26 + Int(u.value - 97)] += 1 }
            }
            return Tensor(shape: [texts.count, 26], scalars: out)
        }
    }

    func testSimilarityAndJudgeScores() throws {
        let server = try FaultServer(lifetime: 60) { request, _ in
            let body = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any]) ?? [:]
            let user = ((body["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? ""
            let reply: String
            if user.contains("reference answer") {
                reply = user.contains("Answer to grade: Quon") ? "Same fact.\nSCORE: 1" : "Different.\nSCORE: 0.25"
            } else {
                reply = user.contains("[1] Ada lives in Quon.") ? "Supported.\nSCORE: 0.5" : "I would say SCORE: 7"
            }
            let response: [String: Any] = [
                "id": "x", "object": "chat.completion", "created": 0, "model": "judge",
                "choices": [["index": 0, "message": ["role": "assistant", "content": reply], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 100, "completion_tokens": 5, "total_tokens": 105],
            ]
            return .respond(status: 200, headers: [("Content-Type", "application/json")],
                            body: try! JSONSerialization.data(withJSONObject: response))
        }
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory("judge")
        let judge = TeacherSettings(baseURL: server.baseURL + "/v1", model: "judge", apiKeyEnvironment: "",
                                    cache: dir.appendingPathComponent("judge-cache.jsonl"))
        var metrics = try JudgeMetrics(promptsFolder: Fixtures.repoRoot.appendingPathComponent("tools/judge"),
                                       embedder: LetterEmbedder(), judge: judge)
        metrics.environment = [:]
        let inputs = [
            JudgeInput(id: "q1", question: "Where does Ada live?", answer: "Quon", reference: "Quon",
                       contexts: ["Ada lives in Quon.", "Bo lives in Zell."]),
            JudgeInput(id: "q2", question: "Who built it?", answer: "ab", reference: "ba cc", contexts: ["Nothing here."]),
        ]
        let (records, summary, usage) = try metrics.run(inputs)
        XCTAssertEqual(records[0].answerSimilarity!, 1, accuracy: 1e-9)
        // ab = (1, 1, 0…), ba cc = (1, 1, 2, 0…): cos = 2 / (√2 · √6).
        XCTAssertEqual(records[1].answerSimilarity!, 2 / (2.0.squareRoot() * 6.0.squareRoot()), accuracy: 1e-6)
        XCTAssertEqual(records.map(\.answerCorrectness), [1, 0.25])
        XCTAssertEqual(records.map(\.faithfulness), [0.5, nil], "a score outside [0, 1] is unreadable")
        XCTAssertEqual(records[1].rawFaithfulness, "I would say SCORE: 7")
        XCTAssertEqual(summary.unreadable, 1)
        XCTAssertEqual(summary.answerCorrectness!, 0.625, accuracy: 1e-12)
        XCTAssertEqual(summary.faithfulness, 0.5)
        XCTAssertEqual(usage.sent, 4)
        XCTAssertEqual(server.requests.count, 4)
        // Rerun: from the cache.
        let again = try metrics.run(inputs)
        XCTAssertEqual(again.records, records)
        XCTAssertEqual(again.usage.sent, 0)
        XCTAssertEqual(server.requests.count, 4)
        let out = dir.appendingPathComponent("judge.jsonl")
        try JudgeMetrics.write(records, to: out)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count, 2)
        XCTAssertEqual(JudgeMetrics.score("x\nSCORE: 0.8 because"), 0.8)
        XCTAssertNil(JudgeMetrics.score("no score"))
    }
}
