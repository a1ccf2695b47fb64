import Foundation
import RaditData
import RaditBase
import RaditExperiments
import RaditTestSupport
@testable import RaditTuning
import XCTest

/// The toy backend with one dev question copied (re-cased, re-punctuated) into train.
struct LeakyBackend: ExperimentBackend {
    func build(_ settings: RunSettings, root: URL, progress: ProgressHandler) throws -> ExperimentSetup {
        var setup = try ToyBackend().build(settings, root: root, progress: progress)
        var copy = setup.data.splits.dev[0]
        copy.id = "leak"
        copy.question = copy.question.uppercased() + "?"
        setup.data.splits.train.append(copy)
        return setup
    }
}

final class ProtocolGuardTests: XCTestCase {
    func testTrainingOnAnEvaluationQuestionIsRefused() throws {
        let dir = Fixtures.temporaryDirectory("guard").appendingPathComponent("leaky")
        var c = try ExperimentConfig.parse("[data]\nentities = 8\n[train]\nsteps = 2\n", file: "leak.toml")
        try c.apply(overrides: ["retriever.model=/", "lm.model=/"])
        let run = try ExperimentRun(create: dir, config: c, overrides: [], root: dir)
        XCTAssertThrowsError(try run.execute(backend: LeakyBackend(), root: dir)) { e in
            guard case let TuningError.evaluationQuestionInTraining(split, count, examples) = e else {
                return XCTFail("wrong error: \(e)")
            }
            XCTAssertEqual(split, "dev")
            XCTAssertEqual(count, 1)
            XCTAssertTrue(examples[0].hasPrefix("leak = dev "), examples[0])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("base.h5").path), "refused before any training file")
        // Without the copy the same run trains.
        let clean = Fixtures.temporaryDirectory("guard").appendingPathComponent("clean")
        XCTAssertNotNil(try ExperimentRun(create: clean, config: c, overrides: [], root: clean).execute(backend: ToyBackend(), root: clean))
    }

    /// DSF (RAFT Table 1): LM-ft on question → answer, no document in any prompt.
    func testDSFTrainsWithNoDocumentInAnyPrompt() throws {
        let kb = ToyKB()
        let (toy, enc, index) = try toyModels(kb)
        let lm = RecordingLM(toy)
        var o = TuningOptions.test()
        o.schedule = .lmOnly
        o.lmSource = .dsf
        o.steps = 6
        o.batchSize = 4
        o.oracleShare = 0.5 // has no documents to put in
        let t = try DualTuner(options: o, lm: lm, encoder: enc, index: index, corpus: kb.corpus, train: kb.train,
                              template: PromptFormat.schemaDefault)
        try t.run()
        XCTAssertEqual(lm.batches.count, 6)
        for batch in lm.batches {
            XCTAssertEqual(batch.count, 4, "one instance per question")
            for pair in batch {
                XCTAssertFalse(pair.prompt.contains("Background:"), pair.prompt)
                XCTAssertFalse(kb.corpus.indexedTexts.contains { pair.prompt.contains($0) }, pair.prompt)
                let q = try XCTUnwrap(kb.train.first { PromptFormat.schemaDefault.closedBookPrompt(question: $0.question) == pair.prompt })
                XCTAssertEqual(pair.answer, " " + q.target)
            }
        }
    }
}
