import Foundation
import RaditData
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
}
