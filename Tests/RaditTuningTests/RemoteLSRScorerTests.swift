import Foundation
import RaditBase
@testable import RaditExperiments
import RaditModels
import RaditServe
import RaditStore
import RaditTestSupport
import RaditText
import RaditTuning
import XCTest

/// `train.lsr_scorer = "remote"`: the R-ft targets of `radit run` scored by `radit serve`
/// (started here on loopback over the run's own tiny LM) equal native scoring, and go
/// through the content-keyed HDF5 score cache shared by the runs folder, so a second run
/// sends no request at all.
final class RemoteLSRScorerTests: XCTestCase {
    static let modelName = "tiny-lm"
    let root = Fixtures.repoRoot

    /// R-ft only (the LM never moves, so native and remote score the same model), short.
    func overrides(remote: String?) -> [String] {
        var o = ["train.schedule=retriever_only", "train.steps=3", "data.train_limit=6", "data.dev_limit=2",
                 "data.test_limit=2", "train.eval_every=0", "train.checkpoint_every=0", "eval.table=false",
                 // Whole prompts: native scoring cuts long prompts to lm.max_length, a server does not.
                 "lm.max_length=1024"]
        if let remote {
            o += ["train.lsr_scorer=remote", "remote.base_url=\(remote)", "remote.model=\(Self.modelName)",
                  "remote.api_key_env=", "remote.end_of_answer=</s>"]
        }
        return o
    }

    func config(_ overrides: [String]) throws -> ExperimentConfig {
        var c = try ExperimentConfig.parse(String(contentsOf: root.appendingPathComponent("experiments/tiny.toml"), encoding: .utf8),
                                           file: "tiny.toml")
        try c.apply(overrides: overrides)
        return c
    }

    /// `radit serve` over the same tiny LM `radit run` builds (its own copy: the server's
    /// model belongs to its worker), with the byte tokenizer the export writes.
    func startServer(_ settings: RunSettings) throws -> OpenAIServer {
        let lm = try NativeBackend.languageModel(settings, root: root)
        let bundle = LlamaBundle(model: lm.model, tokenizer: ByteCodec.tokenizer(), chatTemplate: nil)
        return try OpenAIServer(bundle: bundle, config: ServeConfig(port: 0, modelName: Self.modelName))
    }

    func run(_ dir: URL, _ overrides: [String]) throws -> ExperimentRun {
        let run = try ExperimentRun(create: dir, config: try config(overrides), overrides: overrides, root: root)
        XCTAssertNotNil(try run.execute(backend: NativeBackend(), root: root))
        return run
    }

    func testRemoteScoresEqualNativeScores() throws {
        let settings = try config(overrides(remote: nil)).settings()
        let server = try startServer(settings)
        defer { server.shutdown() }
        let setup = try NativeBackend().build(settings, root: root, progress: silentProgress)
        let native = try XCTUnwrap(setup.lm as? LlamaLM)
        var remoteSettings = try config(overrides(remote: server.baseURL)).settings().remote
        remoteSettings.maxConcurrency = 2
        let remote = RemoteLM(settings: remoteSettings, environment: [:])
        let format = settings.lm.format
        var pairs: [PromptAnswer] = []
        for e in setup.data.splits.train.prefix(3) {
            for c in 0..<3 { pairs.append(format.pair(question: e.question, chunk: setup.data.corpus.text(c), answer: e.target)) }
            pairs.append(PromptAnswer(prompt: format.closedBookPrompt(question: e.question), answer: format.completion(e.target)))
        }
        let expected = try native.score(pairs)
        let got = try remote.score(pairs)
        XCTAssertEqual(remote.requests, pairs.count)
        for (i, (e, g)) in zip(expected, got).enumerated() {
            XCTAssertEqual(g.tokens, e.tokens, "pair \(i): answer tokens (incl. the end token)")
            XCTAssertEqual(g.sum, e.sum, accuracy: 1e-4, "pair \(i)")
        }
    }

    func testRunScoresThroughServerAndRerunIsOffline() throws {
        let parent = Fixtures.temporaryDirectory("remote-lsr")
        let server = try startServer(try config(overrides(remote: nil)).settings())
        let url = server.baseURL

        let native = try run(parent.appendingPathComponent("native"), overrides(remote: nil))
        XCTAssertFalse(FileManager.default.fileExists(atPath: native.remoteCacheFile.path), "a native run asks no server")
        XCTAssertEqual(server.requestsReceived, 0)

        let first = try run(parent.appendingPathComponent("remote"), overrides(remote: url))
        let sent = server.requestsReceived
        let scored = first.metrics.series["scored_pairs"]!.reduce(0, +)
        XCTAssertGreaterThan(scored, 0)
        XCTAssertEqual(Double(sent), scored, "one completions request per scored pair")
        // Same targets, same R-ft: the losses agree with the native run's.
        let a = native.metrics.series["retriever_loss"]!, b = first.metrics.series["retriever_loss"]!
        XCTAssertEqual(a.count, 3)
        for (x, y) in zip(a, b) { XCTAssertEqual(y, x, accuracy: 1e-4 * max(1, abs(x))) }
        // The server's scores are in the shared cache file, keyed by content.
        let cache = try ScoreCacheFile.read(first.remoteCacheFile)
        XCTAssertEqual(Double(cache.count), scored)

        // A second run (another folder, same runs folder) with the server gone: every score
        // comes from the cache, none is requested.
        server.shutdown()
        let second = try run(parent.appendingPathComponent("rerun"), overrides(remote: url))
        XCTAssertEqual(second.metrics.series["scored_pairs"]!.reduce(0, +), 0)
        XCTAssertEqual(server.requestsReceived, sent)
        XCTAssertEqual(second.metrics.series["retriever_loss"]!, b, "cached scores give the same run")
        XCTAssertEqual(try ScoreCacheFile.read(first.remoteCacheFile).count, cache.count)
    }

    func testConfigRulesForTheRemoteScorer() throws {
        func rejected(_ o: [String], _ key: String) throws {
            XCTAssertThrowsError(try config(o).validate(root: root), o.joined(separator: " ")) { e in
                guard case let .invalid(k, _)? = e as? ConfigError else { return XCTFail("\(e)") }
                XCTAssertEqual(k, key)
            }
        }
        try rejected(["train.lsr_scorer=remote"], "remote.base_url")
        try rejected(["train.lsr_scorer=remote", "remote.base_url=http://127.0.0.1:1/v1"], "remote.model")
        try rejected(["remote.base_url=http://127.0.0.1:1/v1", "remote.model=m"], "remote.base_url")
        try rejected(["train.lsr_scorer=remote", "remote.base_url=127.0.0.1:1", "remote.model=m"], "remote.base_url")
        try rejected(["train.lsr_scorer=remote", "remote.base_url=http://h/v1", "remote.model=m", "train.loss=contrastive"],
                     "train.lsr_scorer")
        try rejected(["train.lsr_scorer=remote", "remote.base_url=http://h/v1", "remote.model=m", "remote.timeout=0.0"],
                     "remote.timeout")
        XCTAssertNoThrow(try config(["train.lsr_scorer=remote", "remote.base_url=http://h/v1", "remote.model=m"]).validate(root: root))
        // eval.lm = "remote": the server's model is evaluated, so only R-ft may train, and
        // replug needs distributions a server does not give.
        let server = ["remote.base_url=http://h/v1", "remote.model=m"]
        try rejected(["eval.lm=remote", "train.schedule=retriever_only"], "remote.base_url")
        try rejected(["eval.lm=remote"] + server, "eval.lm")
        try rejected(["eval.lm=remote", "train.schedule=retriever_only", "eval.mode=replug"] + server, "eval.lm")
        XCTAssertNoThrow(try config(["eval.lm=remote", "train.schedule=retriever_only"] + server).validate(root: root))
    }

    /// `eval.lm = "remote"`: every evaluation pass reads with `radit serve` over the same
    /// tiny LM (greedy completions, rerank scores through the remote score cache) and gives
    /// the native run's predictions, question by question.
    func testRemoteEvaluationEqualsNativeEvaluation() throws {
        let parent = Fixtures.temporaryDirectory("remote-eval")
        let native = overrides(remote: nil)
        let server = try startServer(try config(native).settings())
        defer { server.shutdown() }
        let nativeRun = try run(parent.appendingPathComponent("native"), native)
        XCTAssertEqual(server.requestsReceived, 0)
        let remote = native + ["eval.lm=remote", "remote.base_url=\(server.baseURL)", "remote.model=\(Self.modelName)",
                               "remote.api_key_env=", "remote.end_of_answer=</s>"]
        let remoteRun = try run(parent.appendingPathComponent("remote"), remote)
        XCTAssertGreaterThan(server.requestsReceived, 0, "the passes read through the server")
        XCTAssertGreaterThan(try ScoreCacheFile.read(remoteRun.remoteCacheFile).count, 0, "rerank scores in the remote cache")
        let a = try RunFile.readPasses(nativeRun.directory.appendingPathComponent("run.h5"))
        let b = try RunFile.readPasses(remoteRun.directory.appendingPathComponent("run.h5"))
        XCTAssertEqual(b.map(\.name), a.map(\.name))
        XCTAssertFalse(a.isEmpty)
        for (p, q) in zip(a, b) {
            XCTAssertEqual(q.records.records.map(\.contextIDs), p.records.records.map(\.contextIDs), p.name)
            XCTAssertEqual(q.records.records.map(\.prediction), p.records.records.map(\.prediction), p.name)
            XCTAssertEqual(q.records.records.map(\.exactMatch), p.records.records.map(\.exactMatch), p.name)
        }
    }
}
