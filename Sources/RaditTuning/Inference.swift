import Foundation
import RaditData
import RaditRetrieval
import RaditTensor

/// How a question is answered at evaluation time (DESIGN §4, "Inference").
public enum InferenceMode: String, Sendable, CaseIterable, Codable {
    /// RA-DIT App. B: one greedy answer per retrieved chunk, the candidates reranked by
    /// Σ_c p_R(c|x)·p_LM(y|c∘x) (each scored with its end-of-answer token).
    case rerank
    /// REPLUG (Shi et al. 2023): one answer decoded from the per-token mixture
    /// p(y_t | x, y<t) = Σ_c p_R(c|x)·p_LM(y_t | c∘x, y<t), the k contexts advanced together.
    case replug
    /// All k chunks in one prompt.
    case concat
    /// No retrieval (the closed-book baseline).
    case closedBook = "closed_book"
    /// The gold chunk(s) as context (the oracle baseline).
    case oracle
}

/// How evaluation answers; RaditExperiments fills it from `[eval]`, where the defaults live.
public struct InferenceOptions: Sendable, Equatable {
    public var mode: InferenceMode
    /// Chunks per question.
    public var k: Int
    /// Temperature of p_R used to mix the per-chunk LM probabilities (rerank, replug).
    public var temperature: Double
    /// A cap on generated tokens; answers end at the end-of-answer token.
    public var maxTokens: Int

    public init(mode: InferenceMode, k: Int, temperature: Double, maxTokens: Int) {
        self.mode = mode
        self.k = k
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}

/// One answered question.
public struct Prediction: Sendable, Equatable {
    public var id: String
    public var answer: String
    /// Retrieved chunk ids used as context (empty for closed-book).
    public var chunks: [Int]
    /// The retriever's scores of `chunks`; empty when they were placed, not retrieved
    /// (closed-book, oracle).  (K) or (0)
    public var chunkScores: [Double] = []
    /// The raw generations (one per chunk in `rerank`).
    public var generations: [String]
    /// log p(answer | x) under the mixture (`rerank`: the whole answer's Σ_c mixture;
    /// `replug`: Σ_t log of the per-token mixture, end token included).
    public var logProbability: Double?
}

/// The sequence-level mixture (REPLUG Eq. 1, used by `rerank`): log p(y|x) =
/// log Σ_c p_R(c|x) p_LM(y|c∘x), with p_R = softmax(s / temperature).
/// `logProbs[a][c]` is log p_LM(y_a | c ∘ x).
public func answerMixture(logProbs: [[Double]], retrieverScores s: [Double], temperature: Double) -> [Double] {
    let logPR = softmax(s, temperature: temperature).map { Foundation.log($0) }
    return logProbs.map { row in logSumExp(zip(row, logPR).map { $0 + $1 }) }
}

/// Answers questions with the current retriever and LM.
public final class RetrievalReader {
    public let generator: AnswerGenerator
    public let scorer: CachedScorer
    /// The current retriever (during a run: the tuned query encoder over the frozen index).
    public let retriever: any Retriever
    /// The chunks the retriever searches; its ids are corpus positions.
    public let corpus: Corpus

    public init(generator: AnswerGenerator, scorer: CachedScorer, retriever: any Retriever, corpus: Corpus) {
        self.generator = generator
        self.scorer = scorer
        self.retriever = retriever
        self.corpus = corpus
    }

    var template: PromptFormat { scorer.template }

    /// Top-k ids and scores for each question: (Nq, k).
    public func retrieve(_ questions: [String], k: Int) throws -> (scores: [[Double]], ids: [[Int]]) {
        let r = try retriever.search(questions, k: k)
        let hits = (0..<r.queryCount).map(r.hits)
        return (hits.map { $0.map { Double($0.score) } }, hits.map { $0.map(\.id) })
    }

    public func answer(_ examples: [Example], options: InferenceOptions) throws -> [Prediction] {
        switch options.mode {
        case .closedBook:
            let gens = try generator.generate(examples.map { template.closedBookPrompt(question: $0.question) },
                                              maxTokens: options.maxTokens)
            return zip(examples, gens).map { e, g in
                Prediction(id: e.id, answer: template.extractAnswer(template.answerTag + g), chunks: [], generations: [g])
            }
        case .oracle:
            let gold = examples.map(corpus.goldPositions)
            let prompts = examples.indices.map { i in template.prompt(question: examples[i].question, chunks: gold[i].map { template.chunkText(corpus[$0]) }) }
            let gens = try generator.generate(prompts, maxTokens: options.maxTokens)
            return examples.indices.map { i in
                Prediction(id: examples[i].id, answer: template.extractAnswer(template.answerTag + gens[i]), chunks: gold[i],
                           generations: [gens[i]])
            }
        case .concat:
            let (scores, ids) = try retrieve(examples.map(\.question), k: options.k)
            let prompts = examples.indices.map { i in template.prompt(question: examples[i].question, chunks: ids[i].map { template.chunkText(corpus[$0]) }) }
            let gens = try generator.generate(prompts, maxTokens: options.maxTokens)
            return examples.indices.map { i in
                Prediction(id: examples[i].id, answer: template.extractAnswer(template.answerTag + gens[i]),
                           chunks: ids[i], chunkScores: scores[i], generations: [gens[i]])
            }
        case .rerank:
            let (scores, ids) = try retrieve(examples.map(\.question), k: options.k)
            return try rerank(examples, ids: ids, scores: scores, options: options)
        case .replug:
            guard let mixer = generator as? MixtureGenerator else {
                throw TuningError.invalidOption(option: "mode", reason: "\"replug\" needs an LM that exposes next-token distributions (the native Llama does); use \"rerank\"")
            }
            let (scores, ids) = try retrieve(examples.map(\.question), k: options.k)
            return try examples.indices.map { i in
                let prompts = ids[i].map { template.prompt(question: examples[i].question, chunk: template.chunkText(corpus[$0])) }
                let weights = softmax(scores[i], temperature: options.temperature)
                let d = try replugDecode(mixer.openSources(prompts, maxTokens: options.maxTokens), weights: weights,
                                         maxTokens: options.maxTokens, end: mixer.endOfAnswer)
                let g = mixer.text(d.tokens)
                return Prediction(id: examples[i].id, answer: template.extractAnswer(template.answerTag + g),
                                  chunks: ids[i], chunkScores: scores[i], generations: [g], logProbability: d.logProbability)
            }
        }
    }

    /// RA-DIT App. B: per question, generate one answer per chunk, then pick the candidate
    /// with the highest mixture probability (ties: the candidate from the higher-ranked
    /// chunk). A generator that keeps its prompts' caches (`ContinuationScoringGenerator`)
    /// decodes every question's chunks as one batch and scores the candidates against those
    /// caches; otherwise candidates go through the scorer (and its cache). Each question's
    /// answer is the same either way.
    func rerank(_ examples: [Example], ids: [[Int]], scores: [[Double]], options: InferenceOptions) throws -> [Prediction] {
        let prompts = examples.indices.map { i in
            ids[i].map { template.prompt(question: examples[i].question, chunk: template.chunkText(corpus[$0])) }
        }
        /// The distinct answers, in the order of the chunks that produced them.
        func distinct(_ gens: [String]) -> [String] {
            var out: [String] = []
            for g in gens {
                let a = template.extractAnswer(template.answerTag + g)
                if !out.contains(a) { out.append(a) }
            }
            return out
        }
        var candidates = [[String]](repeating: [], count: examples.count)
        let gens: [[String]]
        var tables = [[[Double]]?](repeating: nil, count: examples.count)
        if let kept = generator as? ContinuationScoringGenerator {
            let r = try kept.generateThenScore(prompts, maxTokens: options.maxTokens) { i, answers in
                candidates[i] = distinct(answers)
                return candidates[i].map(template.completion)
            }
            gens = r.answers
            tables = r.scores.map { $0.map { $0.map { $0.map(\.sum) } } }
        } else {
            gens = try prompts.map { try generator.generate($0, maxTokens: options.maxTokens) }
            candidates = gens.map(distinct)
        }
        return try examples.indices.map { i in
            if tables[i] == nil {
                // A lone candidate wins whatever its probability; it is scored only to report it.
                var requests: [ScoringRequest] = []
                for a in candidates[i] {
                    for id in ids[i] { requests.append(ScoringRequest(question: examples[i].question, answer: a, chunk: template.chunkText(corpus[id]))) }
                }
                let flat = try scorer.score(requests).map(\.sum)
                let k = ids[i].count
                tables[i] = candidates[i].indices.map { a in Array(flat[a * k..<(a + 1) * k]) }
            }
            let mix = answerMixture(logProbs: tables[i]!, retrieverScores: scores[i], temperature: options.temperature)
            var best = 0
            for a in mix.indices where mix[a] > mix[best] { best = a }
            return Prediction(id: examples[i].id, answer: candidates[i][best], chunks: ids[i], chunkScores: scores[i],
                              generations: gens[i], logProbability: mix[best])
        }
    }
}

/// A REPLUG decoding: the chosen tokens (the end token included when it was reached) and
/// Σ_t log Σ_c w_c p_c(y_t | y<t).
public struct MixtureDecoding: Sendable, Equatable {
    public var tokens: [Int]
    public var logProbability: Double
}

/// Greedy decoding from the per-token mixture Σ_c w_c·p_c(· | y<t) (REPLUG, Shi et al.
/// 2023, §3): every step mixes the k next-token distributions with the fixed retrieval
/// weights, takes the most likely token (ties: the lowest id), and appends it to every
/// context, so the k caches advance together. Stops after an `end` token, when a context
/// is full, or after `maxTokens`.
public func replugDecode(_ sources: [NextTokenSource], weights: [Double], maxTokens: Int,
                         end: Set<Int>) throws -> MixtureDecoding {
    precondition(sources.count == weights.count, "replugDecode: \(sources.count) contexts but \(weights.count) weights")
    var out = MixtureDecoding(tokens: [], logProbability: 0)
    guard let first = sources.first else { return out }
    let V = first.logProbabilities.count
    while out.tokens.count < maxTokens {
        var mixture = [Double](repeating: 0, count: V) // (V)
        for (s, w) in zip(sources, weights) where w > 0 {
            let lp = s.logProbabilities
            for v in 0..<V { mixture[v] += w * Foundation.exp(lp[v]) }
        }
        var best = 0
        for v in 1..<V where mixture[v] > mixture[best] { best = v }
        out.tokens.append(best)
        out.logProbability += Foundation.log(mixture[best])
        if end.contains(best) || sources.contains(where: \.isFull) { break }
        for s in sources { try s.append(best) }
    }
    return out
}
