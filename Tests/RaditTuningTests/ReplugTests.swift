import Foundation
import RaditData
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditTestSupport
import RaditText
@testable import RaditTuning
import XCTest

/// A token-level "LM" whose next-token distributions are written out per context, so the
/// REPLUG mixture and the rerank of whole answers can be computed by hand. Tokens: 0 is the
/// end of answer, 1… the words of `words`.
final class TableLM: MixtureGenerator, AnswerScorer {
    static let words = ["a", "b", "c", "x", "y", "z"]
    /// (context word in the prompt, generated prefix) → next-token probabilities by word
    /// ("" = end); anything not listed ends the answer.
    let table: [String: [String: [String: Double]]]
    init(_ table: [String: [String: [String: Double]]]) { self.table = table }

    var checkpointIdentity: String { "table" }
    var endOfAnswer: Set<Int> { [0] }
    static func id(_ w: String) -> Int { w.isEmpty ? 0 : words.firstIndex(of: w)! + 1 }

    func distribution(prompt: String, prefix: [Int]) -> [Double] { // (V)
        let context = table.keys.first { prompt.contains("Background: \($0)") } ?? ""
        let key = prefix.map { Self.words[$0 - 1] }.joined(separator: " ")
        let row = table[context]?[key] ?? ["": 1]
        var p = [Double](repeating: 1e-12, count: Self.words.count + 1)
        for (w, v) in row { p[Self.id(w)] = v }
        let z = p.reduce(0, +)
        return p.map { $0 / z }
    }

    final class Source: NextTokenSource {
        let lm: TableLM, prompt: String
        var prefix: [Int] = []
        init(_ lm: TableLM, _ prompt: String) { self.lm = lm; self.prompt = prompt }
        var logProbabilities: [Double] { lm.distribution(prompt: prompt, prefix: prefix).map { Foundation.log($0) } }
        var isFull: Bool { false }
        func append(_ token: Int) throws { prefix.append(token) }
    }

    func openSources(_ prompts: [String], maxTokens: Int) throws -> [NextTokenSource] { prompts.map { Source(self, $0) } }
    func text(_ tokens: [Int]) -> String { tokens.filter { $0 != 0 }.map { " " + Self.words[$0 - 1] }.joined() }

    func generate(_ prompts: [String], maxTokens: Int) throws -> [String] {
        try prompts.map { p in
            let d = try replugDecode([Source(self, p)], weights: [1], maxTokens: maxTokens, end: [0])
            return text(d.tokens)
        }
    }

    /// log p(answer words, then the end token | prompt).
    func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb] {
        pairs.map { pair in
            let ids = toyWords(pair.answer).map(Self.id) + [0]
            var lp = 0.0
            for (t, y) in ids.enumerated() { lp += Foundation.log(distribution(prompt: pair.prompt, prefix: Array(ids[..<t]))[y]) }
            return AnswerLogProb(sum: lp, tokens: ids.count)
        }
    }
}

/// A retriever that returns its chunks in order with fixed scores.
struct FixedRetriever: Retriever {
    let scores: [Float]
    var count: Int { scores.count }
    func search(_ queries: [String], k: Int) throws -> SearchResult {
        SearchResult(queryCount: queries.count, k: k, scores: queries.flatMap { _ in scores.prefix(k) },
                     ids: queries.flatMap { _ in Array(0..<k) })
    }
}

final class ReplugTests: XCTestCase {
    /// Two chunks with equal retrieval scores (p_R = ½, ½). Per token the mixture picks
    /// c (½·0.4 + ½·0.9 = 0.65), then y (½·0.5 + ½·0.45 = 0.475), then the end: "c y",
    /// an answer neither context decodes alone. Rerank decodes "a b" (alpha) and "c z"
    /// (beta) and keeps "a b": ½·0.6 = 0.3 > ½·0.4·0 + ½·0.9·0.55 = 0.2475.
    func testTwoChunkMixtureEqualsHandComputationAndDiffersFromRerank() throws {
        let lm = TableLM([
            "alpha": ["": ["a": 0.6, "c": 0.4], "a": ["b": 1], "c": ["x": 0.5, "y": 0.5]],
            "beta": ["": ["c": 0.9, "b": 0.1], "c": ["y": 0.45, "z": 0.55]],
        ])
        let corpus = try Corpus([Chunk(id: "a", title: "", text: "alpha"), Chunk(id: "b", title: "", text: "beta")])
        let reader = RetrievalReader(generator: lm, scorer: CachedScorer(scorer: lm, template: PromptFormat.schemaDefault, cache: ScoreCache()),
                                     retriever: FixedRetriever(scores: [0.2, 0.2]), corpus: corpus)
        let e = [Example(id: "q", question: "q", answers: ["c y"])]
        var o = InferenceOptions.test()
        o.k = 2
        o.maxTokens = 10
        o.mode = .replug
        let replug = try reader.answer(e, options: o)[0]
        XCTAssertEqual(replug.answer, "c y")
        XCTAssertEqual(replug.logProbability!, Foundation.log(0.65) + Foundation.log(0.475) + Foundation.log(1), accuracy: 1e-9)
        o.mode = .rerank
        let rerank = try reader.answer(e, options: o)[0]
        XCTAssertEqual(rerank.generations, [" a b", " c z"])
        XCTAssertEqual(rerank.answer, "a b")
        XCTAssertEqual(rerank.logProbability!, Foundation.log(0.3), accuracy: 1e-9)
        XCTAssertNotEqual(replug.answer, rerank.answer)
    }

    func tinyLM() throws -> LlamaLM {
        let c = LlamaConfig(layers: 2, width: 32, heads: 4, kvHeads: 2, mlpWidth: 64, vocab: ByteCodec().vocabularySize,
                            maxPositions: 256, bosToken: 1, eosToken: 2)
        return LlamaLM(model: try LlamaModel(config: c, seed: 11), codec: ByteCodec(), baseIdentity: "tiny", maxLength: 128,
                       scoringBatchSize: 8, microBatchSize: 4, optimizer: .test)
    }

    /// Rerank scores its candidates against the caches generation kept; the answers, the
    /// generations and the mixture log-probabilities equal those of the same LM behind a
    /// plain generator, whose candidates go through the scorer (one forward per pair).
    func testRerankOnKeptPromptCachesEqualsRerankThroughTheScorer() throws {
        /// The LM without `ContinuationScoringGenerator`.
        final class PlainGenerator: AnswerGenerator {
            let lm: LlamaLM
            init(_ lm: LlamaLM) { self.lm = lm }
            func generate(_ prompts: [String], maxTokens: Int) throws -> [String] { try lm.generate(prompts, maxTokens: maxTokens) }
        }
        let lm = try tinyLM()
        let kb = ToyKB(entities: 6)
        let (_, enc, index) = try toyModels(kb, dimension: 4, seed: 2)
        func reader(_ g: AnswerGenerator) throws -> RetrievalReader {
            RetrievalReader(generator: g, scorer: CachedScorer(scorer: lm, template: PromptFormat.schemaDefault, cache: ScoreCache()),
                            retriever: try DenseRetriever(queries: enc, index: index), corpus: kb.corpus)
        }
        var o = InferenceOptions.test()
        o.mode = .rerank
        o.k = 3
        o.maxTokens = 6
        let kept = try reader(lm)
        let plain = try reader(PlainGenerator(lm))
        // Teach the LM to answer each chunk with that chunk's last word, so the k chunks of a
        // question give different candidates and the mixture has to choose.
        let (_, ids) = try kept.retrieve(kb.dev.map(\.question), k: o.k)
        var pairs: [PromptAnswer] = []
        for (i, e) in kb.dev.enumerated() {
            for id in ids[i] {
                let chunk = kb.corpus.text(id)
                pairs.append(PromptAnswer(prompt: PromptFormat.schemaDefault.prompt(question: e.question, chunk: chunk),
                                          answer: " " + (chunk.split(separator: " ").last.map(String.init) ?? "")))
            }
        }
        for _ in 0..<120 { _ = try lm.trainStep(pairs, learningRate: 3e-3) }
        let a = try kept.answer(kb.dev, options: o), b = try plain.answer(kb.dev, options: o)
        XCTAssertEqual(kept.scorer.counts.scored, 0, "the kept caches score every candidate")
        XCTAssertGreaterThan(plain.scorer.counts.scored, 0)
        XCTAssertEqual(a.map(\.generations), b.map(\.generations))
        XCTAssertEqual(a.map(\.answer), b.map(\.answer))
        // Several distinct candidates somewhere, so the mixture decided between them.
        XCTAssertTrue(a.contains { Set($0.generations).count > 1 }, "no question had two candidates: the test would not compare a choice: \(a.map(\.generations))")
        for (x, y) in zip(a, b) { XCTAssertEqual(x.logProbability!, y.logProbability!, accuracy: 1e-4) }
    }

    /// One context with weight 1: REPLUG is plain greedy decoding of that context.
    func testOneContextEqualsSingleContextGreedy() throws {
        let lm = try tinyLM()
        for prompt in ["Background: kalomi colour teal\n\nQuestion: which colour is kalomi\nAnswer:", "Question: x?\nAnswer:"] {
            let d = try replugDecode(lm.openSources([prompt], maxTokens: 12), weights: [1], maxTokens: 12, end: lm.endOfAnswer)
            let greedy = try lm.model.generate(prompt: lm.generationPrompt(prompt, maxTokens: 12),
                                               config: GenerationConfig(maxTokens: 12, stopTokens: lm.endOfAnswer))
            XCTAssertEqual(d.tokens, greedy.tokens)
            XCTAssertEqual(lm.text(d.tokens), try lm.generate([prompt], maxTokens: 12)[0])
        }
        // Through the reader: replug with k = 1 answers as generation from the top chunk does.
        let kb = ToyKB(entities: 4)
        let (_, enc, index) = try toyModels(kb, dimension: 4, seed: 2)
        let reader = RetrievalReader(generator: lm, scorer: CachedScorer(scorer: lm, template: PromptFormat.schemaDefault, cache: ScoreCache()),
                                     retriever: try DenseRetriever(queries: enc, index: index), corpus: kb.corpus)
        var o = InferenceOptions.test()
        o.mode = .replug
        o.k = 1
        o.maxTokens = 6
        let got = try reader.answer(Array(kb.dev.prefix(3)), options: o)
        let (_, ids) = try reader.retrieve(kb.dev.prefix(3).map(\.question), k: 1)
        for (i, e) in kb.dev.prefix(3).enumerated() {
            let g = try lm.generate([PromptFormat.schemaDefault.prompt(question: e.question, chunk: kb.corpus.text(ids[i][0]))], maxTokens: 6)[0]
            XCTAssertEqual(got[i].generations, [g])
        }
    }

    /// On the tiny Llama with two contexts, the KV-cached mixture equals the mixture
    /// recomputed from full forwards of c∘x∘y<t at every step.
    func testLlamaMixtureEqualsFullForwardRecomputation() throws {
        let lm = try tinyLM()
        let prompts = ["Background: zovi city oslo\n\nQuestion: which city is zovi\nAnswer:",
                       "Background: nepa colour teal\n\nQuestion: which city is zovi\nAnswer:"]
        let w = [0.3, 0.7]
        let steps = 8
        let d = try replugDecode(lm.openSources(prompts, maxTokens: steps), weights: w, maxTokens: steps, end: [])
        XCTAssertEqual(d.tokens.count, steps)
        let V = lm.model.config.vocab
        var prefix: [Int] = []
        var expected = 0.0
        for t in 0..<steps {
            var mixture = [Double](repeating: 0, count: V)
            for (c, p) in prompts.enumerated() {
                let seq = lm.promptIDs(p) + prefix
                let logits = lm.model.logits(try LlamaBatch(sequences: [seq]))
                let last = (0..<V).map { Double(logits.scalars[(seq.count - 1) * V + $0]) }
                let probs = softmax(last)
                for v in 0..<V { mixture[v] += w[c] * probs[v] }
            }
            var best = 0
            for v in 1..<V where mixture[v] > mixture[best] { best = v }
            XCTAssertEqual(d.tokens[t], best, "step \(t)")
            expected += Foundation.log(mixture[best])
            prefix.append(d.tokens[t])
        }
        XCTAssertEqual(d.logProbability, expected, accuracy: 1e-4)
    }
}
