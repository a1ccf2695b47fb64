import RaditKernels
import RaditModels
import RaditRetrieval
import RaditTensor
import RaditTestSupport
import XCTest

/// Query-side R-ft on a synthetic paraphrase task. Tiny encoder (2 blocks, C=32) from
/// scratch so it runs in about a second: 120 documents of 8 content words; a query is a
/// paraphrase of one document — 5 of its words, shuffled, each replaced by a fixed
/// "synonym" token with probability 0.7. The random encoder cannot know the synonyms, so
/// it mostly fails; training the query encoder with the LSR loss (an oracle LM that
/// prefers the gold document) over the whole corpus teaches it, while the frozen document
/// encoder and the document embeddings stay bit-identical.
final class QuerySideTuningTests: XCTestCase {
    static let config = BertConfig(vocabSize: 260, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                                   intermediateSize: 64, maxPositionEmbeddings: 16)
    let documentCount = 120, words = 8, queryWords = 5
    let cls = 1, sep = 2, firstWord = 10, synonymShift = 120

    func documents(_ rng: inout RandomSource) -> [[Int]] {
        (0..<documentCount).map { _ in [cls] + rng.sample(words, from: synonymShift).map { $0 + firstWord } + [sep] }
    }

    func paraphrase(_ doc: [Int], _ rng: inout RandomSource) -> [Int] {
        let content = Array(doc[1..<(doc.count - 1)])
        var picked = rng.sample(queryWords, from: content.count).map { content[$0] }
        rng.shuffle(&picked)
        return [cls] + picked.map { rng.bernoulli(0.7) ? $0 + synonymShift : $0 } + [sep]
    }

    func recallAt1(_ q: [Float], _ d: [Float], gold: [Int], dim: Int) -> Double {
        var hits = 0
        for (i, g) in gold.enumerated() {
            var best = -Float.infinity, arg = -1
            for j in 0..<documentCount {
                var s: Float = 0
                for c in 0..<dim { s += q[i * dim + c] * d[j * dim + c] }
                if s > best { best = s; arg = j }
            }
            if arg == g { hits += 1 }
        }
        return Double(hits) / Double(gold.count)
    }

    func testQueryEncoderTrainingRaisesRecallAndKeepsDocumentsFixed() throws {
        var rng = RandomSource(seed: 2024)
        let docs = documents(&rng)
        let base = BertEncoder<Float>.random(config: Self.config, seed: 1, std: 0.1)
        let bi = BiEncoder(base: base)
        let dim = Self.config.hiddenSize
        let docEmbeddings = try bi.encodeDocuments(docs)
        let documentWeights = Array(UnsafeBufferPointer(start: bi.document.parameters.values, count: bi.document.parameters.count))

        var evalRng = RandomSource(seed: 99)
        let evalGold = Array(0..<documentCount)
        let evalQueries = evalGold.map { paraphrase(docs[$0], &evalRng) }
        let before = recallAt1(try bi.encodeQueries(evalQueries), docEmbeddings, gold: evalGold, dim: dim)

        // Oracle LM: log p(y | c∘x) = −1 for the gold document, −6 otherwise.
        let steps = 300, batch = 16
        for step in 0..<steps {
            let gold = (0..<batch).map { _ in rng.int(below: documentCount) }
            let queries = gold.map { paraphrase(docs[$0], &rng) }
            try bi.queryStep(queries, learningRate: LearningRateSchedule.cosine(peak: 3e-3, minimum: 3e-4, warmupSteps: 20, totalSteps: steps).lr(step: step + 1),
                             optimizer: AdamWConfig(), maxGradientNorm: 1) { e in
                var total = 0.0
                var dE = [Float](repeating: 0, count: e.count)
                for b in 0..<batch {
                    let scores: [Float] = (0..<documentCount).map { j in
                        (0..<dim).reduce(Float(0)) { $0 + e[b * dim + $1] * docEmbeddings[j * dim + $1] }
                    }
                    let logProbs = (0..<documentCount).map { $0 == gold[b] ? -1.0 : -6.0 }
                    let target = lsrTargetLogProbabilities(logProbs: logProbs, answerTokens: 3, mode: .logprob, lmTemperature: 1)
                    let l: ScoreLoss<Float> = lsrLoss(scores: scores, targetLogProbs: target, direction: .targetToRetriever,
                                                      retrieverTemperature: 0.05)
                    total += Double(l.value) / Double(batch)
                    var dq = [Float](repeating: 0, count: dim)
                    docEmbeddings.withUnsafeBufferPointer {
                        scoresBackward(dScores: l.dScores.map { $0 / Float(batch) }, documents: $0.baseAddress!, dimension: dim, dQuery: &dq)
                    }
                    for c in 0..<dim { dE[b * dim + c] = dq[c] }
                }
                return (total, dE)
            }
        }
        let after = recallAt1(try bi.encodeQueries(evalQueries), docEmbeddings, gold: evalGold, dim: dim)
        XCTAssertGreaterThan(after, before + 0.2, "recall@1 \(before) → \(after)")
        // Document side untouched: weights and embeddings bit-identical, index still valid.
        XCTAssertEqual(Array(UnsafeBufferPointer(start: bi.document.parameters.values, count: bi.document.parameters.count)), documentWeights)
        XCTAssertEqual(try bi.encodeDocuments(docs), docEmbeddings)
        XCTAssertFalse(bi.indexStale)
        print("query-side tuning: recall@1 \(before) → \(after)")
    }

    func testTrainingBothEncodersMarksIndexStale() throws {
        let bi = BiEncoder(base: BertEncoder<Float>.random(config: Self.config, seed: 1), training: .both)
        let docs = [[1, 11, 12, 2], [1, 13, 2]]
        let before = try bi.encodeDocuments(docs)
        try bi.documentStep(docs, learningRate: 1e-2, optimizer: AdamWConfig(), maxGradientNorm: 1) { e in (0, e.map { -$0 + 0.1 }) }
        XCTAssertTrue(bi.indexStale)
        XCTAssertNotEqual(try bi.encodeDocuments(docs), before)
        bi.markIndexRefreshed()
        XCTAssertFalse(bi.indexStale)
    }
}
