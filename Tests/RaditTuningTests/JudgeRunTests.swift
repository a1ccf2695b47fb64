import Foundation
import RaditEval
@testable import RaditExperiments
import RaditModels
import RaditRemote
import RaditServe
import RaditStore
import RaditTestSupport
import RaditText
import XCTest

/// `radit judge` on a real tiny run: every pass's questions are judged through an
/// OpenAI-compatible chat endpoint (a real `radit serve` of a tiny chat model, and a scripted loopback judge
/// whose replies are known), the scores land in run.h5 beside the predictions, a rerun
/// sends nothing, and `radit table` shows the judge metrics beside EM/F1.
final class JudgeRunTests: XCTestCase {
    let root = Fixtures.repoRoot

    /// A short finished run of the tiny models (all six Table 6 passes, 3 test questions).
    func tinyRun(_ label: String) throws -> URL {
        let dir = Fixtures.temporaryDirectory(label).appendingPathComponent("tiny")
        let overrides = ["train.steps=2", "data.train_limit=8", "data.dev_limit=2", "data.test_limit=3",
                         "train.checkpoint_every=0", "train.eval_every=0"]
        var c = try ExperimentConfig.parse(String(contentsOf: root.appendingPathComponent("experiments/tiny.toml"), encoding: .utf8),
                                           file: "tiny.toml")
        try c.apply(overrides: overrides)
        let run = try ExperimentRun(create: dir, config: c, overrides: overrides, root: root)
        XCTAssertNotNil(try run.execute(backend: NativeBackend(), root: root))
        return dir
    }

    func judging(_ dir: URL, url: String, model: String) -> RunJudging {
        var settings = JudgeSettings(baseURL: url, model: model)
        settings.apiKeyEnvironment = ""
        settings.maxTokens = 16
        settings.maxAttempts = 1
        settings.timeout = 600
        var job = RunJudging(paths: [dir], judge: settings, prompts: root.appendingPathComponent("prompts/judge"), root: root)
        job.environment = [:]
        return job
    }

    func testJudgeThroughServeWritesEveryPassAndARerunPaysNothing() throws {
        let dir = try tinyRun("judge-serve")
        // `radit serve` of a tiny byte-level chat model (ChatML) standing in for the judge.
        let model = try LlamaModel<Float>(config: LlamaConfig(layers: 1, width: 32, heads: 2, kvHeads: 1, mlpWidth: 64,
                                                              vocab: ByteCodec().vocabularySize, ropeTheta: 10000, normEps: 1e-5,
                                                              tiedEmbeddings: true, ropeLayout: .halfSplit, maxPositions: 4096,
                                                              bosToken: 1, eosToken: 2), seed: 5)
        let running = try OpenAIServer(bundle: LlamaBundle(model: model, tokenizer: ByteCodec.tokenizer(), chatTemplate: .chatML(defaultSystem: nil)),
                                       config: ServeConfig(port: 0, modelName: "judge"))
        defer { running.shutdown() }

        let job = judging(dir, url: running.baseURL, model: "judge")
        let report = try job.run()
        let passes = try RunFile.readPasses(dir.appendingPathComponent("run.h5"))
        XCTAssertEqual(passes.count, 6)
        XCTAssertEqual(report.judged.map(\.pass), passes.map(\.name))
        var requests = 0
        for pass in passes {
            let j = try XCTUnwrap(pass.judgement, pass.name)
            XCTAssertEqual(j.model, "judge")
            XCTAssertEqual(j.embedder, "retriever:tiny")
            XCTAssertEqual(j.tally.questions, pass.records.count)
            let closedBook = pass.retriever == nil
            XCTAssertEqual(j.tally.requests, pass.records.count * (closedBook ? 1 : 2), pass.name)
            requests += j.tally.requests
            for r in pass.records.records {
                let s = try XCTUnwrap(r.judge, "\(pass.name) \(r.id)")
                // The tiny judge's replies (often empty) do not parse: counted, the metric left out.
                XCTAssertEqual(s.truePositives == -1, s.answerCorrectness.isNaN)
                if closedBook { XCTAssertTrue(s.rawFaithfulness.isEmpty && s.faithfulness.isNaN, "no contexts, no faithfulness") }
                XCTAssertFalse(s.answerSimilarity.isNaN, "the run's retriever embeds the answers")
                XCTAssertLessThanOrEqual(abs(s.answerSimilarity), 1 + 1e-6)
            }
            // Every reply is either scored or counted as unparsable.
            let scored = pass.records.records.map { r in
                [r.judge!.answerCorrectness, r.judge!.faithfulness].filter { !$0.isNaN }.count
            }.reduce(0, +)
            XCTAssertLessThanOrEqual(scored + j.tally.unparsable, j.tally.requests, pass.name)
            XCTAssertEqual(j.tally.unparsable, (j.tally.unparsableBy["answer_correctness"] ?? 0) + (j.tally.unparsableBy["faithfulness"] ?? 0))
        }
        XCTAssertEqual(report.usage.sent + report.usage.cached, requests)
        XCTAssertGreaterThan(report.usage.sent, 0)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.contains(".tmp-") },
                       "the rewrite of run.h5 leaves no temporary file")

        // A rerun pays nothing: every reply comes from the cache, and the scores are the same.
        let again = try job.run()
        XCTAssertEqual(again.usage.sent, 0)
        XCTAssertEqual(again.usage.cached, requests)
        let reread = try RunFile.readPasses(dir.appendingPathComponent("run.h5"))
        XCTAssertEqual(reread.map { $0.records.records.map(\.judge) }, passes.map { $0.records.records.map(\.judge) })

        // The judge metrics stand beside EM/F1 in the table.
        let table = try PaperTables(try RunCollection(paths: [dir]), statistics: TableStatistics(resamples: 200, seed: 1))
            .table("radit-table6")
        let metrics = table.columns.map(\.metric)
        XCTAssertEqual(Array(metrics.prefix(3)), ["EM", "F1", "answer_similarity"])
        let similarity = try XCTUnwrap(table.cell("base+base", table.columns[2].key))
        XCTAssertEqual(similarity.n, 3)
        XCTAssertNotNil(similarity.interval)
        XCTAssertTrue(table.notes.contains { $0.contains("judge at \(running.baseURL)") }, "\(table.notes)")
    }

    /// A judge whose replies are known: the numbers are checked by hand, an unparsable
    /// reply is counted and left out, and the table says so.
    func testScriptedJudgeScoresAreStoredAndTabled() throws {
        let dir = try tinyRun("judge-scripted")
        let server = try FaultServer(lifetime: 300) { request, index in
            let prompt = String(decoding: request.body, as: UTF8.self)
            let reply: String
            if index == 0 {
                reply = "I cannot answer in JSON."
            } else if prompt.contains("Ground truth:") {
                // One supported statement, one unsupported, none missing: F1 = 1 / (1 + 0.5) = 2/3.
                reply = #"{\"TP\": [\"a\"], \"FP\": [\"b\"], \"FN\": []}"#
            } else {
                reply = #"{\"statements\": [{\"statement\": \"a\", \"verdict\": 1}, {\"statement\": \"b\", \"verdict\": 0}, {\"statement\": \"c\", \"verdict\": 1}, {\"statement\": \"d\", \"verdict\": 1}]}"#
            }
            return .json(#"{"id": "c\#(index)", "object": "chat.completion", "created": 1, "model": "scripted", "choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(reply)"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 10, "completion_tokens": 5}}"#)
        }
        defer { server.stop() }
        var job = judging(dir, url: server.baseURL + "/v1", model: "scripted")
        job.judge.maxConcurrency = 1
        job.embeddings = .none
        job.passes = ["LM-ft+R-ft"]
        let report = try job.run()
        XCTAssertEqual(report.judged.map(\.pass), ["LM-ft+R-ft"])
        XCTAssertEqual(server.requests.count, 6, "3 questions × 2 prompts")
        XCTAssertEqual(report.judged[0].tally.unparsable, 1)
        XCTAssertEqual(report.judged[0].tally.unparsableBy, ["answer_correctness": 1])

        func judged(_ name: String) throws -> EvaluationPass {
            try XCTUnwrap(try RunFile.readPasses(dir.appendingPathComponent("run.h5")).first { $0.name == name })
        }
        let tuned = try judged("LM-ft+R-ft")
        XCTAssertNil(try judged("base+base").judgement, "passes not asked for stay unjudged")
        for r in tuned.records.records {
            let s = try XCTUnwrap(r.judge)
            XCTAssertTrue(s.answerSimilarity.isNaN, "no embeddings")
            XCTAssertEqual(s.faithfulness, 0.75, accuracy: 1e-12)
            if s.rawCorrectness == "I cannot answer in JSON." {
                XCTAssertTrue(s.answerCorrectness.isNaN)
                XCTAssertEqual(s.truePositives, -1)
            } else {
                XCTAssertEqual(s.answerCorrectness, 2.0 / 3.0, accuracy: 1e-12, "factual F1 alone without embeddings")
                XCTAssertEqual([s.truePositives, s.falsePositives, s.falseNegatives], [1, 1, 0])
            }
        }

        // Judging another pass keeps the first one's scores; asking again sends nothing new
        // for prompts already answered.
        job.passes = ["base+base"]
        _ = try job.run()
        XCTAssertEqual(try judged("LM-ft+R-ft").records.records.map(\.judge), tuned.records.records.map(\.judge))
        XCTAssertNotNil(try judged("base+base").judgement)
        job.passes = []
        let all = try job.run()
        XCTAssertEqual(all.judged.count, 6)
        let sent = server.requests.count
        let again = try job.run()
        XCTAssertEqual(again.usage.sent, 0)
        XCTAssertEqual(server.requests.count, sent, "a rerun pays nothing")

        // h5py-readable layout: /judge/<pass>/ with one row per question.
        let file = try StoreFile.open(dir.appendingPathComponent("run.h5"), expecting: .run, versions: 1...1)
        defer { try? file.close() }
        XCTAssertEqual(try file.shape(of: "/judge/base+base/answer_correctness"), [3])
        XCTAssertEqual(try file.shape(of: "/judge/base+base/tp_fp_fn"), [3, 3])
        XCTAssertEqual(try file.group("/judge/base+base").stringAttribute("judge_model"), "scripted")

        let table = try PaperTables(try RunCollection(paths: [dir]), statistics: TableStatistics(resamples: 200, seed: 1))
            .table("radit-table6")
        XCTAssertEqual(table.columns.map(\.metric), ["EM", "F1", "answer_correctness", "faithfulness"])
        let correctness = table.columns.first { $0.metric == "answer_correctness" }!.key
        let tunedCell = try XCTUnwrap(table.cell("LM-ft+R-ft", correctness))
        XCTAssertEqual(tunedCell.n, 2, "the unparsable reply's question is left out")
        XCTAssertEqual(tunedCell.value, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertNotNil(tunedCell.interval)
        let passes = try RunFile.readPasses(dir.appendingPathComponent("run.h5"))
        let tableRows = ["base+base", "LM-ft+base", "base+R-ft", "LM-ft+R-ft"]
        let unparsable = passes.filter { tableRows.contains($0.name) }
            .map { $0.judgement?.tally.unparsableBy["answer_correctness"] ?? 0 }.reduce(0, +)
        XCTAssertGreaterThanOrEqual(unparsable, 1)
        XCTAssertTrue(table.notes.contains { $0.hasPrefix("answer_correctness: n = ") && $0.hasSuffix("; \(unparsable) unparsable judge replies left out.") },
                      "\(table.notes)")
        XCTAssertTrue(table.notes.contains { $0.contains("scripted at \(server.baseURL)/v1 (embeddings: none)") }, "\(table.notes)")
        let markdown = TableFormat.markdown.render(table)
        XCTAssertTrue(markdown.contains("answer_correctness"), markdown)
    }
}
