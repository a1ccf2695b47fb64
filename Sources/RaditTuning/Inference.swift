import Foundation
import RaditRetrieval
import RaditTensor

/// How a question is answered at evaluation time (DESIGN §4, "Inference").
public enum InferenceMode: String, Sendable, CaseIterable, Codable {
    /// REPLUG: one generation per retrieved chunk, candidates re-scored by the p_R mixture.
    case parallel
    /// All k chunks in one prompt.
    case concat
    /// No retrieval (the closed-book baseline).
    case closedBook = "closed_book"
    /// The gold chunk(s) as context (the oracle baseline).
    case oracle
}

public struct InferenceOptions: Sendable, Equatable {
    public var mode: InferenceMode = .parallel
    /// Chunks per question.
    public var k = 3
    /// Temperature of p_R used to mix the per-chunk LM probabilities in REPLUG.
    public var temperature = 1.0
    public var maxTokens = 16
    public init() {}
}

/// One answered question.
public struct Prediction: Sendable, Equatable {
    public var id: String
    public var answer: String
    /// Retrieved chunk ids used as context (empty for closed-book).
    public var chunks: [Int]
    /// The raw generations (one per chunk in `parallel`).
    public var generations: [String]
    /// log p(answer | x) under the mixture (parallel mode only).
    public var logProbability: Double?
}

/// REPLUG (Shi et al. 2023, Eq. 1): log p(y|x) = log Σ_c p_R(c|x) p_LM(y|c∘x), with
/// p_R = softmax(s / temperature). `logProbs[a][c]` is log p_LM(y_a | c ∘ x).
public func replugMixture(logProbs: [[Double]], retrieverScores s: [Double], temperature: Double) -> [Double] {
    let logPR = softmax(s, temperature: temperature).map { Foundation.log($0) }
    return logProbs.map { row in logSumExp(zip(row, logPR).map { $0 + $1 }) }
}

/// Answers questions with the current retriever and LM.
public final class RetrievalReader {
    public let generator: AnswerGenerator
    public let scorer: CachedScorer
    /// The current retriever (during a run: the tuned query encoder over the frozen index).
    public let retriever: any Retriever
    public let chunks: ChunkTexts

    public init(generator: AnswerGenerator, scorer: CachedScorer, retriever: any Retriever, chunks: ChunkTexts) {
        self.generator = generator
        self.scorer = scorer
        self.retriever = retriever
        self.chunks = chunks
    }

    var template: PromptFormat { scorer.template }

    /// Top-k ids and scores for each question: (Nq, k).
    public func retrieve(_ questions: [String], k: Int) throws -> (scores: [[Double]], ids: [[Int]]) {
        let r = try retriever.search(questions, k: k)
        let hits = (0..<r.queryCount).map(r.hits)
        return (hits.map { $0.map { Double($0.score) } }, hits.map { $0.map(\.id) })
    }

    public func answer(_ examples: [QAExample], options: InferenceOptions) throws -> [Prediction] {
        switch options.mode {
        case .closedBook:
            let gens = try generator.generate(examples.map { template.closedBookPrompt(question: $0.question) },
                                              maxTokens: options.maxTokens)
            return zip(examples, gens).map { e, g in
                Prediction(id: e.id, answer: template.extractAnswer(template.answerTag + g), chunks: [], generations: [g])
            }
        case .oracle:
            let prompts = examples.map { e in template.prompt(question: e.question, chunks: e.goldChunks.map { chunks[$0] }) }
            let gens = try generator.generate(prompts, maxTokens: options.maxTokens)
            return zip(examples, gens).map { e, g in
                Prediction(id: e.id, answer: template.extractAnswer(template.answerTag + g), chunks: e.goldChunks, generations: [g])
            }
        case .concat:
            let (_, ids) = try retrieve(examples.map(\.question), k: options.k)
            let prompts = examples.indices.map { i in template.prompt(question: examples[i].question, chunks: ids[i].map { chunks[$0] }) }
            let gens = try generator.generate(prompts, maxTokens: options.maxTokens)
            return examples.indices.map { i in
                Prediction(id: examples[i].id, answer: template.extractAnswer(template.answerTag + gens[i]),
                           chunks: ids[i], generations: [gens[i]])
            }
        case .parallel:
            let (scores, ids) = try retrieve(examples.map(\.question), k: options.k)
            return try examples.indices.map { i in
                try replug(examples[i], ids: ids[i], scores: scores[i], options: options)
            }
        }
    }

    /// REPLUG for one question: generate per chunk, then pick the candidate with the
    /// highest mixture probability (ties: the candidate from the higher-ranked chunk).
    func replug(_ e: QAExample, ids: [Int], scores: [Double], options: InferenceOptions) throws -> Prediction {
        let prompts = ids.map { template.prompt(question: e.question, chunk: chunks[$0]) }
        let gens = try generator.generate(prompts, maxTokens: options.maxTokens)
        var candidates: [String] = []
        for g in gens {
            let a = template.extractAnswer(template.answerTag + g)
            if !candidates.contains(a) { candidates.append(a) }
        }
        if candidates.count == 1 {
            // One candidate wins whatever its probability; score it only to report it.
            let lp = try scorer.score(ids.map { ScoringRequest(question: e.question, answer: candidates[0], chunk: chunks[$0]) })
            let mix = replugMixture(logProbs: [lp.map(\.sum)], retrieverScores: scores, temperature: options.temperature)
            return Prediction(id: e.id, answer: candidates[0], chunks: ids, generations: gens, logProbability: mix[0])
        }
        var requests: [ScoringRequest] = []
        for a in candidates { for id in ids { requests.append(ScoringRequest(question: e.question, answer: a, chunk: chunks[id])) } }
        let flat = try scorer.score(requests).map(\.sum)
        let table = candidates.indices.map { a in Array(flat[a * ids.count..<(a + 1) * ids.count]) }
        let mix = replugMixture(logProbs: table, retrieverScores: scores, temperature: options.temperature)
        var best = 0
        for a in mix.indices where mix[a] > mix[best] { best = a }
        return Prediction(id: e.id, answer: candidates[best], chunks: ids, generations: gens, logProbability: mix[best])
    }
}
