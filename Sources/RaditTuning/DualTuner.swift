import Foundation
import RaditBase
import RaditTensor

/// Where LM-ft instances come from.
public enum LMInstanceSource: String, Sendable, CaseIterable, Codable {
    /// RA-IT: each of the top-k retrieved chunks is a separate (c ∘ x, y) instance.
    case retrieved
    /// Prebuilt instances (RAFT: oracle + distractors, CoT answer), one list per example.
    case raft
}

/// What the tuner does; RaditExperiments fills it from the `[train]` section.
public struct TuningOptions: Sendable, Equatable {
    public var schedule: TuningSchedule = .lockstep
    /// Steps per stage (sequential schedules take twice as many in total).
    public var steps = 100
    public var batchSize = 4
    /// K: candidates per query for R-ft (and the LM scoring that supervises it).
    public var candidates = 8
    /// k: retrieved chunks per question used as LM-ft instances (k ≤ K).
    public var lmTopK = 3
    public var objective = RetrieverObjective()
    public var lmRate = LearningRateSchedule(peak: 1e-4)
    public var retrieverRate = LearningRateSchedule(peak: 1e-5)
    /// Share of LM-ft instances whose chunk is replaced by a gold chunk (when known).
    public var oracleShare = 0.0
    public var lmSource: LMInstanceSource = .retrieved
    public var seed: UInt64 = 0

    public init() {}

    public var totalSteps: Int { schedule.totalSteps(steps) }
}

/// One step's report. The timing fields vary run to run; everything else is deterministic.
public struct StepMetrics: Sendable, Equatable {
    public var step: Int
    public var lmLoss: Double?
    public var retrieverLoss: Double?
    public var lmLearningRate: Double?
    public var retrieverLearningRate: Double?
    /// LM tokens processed by the LM-ft step.
    public var lmTokens = 0
    /// Pairs the LM scored (cache misses) for R-ft this step.
    public var scoredPairs = 0
    public var seconds = 0.0

    public var tokensPerSecond: Double { seconds > 0 ? Double(lmTokens) / seconds : 0 }

    /// The deterministic part, for bit-identity checks across resumes.
    public var deterministic: [Double] {
        [Double(step), lmLoss ?? .nan, retrieverLoss ?? .nan, lmLearningRate ?? .nan,
         retrieverLearningRate ?? .nan, Double(lmTokens)]
    }
}

/// Errors the tuner reports before or during training.
public enum TuningError: RaditError, Equatable {
    case emptyTrainingSet
    case invalidOption(key: String, reason: String)
    case missingRAFTInstances(exampleCount: Int, instanceLists: Int)

    public var message: String {
        switch self {
        case .emptyTrainingSet:
            return "the training set is empty: check [data] points at a split with questions"
        case let .invalidOption(key, reason):
            return "\(key): \(reason)"
        case let .missingRAFTInstances(n, m):
            return "train.lm_source = \"raft\" needs one instance list per training example: got \(m) lists for \(n) examples"
        }
    }
}

/// The dual-tuning engine (RA-DIT §2): LM-ft on retrieved contexts and R-ft of the query
/// encoder on the LM's preferences, stepped by a schedule, resumable from `state`.
public final class DualTuner {
    public let options: TuningOptions
    public let lm: LMTrainer
    public let encoder: QueryEncoder
    public let index: ChunkIndex
    public let chunks: ChunkTexts
    public let train: [QAExample]
    public let scorer: CachedScorer
    /// RAFT instances per training example (when `options.lmSource == .raft`).
    public let raftInstances: [[PromptAnswer]]
    public var state: TuningState

    public init(options: TuningOptions, lm: LMTrainer, encoder: QueryEncoder, index: ChunkIndex,
                chunks: ChunkTexts, train: [QAExample], template: PromptTemplate,
                cache: ScoreCache = ScoreCache(), raftInstances: [[PromptAnswer]] = []) throws {
        guard !train.isEmpty else { throw TuningError.emptyTrainingSet }
        guard options.lmTopK <= options.candidates else {
            throw TuningError.invalidOption(key: "train.lm_top_k", reason: "k = \(options.lmTopK) exceeds train.candidates K = \(options.candidates); LM-ft instances come from the top-K")
        }
        guard options.candidates <= index.count else {
            throw TuningError.invalidOption(key: "train.candidates", reason: "K = \(options.candidates) exceeds the \(index.count) chunks in the index")
        }
        if options.lmSource == .raft && raftInstances.count != train.count {
            throw TuningError.missingRAFTInstances(exampleCount: train.count, instanceLists: raftInstances.count)
        }
        self.options = options
        self.lm = lm
        self.encoder = encoder
        self.index = index
        self.chunks = chunks
        self.train = train
        self.raftInstances = raftInstances
        scorer = CachedScorer(scorer: lm, template: template, cache: cache)
        state = TuningState(seed: options.seed)
    }

    public var isFinished: Bool { state.step >= options.totalSteps }

    /// The next batch of training-example indices; advances the cursor.
    func nextBatch() -> [Int] {
        var batch: [Int] = []
        var order = TuningState.order(epoch: state.epoch, count: train.count, seed: options.seed)
        while batch.count < min(options.batchSize, train.count) {
            if state.position >= order.count {
                state.epoch += 1
                state.position = 0
                order = TuningState.order(epoch: state.epoch, count: train.count, seed: options.seed)
            }
            batch.append(order[state.position])
            state.position += 1
        }
        return batch
    }

    /// `cached` schedule: fixes candidates and base-LM scores for every training example
    /// (once; stored in `state` so a resumed run never re-scores with a tuned LM).
    public func prepareFixedTargets(progress: ProgressHandler = silentProgress) throws {
        guard options.schedule == .cached, state.fixed == nil else { return }
        var fixed: [FixedCandidates] = []
        for start in stride(from: 0, to: train.count, by: max(1, options.batchSize)) {
            let batch = Array(train[start..<min(train.count, start + max(1, options.batchSize))])
            let q = try encoder.embed(batch.map(\.question)) // (B, D)
            let (_, ids) = try index.search(q, k: options.candidates)
            let lm = try scorePairs(batch, ids)
            for b in batch.indices { fixed.append(FixedCandidates(ids: ids[b], lm: lm[b])) }
            if progress(ProgressEvent(stage: "lsr-targets", done: fixed.count, total: train.count, unit: "questions")) == .stop {
                return
            }
        }
        state.fixed = fixed
    }

    /// LM scores of (example, chunk) pairs through the cache: (B, K).
    func scorePairs(_ examples: [QAExample], _ ids: [[Int]]) throws -> [[AnswerLogProb]] {
        var requests: [ScoringRequest] = []
        for (b, e) in examples.enumerated() {
            for id in ids[b] { requests.append(ScoringRequest(question: e.question, answer: e.target, chunk: chunks[id])) }
        }
        let flat = try scorer.score(requests)
        var out: [[AnswerLogProb]] = []
        var i = 0
        for b in examples.indices {
            out.append(Array(flat[i..<i + ids[b].count]))
            i += ids[b].count
        }
        return out
    }

    /// One optimizer step of the schedule.
    public func step() throws -> StepMetrics {
        try prepareFixedTargets()
        let started = Date()
        let total = options.totalSteps
        let (doLM, doR) = options.schedule.stages(at: state.step, stepsPerStage: options.steps)
        var m = StepMetrics(step: state.step)
        let batchIndex = nextBatch()
        let batch = batchIndex.map { train[$0] }
        let queries = batch.map(\.question)
        let needSearch = doR || (doLM && options.lmSource == .retrieved)
        var searched: [[Int]] = []
        var q = Tensor<Float>(shape: [0, encoder.dimension])
        if needSearch {
            q = try encoder.embed(queries) // (B, D)
            searched = try index.search(q, k: options.candidates).ids
        }
        if doR {
            let before = scorer.counts.scored
            let lr = options.retrieverRate.rate(state.step, total: total)
            m.retrieverLoss = try retrieverStep(batchIndex: batchIndex, batch: batch, queries: q,
                                                searched: searched, learningRate: lr)
            m.retrieverLearningRate = lr
            m.scoredPairs = scorer.counts.scored - before
        }
        if doLM {
            let lr = options.lmRate.rate(state.step, total: total)
            let instances = lmInstances(batchIndex: batchIndex, batch: batch, searched: searched)
            let report = try lm.trainStep(instances, learningRate: Float(lr))
            m.lmLoss = report.loss
            m.lmTokens = report.tokens
            m.lmLearningRate = lr
        }
        state.step += 1
        m.seconds = Date().timeIntervalSince(started)
        return m
    }

    /// R-ft on the query encoder: loss over each query's K candidates, dL/dq = Σ_c dL/ds_c d_c.
    func retrieverStep(batchIndex: [Int], batch: [QAExample], queries q: Tensor<Float>,
                       searched: [[Int]], learningRate: Double) throws -> Double {
        let B = batch.count
        let D = encoder.dimension
        var candidates: [[Int]] = []
        var lm: [[AnswerLogProb]] = []
        if let fixed = state.fixed {
            candidates = batchIndex.map { fixed[$0].ids }
            lm = batchIndex.map { fixed[$0].lm }
        } else {
            candidates = searched
            if options.objective.kind == .contrastive {
                // The positives must be among the candidates; append any gold chunk missing.
                for b in 0..<B { for g in batch[b].goldChunks where !candidates[b].contains(g) { candidates[b].append(g) } }
                lm = candidates.map { [AnswerLogProb](repeating: AnswerLogProb(sum: 0, tokens: 0), count: $0.count) }
            } else {
                lm = try scorePairs(batch, candidates)
            }
        }
        var dq = Tensor<Float>(shape: [B, D]) // (B, D)
        var loss = 0.0
        for b in 0..<B {
            let qb = q.row(b)
            let vectors = candidates[b].map(index.vector) // (K, D)
            let s = vectors.map { v in zip(qb, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
            let gold = candidates[b].map { batch[b].goldChunks.contains($0) }
            let value = options.objective.evaluate(retrieverScores: s, lm: lm[b], gold: gold)
            loss += value.loss / Double(B)
            for (c, v) in vectors.enumerated() {
                let g = value.scoreGradient[c] / Double(B)
                for d in 0..<D { dq.scalars[b * D + d] += Float(g * Double(v[d])) }
            }
        }
        try encoder.backward(batch.map(\.question), embeddingGradient: dq)
        try encoder.step(learningRate: Float(learningRate))
        return loss
    }

    /// RA-IT instances: each of the top-k chunks with the question and the answer; with
    /// probability `oracleShare` an instance's chunk is swapped for a gold chunk.
    func lmInstances(batchIndex: [Int], batch: [QAExample], searched: [[Int]]) -> [PromptAnswer] {
        if options.lmSource == .raft { return batchIndex.flatMap { raftInstances[$0] } }
        var out: [PromptAnswer] = []
        for (b, e) in batch.enumerated() {
            for id in searched[b].prefix(options.lmTopK) {
                var chunk = id
                if options.oracleShare > 0, !e.goldChunks.isEmpty, state.rng.bernoulli(options.oracleShare) {
                    chunk = e.goldChunks[state.rng.int(below: e.goldChunks.count)]
                }
                out.append(scorer.template.pair(question: e.question, chunk: chunks[chunk], answer: e.target))
            }
        }
        return out
    }

    /// Steps until the schedule is done or `shouldStop` says so after a step.
    public func run(progress: ProgressHandler = silentProgress,
                    afterStep: (StepMetrics) throws -> Bool = { _ in true }) throws {
        while !isFinished {
            let m = try step()
            var metrics: [(String, Double)] = []
            if let l = m.lmLoss { metrics.append(("lm_loss", l)) }
            if let l = m.retrieverLoss { metrics.append(("r_loss", l)) }
            metrics.append(("tok/s", m.tokensPerSecond))
            let stage = options.schedule.stages(at: m.step, stepsPerStage: options.steps)
            let name = stage.lm && stage.retriever ? "lm-ft+r-ft" : (stage.lm ? "lm-ft" : "r-ft")
            let stop = progress(ProgressEvent(stage: name, done: state.step, total: options.totalSteps,
                                              unit: "steps", metrics: metrics)) == .stop
            if try !afterStep(m) || stop { return }
        }
    }
}
