import Foundation
import RaditData
import RaditExperiments
import RaditTestSupport
import RaditTensor
@testable import RaditTuning
import XCTest

/// An LM-ft recorder around the toy LM: every training batch it was given.
final class RecordingLM: LMTrainer {
    let inner: ToyLM
    var batches: [[PromptAnswer]] = []
    init(_ inner: ToyLM) { self.inner = inner }
    var checkpointIdentity: String { inner.checkpointIdentity }
    func score(_ pairs: [PromptAnswer]) throws -> [AnswerLogProb] { try inner.score(pairs) }
    func trainStep(_ batch: [PromptAnswer], learningRate: Float) throws -> LMStepReport {
        batches.append(batch)
        return try inner.trainStep(batch, learningRate: learningRate)
    }
}

/// RA-DIT's recipe (`cached`): LM-ft trains on the base retriever's top-k at every step,
/// while R-ft moves the query encoder.
final class RecipeTests: XCTestCase {
    func testCachedLMChunksAreTheBaseRetrieversTopKAtEveryStep() throws {
        let kb = ToyKB()
        let (toy, enc, index) = try toyModels(kb)
        let lm = RecordingLM(toy)
        var o = TuningOptions.test()
        o.schedule = .cached
        o.steps = 12
        o.batchSize = 3
        o.candidates = 5
        o.lmTopK = 3
        o.objective = testObjective(kind: .lsr, scoreMode: .prob, retrieverTemperature: 0.1, lmTemperature: 0.01)
        o.retrieverRate = .constant(peak: 0.5)
        o.lmRate = .constant(peak: 0.1)
        let t = try DualTuner(options: o, lm: lm, encoder: enc, index: index, corpus: kb.corpus, train: kb.train,
                              template: PromptFormat.schemaDefault)
        let (_, base, _) = try toyModels(kb) // same seed: the base query encoder
        let baseResult = try index.search(try base.embed(kb.train.map(\.question)), k: o.lmTopK)
        let baseTop = (0..<baseResult.queryCount).map(baseResult.row)
        let position = Dictionary(uniqueKeysWithValues: kb.train.enumerated().map { ($1.question, $0) })
        try t.run()
        XCTAssertEqual(lm.batches.count, o.steps)
        // The moving retriever really moved: its top-k now differs for some question.
        let nowResult = try index.search(try enc.embed(kb.train.map(\.question)), k: o.lmTopK)
        let nowTop = (0..<nowResult.queryCount).map(nowResult.row)
        XCTAssertNotEqual(nowTop, baseTop, "R-ft did not change the retriever; the test would prove nothing")
        for (step, batch) in lm.batches.enumerated() {
            var expected: [PromptAnswer] = []
            var seen: [String] = []
            for pair in batch {
                let q = kb.train.first { pair.prompt.hasSuffix("Question: \($0.question)\nAnswer:") }!
                if seen.contains(q.question) { continue }
                seen.append(q.question)
                expected += baseTop[position[q.question]!].map {
                    PromptFormat.schemaDefault.pair(question: q.question, chunk: kb.corpus.text($0), answer: q.target)
                }
            }
            XCTAssertEqual(batch, expected, "step \(step)")
        }
    }

    /// `train.recipe = "ra-dit"`: RA-DIT's values for every key it governs unless the config
    /// sets the key (a deviation the resolved config marks); dropping the recipe restores
    /// the defaults of the keys the config did not set.
    func testRaDITRecipeGivesThePapersValuesAndMarksDeviations() throws {
        var c = try ExperimentConfig.parse("[train]\nrecipe = \"ra-dit\"\nsteps = 10\n", file: "recipe.toml")
        try c.validate(checkFiles: false)
        var t = try c.settings().train.tuning
        XCTAssertEqual(t.schedule, .cached)
        XCTAssertEqual(t.candidates, 10)
        XCTAssertEqual(t.lmTopK, 3)
        XCTAssertEqual(t.objective.kind, .lsr)
        XCTAssertEqual(t.objective.scoreMode, .prob)
        XCTAssertEqual(t.objective.lmTemperature, 0.01)
        XCTAssertEqual(t.objective.direction, .retrieverToTarget)
        XCTAssertEqual(t.lmSource, .retrieved)
        XCTAssertEqual(t.oracleShare, 0)
        XCTAssertEqual(t.steps, 10)
        XCTAssertTrue(c.recipeDeviations.isEmpty)
        XCTAssertTrue(c.rendered().contains("schedule = \"cached\"   # * (default \"lockstep\")   # recipe ra-dit"), c.rendered())

        try c.apply(overrides: ["train.candidates=20"])
        t = try c.settings().train.tuning
        XCTAssertEqual(t.candidates, 20)
        XCTAssertEqual(t.schedule, .cached)
        XCTAssertEqual(c.recipeDeviations.map(\.key), ["train.candidates"])
        XCTAssertTrue(c.rendered().contains("candidates = 20   # * (default 8)   # deviates from recipe ra-dit (10)"), c.rendered())

        try c.apply(overrides: ["train.recipe=none"])
        t = try c.settings().train.tuning
        XCTAssertEqual(t.schedule, .lockstep, "the recipe's value is gone with the recipe")
        XCTAssertEqual(t.objective.lmTemperature, 0.1)
        XCTAssertEqual(t.candidates, 20, "a key the config set stays")
    }

    /// Every default says which paper it follows or where Radit deviates; the recipe's
    /// keys are schema keys whose values type-check; `lockstep` is labelled Radit's own.
    func testEveryDefaultStatesItsBasisAndRecipesTypeCheck() throws {
        for f in ConfigSchema.fields { XCTAssertFalse(f.basis.isEmpty, "\(f.key) has no basis") }
        let schedule = try ConfigSchema.explain("train.schedule")
        XCTAssertTrue(schedule.contains("lockstep (Radit's own extension, in neither paper"), schedule)
        XCTAssertTrue(schedule.contains("  basis:   deviates: `lockstep` is Radit's own extension"), schedule)
        XCTAssertTrue(schedule.contains("  recipe ra-dit: \"cached\""), schedule)
        XCTAssertTrue(try ConfigSchema.explain("train.lm_temperature").contains("  recipe ra-dit: 0.01 (τ = 0.01"))
        XCTAssertTrue(ConfigSchema.markdownReference().contains("| meaning | basis |"))
        for recipe in TrainingRecipe.allCases {
            for r in ConfigSchema.recipes[recipe] ?? [] {
                XCTAssertNotNil(ConfigSchema.byKey[r.key], r.key)
                var c = ExperimentConfig()
                XCTAssertNoThrow(try c.apply(overrides: ["\(r.key)=\(r.value)"]), "\(recipe.rawValue): \(r.key) = \(r.value)")
                XCTAssertFalse(r.basis.isEmpty, r.key)
            }
        }
        XCTAssertEqual(ConfigSchema.recipes[.unset], [])
    }

    /// A `radit run` under the ra-dit recipe fixes, before training, the base retriever's
    /// top-10 for every training question and the base LM's scores over them.
    func testRaDITRecipeRunFixesTheBaseRetrieversTop10AndBaseLMScores() throws {
        let dir = Fixtures.temporaryDirectory("ra-dit-run").appendingPathComponent("run")
        let toml = "[data]\nentities = 16\n[train]\nrecipe = \"ra-dit\"\nsteps = 4\ncheckpoint_every = 0\n[eval]\ntop_k = 2\ntable = false\n"
        let sets = ["retriever.model=/", "lm.model=/"]
        var c = try ExperimentConfig.parse(toml, file: "ra-dit.toml")
        try c.apply(overrides: sets)
        let run = try ExperimentRun(create: dir, config: c, overrides: sets, root: dir)
        _ = try XCTUnwrap(try run.execute(backend: ToyBackend(), root: dir))
        XCTAssertEqual(run.metrics.count, 4)
        let fixed = try XCTUnwrap(try CheckpointFile.read(dir.appendingPathComponent("ckpt-00000004.h5"), seed: 0).state.fixed)
        let kb = ToyKB(entities: 16, seed: 0)
        let (lm, base, index) = try toyModels(kb) // the backend's untrained models
        let top = try index.search(try base.embed(kb.train.map(\.question)), k: 10)
        XCTAssertEqual(fixed.map(\.ids), (0..<top.queryCount).map(top.row))
        for (e, f) in zip(kb.train, fixed) {
            let pairs = f.ids.map { PromptFormat.schemaDefault.pair(question: e.question, chunk: kb.corpus.text($0), answer: e.target) }
            XCTAssertEqual(f.lm, try lm.score(pairs), e.id)
        }
    }
}
