import RaditBase
import RaditData
import RaditEval
import RaditIndex
import RaditRetrieval
import RaditTestSupport
import RaditTensor
@testable import RaditTuning
import XCTest

final class DualTunerTests: XCTestCase {
    let kb = ToyKB()

    func options(_ schedule: TuningSchedule, steps: Int = 60) -> TuningOptions {
        var o = TuningOptions.test()
        o.schedule = schedule
        o.steps = steps
        o.batchSize = 4
        o.candidates = 4
        o.lmTopK = 2
        o.objective = testObjective(kind: .lsr, scoreMode: .logprob, retrieverTemperature: 0.1, lmTemperature: 1)
        o.lmRate = .constant(peak: 0.5)
        o.retrieverRate = .constant(peak: 0.3)
        o.seed = 11
        return o
    }

    func tuner(_ o: TuningOptions, cache: ScoreCache = ScoreCache()) throws -> (DualTuner, ToyLM, ToyEncoder, FlatIndex) {
        let (lm, enc, index) = try toyModels(kb)
        let t = try DualTuner(options: o, lm: lm, encoder: enc, index: index, corpus: kb.corpus,
                              train: kb.train, template: PromptFormat.schemaDefault, cache: cache)
        return (t, lm, enc, index)
    }

    func evaluate(_ t: DualTuner, _ lm: ToyLM) throws -> EvaluationReport {
        let reader = RetrievalReader(generator: lm, scorer: t.scorer, retriever: try DenseRetriever(queries: t.encoder, index: t.index), corpus: kb.corpus)
        var io = InferenceOptions.test()
        io.k = 2
        io.temperature = 0.1
        return try Evaluation.run(kb.dev, reader: reader, options: io, recallAt: [1, 2])
    }

    /// Evaluation reports progress per slice of questions and can be stopped; slicing
    /// changes no prediction (each question is answered on its own).
    func testEvaluationReportsProgressAndStops() throws {
        let (t, lm, _, _) = try tuner(options(.lockstep))
        let reader = RetrievalReader(generator: lm, scorer: t.scorer, retriever: try DenseRetriever(queries: t.encoder, index: t.index), corpus: kb.corpus)
        var io = InferenceOptions.test()
        io.k = 2
        var events: [ProgressEvent] = []
        let report = try Evaluation.run(kb.dev, reader: reader, options: io, recallAt: [1], stage: "dev") { e in
            events.append(e)
            return .proceed
        }
        XCTAssertEqual(events.last?.done, kb.dev.count)
        XCTAssertEqual(events.last?.total, kb.dev.count)
        XCTAssertEqual(events.map(\.done), events.map(\.done).sorted())
        XCTAssertEqual(report.predictions.map(\.answer), try reader.answer(kb.dev, options: io).map(\.answer))
        XCTAssertThrowsError(try Evaluation.run(kb.dev, reader: reader, options: io, stage: "dev") { _ in .stop }) { error in
            XCTAssertEqual(error as? TuningError, .stopped(stage: "dev"))
        }
    }

    /// Acceptance: lockstep improves dev EM over the untuned pair and dev recall@1.
    func testLockstepImprovesDevEMAndRecall() throws {
        let (t, lm, _, _) = try tuner(options(.lockstep))
        let base = try evaluate(t, lm)
        try t.run()
        let tuned = try evaluate(t, lm)
        XCTAssertGreaterThan(tuned.exactMatch, base.exactMatch + 0.2, "EM \(base.exactMatch) → \(tuned.exactMatch)")
        XCTAssertGreaterThan(tuned.recall[1]!, base.recall[1]!, "recall@1 \(base.recall[1]!) → \(tuned.recall[1]!)")
    }

    func testLMOnlyLeavesRetrieverByteIdentical() throws {
        let (t, lm, enc, _) = try tuner(options(.lmOnly, steps: 10))
        let before = enc.table.map(\.bitPattern)
        let lmBefore = lm.bias
        try t.run()
        XCTAssertEqual(enc.table.map(\.bitPattern), before)
        XCTAssertNotEqual(lm.bias, lmBefore)
    }

    func testRetrieverOnlyLeavesLMByteIdentical() throws {
        let (t, lm, enc, _) = try tuner(options(.retrieverOnly, steps: 10))
        let before = lm.bias.map(\.bitPattern) + [lm.alpha.bitPattern]
        let encBefore = enc.table
        try t.run()
        XCTAssertEqual(lm.bias.map(\.bitPattern) + [lm.alpha.bitPattern], before)
        XCTAssertNotEqual(enc.table, encBefore)
    }

    /// Acceptance: the LSR target of a batch equals the softmax of scores computed
    /// independently by the LM's scoring API (not through the cache).
    func testLSRTargetEqualsSoftmaxOfIndependentScores() throws {
        let (t, lm, enc, index) = try tuner(options(.lockstep))
        let batch = Array(kb.train.prefix(3))
        let q = try enc.embed(batch.map(\.question))
        let found = try index.search(q, k: 4)
        let ids = (0..<found.queryCount).map(found.row)
        let cached = try t.scorePairs(batch, ids)
        let fresh = ToyLM(vocab: kb.vocab, alpha: lm.alpha)
        let template = PromptFormat.schemaDefault
        for (b, e) in batch.enumerated() {
            let direct = try fresh.score(ids[b].map { template.pair(question: e.question, chunk: kb.corpus.text($0), answer: e.target) })
            XCTAssertEqual(cached[b], direct)
            let expected = softmax(direct.map(\.sum))
            // Same scores bit for bit; the target is their softmax up to Double rounding.
            assertClose(t.options.objective.lsrTarget(cached[b]), expected, tolerance: 1e-14, "LSR target")
        }
    }

    /// Acceptance: a second run with a warm cache does no LM scoring for seen pairs.
    func testWarmCacheDoesNoRescoring() throws {
        let cache = ScoreCache()
        let (first, lm1, _, _) = try tuner(options(.retrieverOnly, steps: 8), cache: cache)
        try first.run()
        XCTAssertGreaterThan(lm1.scoredPairs, 0)
        XCTAssertGreaterThan(cache.count, 0)
        // Through the HDF5 cache file, as a second process would see it.
        let url = Fixtures.temporaryDirectory("cache").appendingPathComponent("lsr-cache.h5")
        try ScoreCacheFile.write(cache, to: url)
        let reloaded = try ScoreCacheFile.read(url)
        XCTAssertEqual(reloaded.entries, cache.entries)
        let (second, lm2, _, _) = try tuner(options(.retrieverOnly, steps: 8), cache: reloaded)
        try second.run()
        XCTAssertEqual(lm2.scoreCalls, 0)
        XCTAssertEqual(lm2.scoredPairs, 0)
        XCTAssertEqual(second.scorer.counts.scored, 0)
        XCTAssertEqual(second.scorer.counts.hits, second.scorer.counts.requested)
    }

    /// The `cached` schedule scores the base LM once per (example, candidate) and never
    /// again, even while the LM is being tuned.
    func testCachedScheduleScoresOnlyOnce() throws {
        let (t, lm, _, _) = try tuner(options(.cached, steps: 20))
        try t.prepareFixedTargets()
        let prepared = lm.scoredPairs
        XCTAssertEqual(prepared, kb.train.count * 4)
        try t.run(afterStep: { $0.step < 9 })
        XCTAssertEqual(lm.scoredPairs, prepared)
        // The fixed targets travel in the checkpoint: a resumed run scores nothing.
        let url = Fixtures.temporaryDirectory("cached").appendingPathComponent("ckpt.h5")
        try CheckpointFile.write(try t.snapshot(), to: url)
        let (u, lm2, _, _) = try tuner(options(.cached, steps: 20))
        try u.restore(try CheckpointFile.read(url, seed: 11))
        XCTAssertEqual(u.state.fixed, t.state.fixed)
        try u.run()
        XCTAssertEqual(lm2.scoredPairs, 0)
    }

    /// Every R-ft loss steps the encoder and gives a finite loss through the whole loop.
    func testEveryRetrieverLossRuns() throws {
        for kind in RetrieverLossKind.allCases {
            var o = options(.retrieverOnly, steps: 3)
            o.objective.kind = kind
            let (t, _, enc, _) = try tuner(o)
            let before = enc.table
            var losses: [Double] = []
            try t.run(afterStep: { losses.append($0.retrieverLoss!); return true })
            XCTAssertTrue(losses.allSatisfy(\.isFinite), "\(kind) \(losses)")
            XCTAssertNotEqual(enc.table, before, "\(kind)")
        }
    }

    func testSequentialRunsBothStages() throws {
        let (t, _, _, _) = try tuner(options(.sequentialRetrieverFirst, steps: 3))
        var seen: [(Bool, Bool)] = []
        try t.run(afterStep: { m in seen.append((m.lmLoss != nil, m.retrieverLoss != nil)); return true })
        XCTAssertEqual(seen.map(\.0), [false, false, false, true, true, true])
        XCTAssertEqual(seen.map(\.1), [true, true, true, false, false, false])
    }

    /// Stop after m steps, restore the snapshot into fresh models, finish: bit-identical
    /// parameters and metrics to an uninterrupted run (the in-process half of resume).
    func testResumeFromSnapshotIsBitIdentical() throws {
        var o = options(.lockstep, steps: 12)
        o.oracleShare = 0.3
        let (full, _, _, _) = try tuner(o)
        var fullMetrics: [[Double]] = []
        try full.run(afterStep: { fullMetrics.append($0.deterministic); return true })

        let (a, _, _, _) = try tuner(o)
        var metrics: [[Double]] = []
        try a.run(afterStep: { metrics.append($0.deterministic); return $0.step < 4 })
        let dir = Fixtures.temporaryDirectory("resume")
        let url = dir.appendingPathComponent("ckpt.h5")
        try CheckpointFile.write(try a.snapshot(), to: url)
        let (b, _, _, _) = try tuner(o)
        try b.restore(try CheckpointFile.read(url, seed: o.seed))
        try b.run(afterStep: { metrics.append($0.deterministic); return true })
        XCTAssertEqual(try b.snapshot().tensors.map { $0.tensor.scalars.map(\.bitPattern) },
                       try full.snapshot().tensors.map { $0.tensor.scalars.map(\.bitPattern) })
        XCTAssertEqual(b.state, full.state)
        XCTAssertEqual(metrics.map { $0.map(\.bitPattern) }, fullMetrics.map { $0.map(\.bitPattern) })
    }

    func testBadOptionsFailBeforeWork() throws {
        var o = options(.lockstep)
        o.lmTopK = 5
        XCTAssertThrowsError(try tuner(o)) { e in
            XCTAssertTrue("\(e)".contains("lmTopK"), "\(e)")
        }
        o.lmTopK = 2
        o.candidates = 1000
        XCTAssertThrowsError(try tuner(o)) { e in XCTAssertTrue("\(e)".contains("candidates"), "\(e)") }
    }

    /// The oracle share has the RA-IT export's meaning: with P = 1 every question's LM-ft
    /// chunks hold a gold chunk (the k-th replaced when retrieval missed it); with P = 0 they
    /// are the retrieved top-k.
    func testOracleShareGivesThatShareOfQuestionsAGoldChunk() throws {
        for p in [0.0, 1.0] {
            var o = options(.lockstep)
            o.oracleShare = p
            o.lmTopK = 1
            let (t, _, enc, index) = try tuner(o)
            let batchIndex = Array(0..<8)
            let batch = batchIndex.map { kb.train[$0] }
            let found = try index.search(try enc.embed(batch.map(\.question)), k: o.candidates)
            let searched = (0..<found.queryCount).map(found.row)
            let instances = t.lmInstances(batchIndex: batchIndex, batch: batch, searched: searched)
            XCTAssertEqual(instances.count, batch.count)
            var missed = 0
            for (b, e) in batch.enumerated() {
                let gold = kb.corpus.text(kb.corpus.goldPositions(e)[0])
                let retrievedGold = kb.corpus.goldPositions(e).contains(searched[b][0])
                if !retrievedGold { missed += 1 }
                let expected = p == 1 ? gold : kb.corpus.text(searched[b][0])
                XCTAssertEqual(instances[b].prompt, PromptFormat.schemaDefault.prompt(question: e.question, chunk: expected))
            }
            XCTAssertGreaterThan(missed, 0, "retrieval misses some gold chunks, so P matters")
        }
    }
}
