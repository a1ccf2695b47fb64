import Foundation
import RaditKernels
@testable import RaditModels
import RaditTensor
import RaditTestSupport
import XCTest

final class LlamaScoringTests: XCTestCase {
    static let pairs = [
        ScoringPair(prompt: [1, 5, 9, 12], answer: [3, 7]),
        ScoringPair(prompt: [2], answer: [8, 8, 4, 1, 30]),
        ScoringPair(prompt: [40, 41, 42, 43, 44, 45], answer: [6]),
        ScoringPair(prompt: [7, 7], answer: []),
    ]

    func model() throws -> LlamaModel<Float> {
        try TinyReference.load().model(Float.self)
    }

    /// Σ log-softmax read off a full forward of each sequence alone.
    func testScoringEqualsLogSoftmaxOfFullForward() throws {
        let m = try model()
        let scores = try m.score(Self.pairs)
        for (i, p) in Self.pairs.enumerated() {
            let seq = p.prompt + p.answer
            let logits = m.logits(try LlamaBatch(sequences: [seq]))
            let V = m.config.vocab
            var expected: [Double] = []
            for j in 0..<p.answer.count {
                let t = p.prompt.count + j - 1
                let row = (0..<V).map { Double(logits.scalars[t * V + $0]) }
                let mx = row.max()!
                let lse = mx + Foundation.log(row.map { Foundation.exp($0 - mx) }.reduce(0, +))
                expected.append(row[p.answer[j]] - lse)
            }
            assertClose(scores[i].tokenLogProbs, expected, tolerance: 1e-5, "pair \(i)")
            assertClose(scores[i].total, expected.reduce(0, +), tolerance: 1e-5, "pair \(i) sum")
        }
    }

    func testBatchedEqualsUnbatchedAndPaddingSideIrrelevant() throws {
        let m = try model()
        let single = try Self.pairs.map { try m.score([$0], batchSize: 1)[0] }
        let right = try m.score(Self.pairs, batchSize: 4, padding: .right)
        let left = try m.score(Self.pairs, batchSize: 3, padding: .left)
        for i in Self.pairs.indices {
            assertClose(right[i].tokenLogProbs, single[i].tokenLogProbs, tolerance: 1e-5, "batched vs single \(i)")
            assertClose(left[i].tokenLogProbs, single[i].tokenLogProbs, tolerance: 1e-5, "left vs single \(i)")
        }
    }

    func testGenerationWithCacheEqualsFullRecompute() throws {
        let m = try model()
        let prompt = [3, 9, 27, 17]
        let got = try m.generate(prompt: prompt, config: GenerationConfig(maxTokens: 8))
        var seq = prompt
        for _ in 0..<8 {
            let logits = m.logits(try LlamaBatch(sequences: [seq]))
            let V = m.config.vocab, t = seq.count - 1
            let row = Array(logits.scalars[(t * V)..<((t + 1) * V)])
            seq.append(row.indices.max { row[$0] < row[$1] }!)
        }
        XCTAssertEqual(got.tokens, Array(seq[prompt.count...]))
        XCTAssertEqual(got.stopReason, .maxTokens)
        // Stop token ends generation and is included.
        let stop = try m.generate(prompt: prompt, config: GenerationConfig(maxTokens: 8, stopTokens: [got.tokens[2]]))
        XCTAssertEqual(stop.tokens.last, got.tokens[2])
        XCTAssertEqual(stop.stopReason, .stopToken)
    }

    /// Continuations scored against the caches generation kept equal `score` of the full
    /// (prompt, continuation) pairs, for several prompts of different lengths at once, for a
    /// one-token continuation (read off the prompt's logits alone), and after an earlier
    /// continuation has overwritten the caches (each is rolled back to its prompt).
    func testContinuationsScoredAfterRetainedPromptsEqualFullScoring() throws {
        let m = try model()
        // The first, second and fourth prompts prefill as one padded batch; the third alone.
        let prompts = [[3, 9, 27, 17], [5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9], [2, 4, 6, 8]]
        XCTAssertEqual(LlamaModel<Float>.prefillGroups(prompts.map(\.count)), [[2], [0, 3, 1]])
        let greedy = GenerationConfig(maxTokens: 5)
        let (results, states) = try m.generateRetainingPrompts(prompts, config: greedy, scoringRoom: 8)
        // Generation itself is unchanged by keeping the prompts.
        XCTAssertEqual(results, try m.generate(prompts: prompts, config: greedy))
        XCTAssertEqual(states.map(\.promptLength), prompts.map(\.count))
        for continuation in [[8, 8, 4, 1, 30, 2], [6], [12, 40, 3], [8, 8, 4, 1, 30, 2, 7, 7, 9]] {
            guard continuation.count - 1 <= states.map(\.room).min()! else {
                XCTAssertThrowsError(try m.score(continuation: continuation, after: states), "a continuation longer than the room")
                continue
            }
            let got = try m.score(continuation: continuation, after: states)
            let full = try m.score(prompts.map { ScoringPair(prompt: $0, answer: continuation) })
            for p in prompts.indices {
                assertClose(got[p].tokenLogProbs, full[p].tokenLogProbs, tolerance: 1e-5, "prompt \(p), continuation \(continuation)")
            }
        }
    }

    /// Inference computes q, k, v and gate, up as one product each over the adjacent
    /// weights; training keeps the separate products. In Double the two forwards give the
    /// same logits to rounding, for a padded batch and for a single row; and a cached
    /// single-row decoding step equals full scoring.
    func testFusedInferenceProjectionsEqualSeparateOnes() throws {
        let m = try TinyReference.load().model(Double.self)
        XCTAssertTrue(m.offsets.qkvAdjacent, "q, k, v weights adjacent in the arena")
        XCTAssertTrue(m.offsets.gateUpAdjacent, "gate, up weights adjacent in the arena")
        let V = m.config.vocab
        for sequences in [[[3, 9, 27, 17], [5, 6]], [[40, 2]], [[11, 12, 13], [7, 8, 9]]] {
            let batch = try LlamaBatch(sequences: sequences, scoredFrom: Array(repeating: 0, count: sequences.count))
            let inference = m.logits(batch).scalars                       // fused products
            _ = m.forwardLoss(batch)                                      // training: separate products
            XCTAssertFalse(m.work.logitRows.isEmpty)
            for (i, row) in m.work.logitRows.enumerated() {
                let training = Array(UnsafeBufferPointer(start: m.work.logits.pointer + i * V, count: V))
                assertClose(Array(inference[(row * V)..<((row + 1) * V)]), training, tolerance: 1e-12,
                            "\(sequences): slot \(row), inference vs training forward")
            }
        }
        let prompt = [3, 9, 27, 17]
        let (_, states) = try m.generateRetainingPrompts([prompt], config: GenerationConfig(maxTokens: 0), scoringRoom: 4)
        let cached = try m.score(continuation: [8, 4], after: states)[0].tokenLogProbs
        let full = try m.score([ScoringPair(prompt: prompt, answer: [8, 4])])[0].tokenLogProbs
        assertClose(cached, full, tolerance: 1e-12, "cached single-row step vs full scoring")
    }

    func testBatchedGenerationEqualsOneByOne() throws {
        let m = try model()
        // Different prompt lengths, so every decode step mixes cache lengths.
        let prompts = [[3, 9, 27, 17], [5], [1, 2, 3, 4, 5, 6, 7, 8, 9], [11, 12], [4, 4, 4]]
        let greedy = GenerationConfig(maxTokens: 7)
        let alone = try prompts.map { try m.generate(prompt: $0, config: greedy) }
        for batchSize in [16, 2] {
            XCTAssertEqual(try m.generate(prompts: prompts, config: greedy, batchSize: batchSize), alone, "batch size \(batchSize)")
        }
        // Prompts of similar length prefill as one right-padded batch: the same tokens.
        let similar = [[3, 9, 27, 17, 2, 8, 1, 30, 6, 5], [5, 7, 7, 1, 2, 3, 4, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9], [11, 12, 13, 14, 15, 16, 17, 18, 19]]
        XCTAssertEqual(LlamaModel<Float>.prefillGroups(similar.map(\.count)), [[0, 1, 2, 3]])
        // Padding bound 1.1×: 10, 9, 9, 8 tokens would pad to 40 for 36 real; the 8 goes alone.
        XCTAssertEqual(LlamaModel<Float>.prefillGroups([10, 9, 9, 8]), [[0, 1, 2], [3]])
        XCTAssertEqual(try m.generate(prompts: similar, config: greedy), try similar.map { try m.generate(prompt: $0, config: greedy) })
        // A stop token ends one sequence early while the others go on (early stop per sequence).
        var stopping = greedy
        stopping.stopTokens = [alone[0].tokens[1]]
        let expected = try prompts.map { try m.generate(prompt: $0, config: stopping) }
        let batched = try m.generate(prompts: prompts, config: stopping)
        XCTAssertEqual(batched, expected)
        XCTAssertEqual(batched[0].stopReason, .stopToken)
        XCTAssertLessThanOrEqual(batched[0].tokens.count, 2)
        XCTAssertEqual(batched[0].tokens.last, alone[0].tokens[1])
        // Each sequence samples with its own generator seeded alike.
        let sampled = GenerationConfig(maxTokens: 6, sampling: .sample(temperature: 1.0, topP: 0.9), seed: 4)
        XCTAssertEqual(try m.generate(prompts: prompts, config: sampled),
                       try prompts.map { try m.generate(prompt: $0, config: sampled) })
    }

    func testSamplingIsSeeded() throws {
        let m = try model()
        let cfg = GenerationConfig(maxTokens: 10, sampling: .sample(temperature: 1.0, topP: 0.9), seed: 4)
        let a = try m.generate(prompt: [1, 2, 3], config: cfg)
        let b = try m.generate(prompt: [1, 2, 3], config: cfg)
        XCTAssertEqual(a, b)
        var other = cfg
        other.seed = 5
        let c = try m.generate(prompt: [1, 2, 3], config: other)
        XCTAssertNotEqual(a.tokens, c.tokens)
    }

    func testRejectsBadInput() throws {
        let m = try model()
        XCTAssertThrowsError(try m.score([ScoringPair(prompt: [], answer: [1])]))
        XCTAssertThrowsError(try m.score([ScoringPair(prompt: [1], answer: [64])]))
    }
}
