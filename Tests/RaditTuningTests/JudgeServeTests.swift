import Foundation
import RaditEval
import RaditExperiments
import RaditModels
import RaditRemote
import RaditServe
import RaditTestSupport
import XCTest

/// The judge metrics through a real `radit serve` (SmolLM2 standing in for the judge): every
/// reply is kept verbatim, and what does not parse is counted rather than scored.
final class JudgeServeTests: XCTestCase {
    func testJudgeThroughServeKeepsRawRepliesAndCountsUnparsable() throws {
        let file = try Fixtures.model("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
        let server = try OpenAIServer(bundle: try LlamaBundle(path: file), config: ServeConfig(port: 0, modelName: "judge"))
        defer { server.shutdown() }
        let client = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: server.baseURL, model: "judge",
                                                               http: HTTPClientConfig(timeouts: Timeouts(connect: 5, total: 600),
                                                                                      maxConcurrency: 1, retry: RetryPolicy(maxAttempts: 1))))
        let judge = OpenAIJudge(client: client, maxTokens: 24)
        let prompts = JudgePrompts(correctness: "Question: {question}\nAnswer: {answer}\nGround truth: {ground_truth}\nJSON:",
                                   faithfulness: "Context: {contexts}\nQuestion: {question}\nAnswer: {answer}\nJSON:")
        let items = [JudgeItem(id: "q1", question: "Who finished the Varnholt bridge?", prediction: "Ilse Marr",
                               golds: ["Ilse Marr"], contexts: ["The Varnholt bridge was finished in 1873 by the engineer Ilse Marr."])]
        let (scores, summary) = try AnswerJudge(model: judge, embed: nil, prompts: prompts).score(items)
        XCTAssertEqual(summary.requests, 2)
        let s = try XCTUnwrap(scores.first)
        XCTAssertFalse(s.rawCorrectness.isEmpty, "the served judge's reply is kept")
        // A second run asks the same greedy question and gets the same reply.
        XCTAssertEqual(try AnswerJudge(model: judge, embed: nil, prompts: prompts).score(items).scores, scores)
        let parsed = [s.answerCorrectness, s.faithfulness].filter { !$0.isNaN }.count
        XCTAssertEqual(parsed + summary.unparsable, 2, "each reply is either scored or counted as unparsable")
    }
}
