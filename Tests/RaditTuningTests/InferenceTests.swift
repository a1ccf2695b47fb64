import RaditRetrieval
import RaditTestSupport
@testable import RaditTuning
import XCTest

final class InferenceTests: XCTestCase {
    let kb = ToyKB()

    func reader() throws -> (RetrievalReader, ToyLM) {
        let (lm, enc, index) = try toyModels(kb, alpha: 3)
        let scorer = CachedScorer(scorer: lm, template: PromptFormat.schemaDefault, cache: ScoreCache())
        return (RetrievalReader(generator: lm, scorer: scorer, retriever: try DenseRetriever(queries: enc, index: index), corpus: kb.corpus), lm)
    }

    /// Rerank with k = 1 answers exactly as plain inference with that one chunk.
    func testRerankWithOneChunkEqualsSingleContextInference() throws {
        let (r, lm) = try reader()
        var o = InferenceOptions.test()
        o.mode = .rerank
        o.k = 1
        let reranked = try r.answer(kb.dev, options: o)
        let (_, ids) = try r.retrieve(kb.dev.map(\.question), k: 1)
        for (i, e) in kb.dev.enumerated() {
            let prompt = PromptFormat.schemaDefault.prompt(question: e.question, chunk: kb.corpus.text(ids[i][0]))
            let plain = PromptFormat.schemaDefault.extractAnswer(try lm.generate([prompt], maxTokens: 4)[0])
            XCTAssertEqual(reranked[i].answer, plain)
            let lp = try lm.score([PromptFormat.schemaDefault.pair(question: e.question, chunk: kb.corpus.text(ids[i][0]), answer: plain)])[0]
            XCTAssertEqual(reranked[i].logProbability!, lp.sum, accuracy: 1e-12)
        }
        // The mixture itself: one chunk leaves log p unchanged whatever its score.
        XCTAssertEqual(answerMixture(logProbs: [[-1.7]], retrieverScores: [42], temperature: 0.3), [-1.7])
    }

    /// With all retrieval scores equal, the answer mixture is the uniform mixture (1/k) Σ_c p_LM(y|c∘x).
    func testEqualScoresGiveUniformMixture() {
        let lp: [[Double]] = [[-0.5, -2.0, -3.0], [-4.0, -0.1, -1.0]]
        let mix = answerMixture(logProbs: lp, retrieverScores: [0.7, 0.7, 0.7], temperature: 0.05)
        for (a, row) in lp.enumerated() {
            XCTAssertEqual(mix[a], log(row.map { exp($0) }.reduce(0, +) / 3), accuracy: 1e-12)
        }
        // And unequal scores weight by softmax(s / τ).
        let w = softmax([1, 0, 0], temperature: 0.5)
        let m2 = answerMixture(logProbs: lp, retrieverScores: [1, 0, 0], temperature: 0.5)
        XCTAssertEqual(m2[0], log(zip(lp[0], w).reduce(0) { $0 + exp($1.0) * $1.1 }), accuracy: 1e-12)
    }

    func testOracleAndClosedBookBaselines() throws {
        let (r, _) = try reader()
        var o = InferenceOptions.test()
        o.mode = .oracle
        let oracle = try r.answer(kb.dev, options: o)
        // The toy LM with α = 3 copies the one new word of the gold chunk: EM 1.
        for (p, e) in zip(oracle, kb.dev) { XCTAssertEqual(p.answer, e.answers[0]) }
        o.mode = .closedBook
        let closed = try r.answer(kb.dev, options: o)
        XCTAssertTrue(closed.allSatisfy { $0.chunks.isEmpty })
        o.mode = .concat
        o.k = 2
        XCTAssertTrue(try r.answer(kb.dev, options: o).allSatisfy { $0.chunks.count == 2 })
    }

    func testAnswerExtraction() {
        var t = PromptFormat.schemaDefault
        XCTAssertEqual(t.extractAnswer(" Paris\nQuestion: next"), "Paris")
        XCTAssertEqual(t.extractAnswer("Reasoning... Answer: Lima  \nmore"), "Lima")
        t.answerTag = "<ANSWER>:"
        XCTAssertEqual(t.extractAnswer("##begin_quote## x ##end_quote## so <ANSWER>: Oslo"), "Oslo")
        XCTAssertEqual(t.extractAnswer("<ANSWER>: a <ANSWER>: b"), "b")
    }

    func testCacheKeysSeparateFields() {
        let a = ScoreKey(checkpoint: "m", template: "t", question: "ab", answer: "c", chunk: "d")
        let b = ScoreKey(checkpoint: "m", template: "t", question: "a", answer: "bc", chunk: "d")
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a, ScoreKey(checkpoint: "m", template: "t", question: "ab", answer: "c", chunk: "d"))
    }
}
