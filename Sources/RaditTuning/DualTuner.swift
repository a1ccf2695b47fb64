import Foundation
import RaditBase
import RaditData
import RaditIndex
import RaditKernels
import RaditModels
import RaditRetrieval
import RaditTensor

/// Where LM-ft instances come from.
public enum LMInstanceSource: String, Sendable, CaseIterable, Codable {
    /// RA-IT: each of the top-k retrieved chunks is a separate (c ∘ x, y) instance.
    case retrieved
    /// Prebuilt instances (RAFT: oracle + distractors, CoT answer), one list per example.
    case raft
    /// DSF, the domain-specific fine-tuning baseline of RAFT Table 1: question → answer in
    /// the closed-book template, no document in any prompt.
    case dsf
}

/// What the tuner does. RaditExperiments fills it from the `[train]` section, where every
/// default lives (these fields have none).
public struct TuningOptions: Sendable, Equatable {
    public var schedule: TuningSchedule
    /// Steps per stage (sequential schedules take twice as many in total).
    public var steps: Int
    public var batchSize: Int
    /// K: candidates per query for R-ft (and the LM scoring that supervises it).
    public var candidates: Int
    /// k: retrieved chunks per question used as LM-ft instances (k ≤ K).
    public var lmTopK: Int
    public var objective: RetrieverObjective
    /// Learning-rate schedules over each stage's own steps (RaditKernels' schedules).
    public var lmRate: LearningRateSchedule
    public var retrieverRate: LearningRateSchedule
    /// The oracle share P (`OracleShare`, RAFT's P): the probability that a training
    /// question's LM-ft context is made to hold a gold chunk.
    public var oracleShare: Double
    public var lmSource: LMInstanceSource
    public var seed: UInt64

    public init(schedule: TuningSchedule, steps: Int, batchSize: Int, candidates: Int, lmTopK: Int,
                objective: RetrieverObjective, lmRate: LearningRateSchedule, retrieverRate: LearningRateSchedule,
                oracleShare: Double, lmSource: LMInstanceSource, seed: UInt64) {
        self.schedule = schedule
        self.steps = steps
        self.batchSize = batchSize
        self.candidates = candidates
        self.lmTopK = lmTopK
        self.objective = objective
        self.lmRate = lmRate
        self.retrieverRate = retrieverRate
        self.oracleShare = oracleShare
        self.lmSource = lmSource
        self.seed = seed
    }

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
    /// Pairs the target scorer scored (cache misses) for R-ft this step.
    public var scoredPairs = 0
    /// Share of this step's queries whose LSR target was flat and so dropped from R-ft
    /// (`RetrieverObjective.isFlatTarget`); nil when no R-ft step ran.
    public var lsrFlatShare: Double?
    public var seconds = 0.0

    public var tokensPerSecond: Double { seconds > 0 ? Double(lmTokens) / seconds : 0 }

    /// The deterministic part, for bit-identity checks across resumes.
    public var deterministic: [Double] {
        [Double(step), lmLoss ?? .nan, retrieverLoss ?? .nan, lmLearningRate ?? .nan,
         retrieverLearningRate ?? .nan, Double(lmTokens), lsrFlatShare ?? .nan]
    }
}

/// Errors the tuner reports before or during training.
public enum TuningError: RaditError, Equatable {
    case emptyTrainingSet
    /// An option the tuner cannot work with, named by its `TuningOptions` field.
    case invalidOption(option: String, reason: String)
    case missingRAFTInstances(exampleCount: Int, instanceLists: Int)
    /// Training questions that are also questions of the evaluation split (normalised text).
    case evaluationQuestionInTraining(split: String, count: Int, examples: [String])
    /// The progress handler answered `.stop` during evaluation.
    case stopped(stage: String)

    public var message: String {
        switch self {
        case .emptyTrainingSet:
            return "the training set is empty: check [data] points at a split with questions"
        case let .invalidOption(option, reason):
            return "\(option): \(reason)"
        case let .missingRAFTInstances(n, m):
            return "RAFT LM-ft data needs one instance list per training example: got \(m) lists for \(n) examples"
        case let .evaluationQuestionInTraining(split, count, examples):
            return "\(count) training question(s) are also \(split) questions (same text after normalisation), e.g. \(examples.joined(separator: "; ")): a run never trains on what it is evaluated on; remove them from the training data or split the data by question"
        case let .stopped(stage):
            return "\(stage): stopped on request before it finished"
        }
    }
}

/// The dual-tuning engine (RA-DIT §2): LM-ft on retrieved contexts and R-ft of the query
/// encoder on the LM's preferences, stepped by a schedule, resumable from `state`.
public final class DualTuner {
    public let options: TuningOptions
    public let lm: LMTrainer
    public let encoder: QueryEncoder
    /// The document vectors (frozen), searched with the query encoder's embeddings.
    public let index: any VectorIndex
    /// The chunks the index was built from; index ids are corpus positions.
    public let corpus: Corpus
    public let train: [Example]
    /// Gold chunk positions of each training example (`Corpus.goldPositions`).
    let trainGold: [[Int]]
    /// The LM's own scores (inference, and the R-ft targets unless `targetScorer` is another).
    public let scorer: CachedScorer
    /// Scores the R-ft targets: `scorer`, or a fixed other model (a remote server) with its
    /// own cache.
    public let targetScorer: CachedScorer
    /// RAFT instances per training example (when `options.lmSource == .raft`).
    public let raftInstances: [[PromptAnswer]]
    public var state: TuningState

    public init(options: TuningOptions, lm: LMTrainer, encoder: QueryEncoder, index: any VectorIndex,
                corpus: Corpus, train: [Example], template: PromptFormat,
                cache: ScoreCache = ScoreCache(), raftInstances: [[PromptAnswer]] = [],
                targetScorer: AnswerScorer? = nil, targetCache: ScoreCache = ScoreCache()) throws {
        guard !train.isEmpty else { throw TuningError.emptyTrainingSet }
        guard options.lmTopK <= options.candidates else {
            throw TuningError.invalidOption(option: "lmTopK", reason: "k = \(options.lmTopK) exceeds the K = \(options.candidates) candidates; LM-ft instances come from the top-K")
        }
        guard options.candidates <= index.count else {
            throw TuningError.invalidOption(option: "candidates", reason: "K = \(options.candidates) exceeds the \(index.count) chunks in the index")
        }
        if options.lmSource == .raft && raftInstances.count != train.count {
            throw TuningError.missingRAFTInstances(exampleCount: train.count, instanceLists: raftInstances.count)
        }
        self.options = options
        self.lm = lm
        self.encoder = encoder
        self.index = index
        self.corpus = corpus
        self.train = train
        trainGold = train.map(corpus.goldPositions)
        self.raftInstances = raftInstances
        scorer = CachedScorer(scorer: lm, template: template, cache: cache)
        self.targetScorer = targetScorer.map { CachedScorer(scorer: $0, template: template, cache: targetCache) } ?? scorer
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
    /// (once; stored in `state` so a resumed run never re-scores with a tuned LM). A run
    /// of 0 steps (one that only evaluates) fixes nothing.
    public func prepareFixedTargets(progress: ProgressHandler = silentProgress) throws {
        guard options.schedule == .cached, options.totalSteps > 0, state.fixed == nil else { return }
        var fixed: [FixedCandidates] = []
        for start in stride(from: 0, to: train.count, by: max(1, options.batchSize)) {
            let batch = Array(train[start..<min(train.count, start + max(1, options.batchSize))])
            let q = try encoder.embed(batch.map(\.question)) // (B, D)
            let ids = try search(q)
            let lm = try scorePairs(batch, ids)
            for b in batch.indices { fixed.append(FixedCandidates(ids: ids[b], lm: lm[b])) }
            if progress(ProgressEvent(stage: .lsrTargets, done: fixed.count, total: train.count, unit: .questions)) == .stop {
                return
            }
        }
        state.fixed = fixed
    }

    /// The K candidates of each query embedding (B, D): (B) lists of chunk ids, best first.
    func search(_ q: Tensor<Float>) throws -> [[Int]] {
        let r = try index.search(q, k: options.candidates)
        return (0..<r.queryCount).map(r.row)
    }

    /// R-ft target scores of (example, chunk) pairs through the cache: (B, K).
    func scorePairs(_ examples: [Example], _ ids: [[Int]]) throws -> [[AnswerLogProb]] {
        var requests: [ScoringRequest] = []
        for (b, e) in examples.enumerated() {
            for id in ids[b] { requests.append(ScoringRequest(question: e.question, answer: e.target, chunk: scorer.template.chunkText(corpus[id]))) }
        }
        let flat = try targetScorer.score(requests)
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
        let local = options.schedule.localStep(at: state.step, stepsPerStage: options.steps) + 1 // 1-based
        let (doLM, doR) = options.schedule.stages(at: state.step, stepsPerStage: options.steps)
        var m = StepMetrics(step: state.step)
        let batchIndex = nextBatch()
        let batch = batchIndex.map { train[$0] }
        let queries = batch.map(\.question)
        let needSearch = doR || (doLM && options.lmSource == .retrieved && state.fixed == nil)
        var searched: [[Int]] = []
        var q = Tensor<Float>(shape: [0, encoder.dimension])
        if needSearch {
            q = try encoder.embed(queries) // (B, D)
            searched = try search(q)
        }
        if doR {
            let before = targetScorer.counts.scored
            let lr = options.retrieverRate.lr(step: local)
            (m.retrieverLoss, m.lsrFlatShare) = try retrieverStep(batchIndex: batchIndex, batch: batch, queries: q,
                                                                  searched: searched, learningRate: lr)
            m.retrieverLearningRate = lr
            m.scoredPairs = targetScorer.counts.scored - before
        }
        if doLM {
            let lr = options.lmRate.lr(step: local)
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
    /// A query whose LSR target is flat contributes nothing (its term is dropped, the loss
    /// stays a mean over the batch); returns the loss and the dropped share. When every
    /// query is dropped no optimizer step is taken.
    func retrieverStep(batchIndex: [Int], batch: [Example], queries q: Tensor<Float>,
                       searched: [[Int]], learningRate: Double) throws -> (loss: Double, flatShare: Double) {
        let B = batch.count
        let D = encoder.dimension
        var dq = Tensor<Float>(shape: [B, D]) // (B, D)
        var loss = 0.0
        var flat = 0
        if options.objective.kind == .contrastive {
            loss = try contrastiveStep(gold: batchIndex.map { trainGold[$0] }, queries: q, searched: searched, dq: &dq)
        } else {
            let candidates = state.fixed.map { f in batchIndex.map { f[$0].ids } } ?? searched
            let lm = try state.fixed.map { f in batchIndex.map { f[$0].lm } } ?? scorePairs(batch, candidates)
            for b in 0..<B {
                if options.objective.isFlatTarget(lm[b]) {
                    flat += 1
                    continue
                }
                let qb = q.row(b)
                let vectors = try candidates[b].flatMap { try index.reconstruct($0) } // (K, D)
                let s = candidates[b].indices.map { c in
                    (0..<D).reduce(0.0) { $0 + Double(qb[$1]) * Double(vectors[c * D + $1]) }
                }
                let value = options.objective.evaluate(retrieverScores: s, lm: lm[b])
                loss += value.loss / Double(B)
                let ds = value.scoreGradient.map { Float($0 / Double(B)) }
                dq.withUnsafeMutableBufferPointer { out in
                    vectors.withUnsafeBufferPointer { v in
                        scoresBackward(dScores: ds, documents: v.baseAddress!, dimension: D,
                                       dQuery: out.baseAddress! + b * D)
                    }
                }
            }
        }
        if flat < B {
            try encoder.backward(batch.map(\.question), embeddingGradient: dq)
            try encoder.step(learningRate: Float(learningRate))
        }
        return (loss, Double(flat) / Double(max(1, B)))
    }

    /// In-batch DPR over the queries that have a gold chunk: positive = the first gold chunk,
    /// negatives = the retrieved non-gold chunks of the whole batch. Adds into `dq`.
    func contrastiveStep(gold: [[Int]], queries q: Tensor<Float>, searched: [[Int]],
                         dq: inout Tensor<Float>) throws -> Double {
        let D = encoder.dimension
        let rows = gold.indices.filter { !gold[$0].isEmpty }
        guard !rows.isEmpty else { return 0 }
        let golds = Set(rows.flatMap { gold[$0] })
        var negativeIDs: [Int] = []
        for b in rows { for id in searched[b] where !golds.contains(id) && !negativeIDs.contains(id) { negativeIDs.append(id) } }
        let queries = rows.flatMap { q.row($0) } // (B', D)
        // Candidates (B' + M, D): each query's positive first, then the hard negatives.
        let candidates = try rows.flatMap { try index.reconstruct(gold[$0][0]) }
            + negativeIDs.flatMap { try index.reconstruct($0) }
        var dRows = [Float](repeating: 0, count: rows.count * D) // (B', D)
        let loss = queries.withUnsafeBufferPointer { qp in
            candidates.withUnsafeBufferPointer { cp in
                dRows.withUnsafeMutableBufferPointer { dp in
                    contrastiveLoss(queries: qp.baseAddress!, candidates: cp.baseAddress!, positives: Array(0..<rows.count),
                                    candidateCount: rows.count + negativeIDs.count, dimension: D,
                                    temperature: options.objective.retrieverTemperature,
                                    dQueries: dp.baseAddress!, dCandidates: nil)
                }
            }
        }
        // The loss is a mean over B' queries; rescale so it is a mean over the batch like the others.
        let scale = Float(rows.count) / Float(gold.count)
        for (r, b) in rows.enumerated() { for d in 0..<D { dq.scalars[b * D + d] += scale * dRows[r * D + d] } }
        return Double(loss) * Double(scale)
    }

    /// RA-IT instances: each of the top-k chunks with the question and the answer; the
    /// oracle share P puts a gold chunk in place of the k-th for that share of questions
    /// (`OracleShare`, the rule the RA-IT export uses). Under the
    /// `cached` schedule (RA-DIT's recipe) the chunks are the base retriever's top-k, fixed
    /// before training, not the moving retriever's: RA-DIT §5.2 / App. E.1 tune the LM on the
    /// base retriever's contexts.
    func lmInstances(batchIndex: [Int], batch: [Example], searched: [[Int]]) -> [PromptAnswer] {
        if options.lmSource == .raft { return batchIndex.flatMap { raftInstances[$0] } }
        if options.lmSource == .dsf {
            return batch.map { PromptAnswer(prompt: scorer.template.closedBookPrompt(question: $0.question),
                                            answer: scorer.template.completion($0.target)) }
        }
        let retrieved = state.fixed.map { f in batchIndex.map { f[$0].ids } } ?? searched
        var out: [PromptAnswer] = []
        for (b, e) in batch.enumerated() {
            let (chunks, _) = OracleShare.apply(Array(retrieved[b].prefix(options.lmTopK)), gold: trainGold[batchIndex[b]],
                                                share: options.oracleShare, rng: &state.rng)
            for chunk in chunks {
                out.append(scorer.template.pair(question: e.question, chunk: scorer.template.chunkText(corpus[chunk]), answer: e.target))
            }
        }
        return out
    }

    /// Steps until the schedule is done or `shouldStop` says so after a step.
    public func run(progress: ProgressHandler = silentProgress,
                    afterStep: (StepMetrics) throws -> Bool = { _ in true }) throws {
        while !isFinished {
            let m = try step()
            var metrics: [(ProgressMetric, Double)] = []
            if let l = m.lmLoss { metrics.append((.lmLoss, l)) }
            if let l = m.retrieverLoss { metrics.append((.retrieverLoss, l)) }
            if let f = m.lsrFlatShare { metrics.append((.lsrFlatShare, f)) }
            metrics.append((.tokensPerSecond, m.tokensPerSecond))
            let stage = options.schedule.stages(at: m.step, stepsPerStage: options.steps)
            let name: ProgressStage = stage.lm && stage.retriever ? .lmFTAndRFT : (stage.lm ? .lmFT : .rFT)
            let stop = progress(ProgressEvent(stage: name, done: state.step, total: options.totalSteps,
                                              unit: "steps", metrics: metrics)) == .stop
            if try !afterStep(m) || stop { return }
        }
    }
}
