import Foundation
import RaditBase
@testable import RaditExperiments
import RaditRemote
import RaditRetrieval
import RaditTestSupport
import RaditTuning
import XCTest

/// `radit serve RUN`: a short LoRA run of the tiny models is served with its tuned LM
/// (LoRA merged) — remote scores equal the run's own LM's to 1e-4 — and `POST /retrieve`
/// answers with the run's tuned retriever, in Search-R1's shape, with 4xx for bad bodies.
final class ServeRunTests: XCTestCase {
    let root = Fixtures.repoRoot

    func loraRun() throws -> URL {
        let dir = Fixtures.temporaryDirectory("serve-run").appendingPathComponent("tiny-lora")
        let overrides = ["train.steps=3", "data.train_limit=8", "data.dev_limit=2", "data.test_limit=2", "eval.table=false",
                         "lm.finetune=lora", "lm.lora_rank=4", "train.lm_lr=0.05", "train.checkpoint_every=0", "train.eval_every=0"]
        var c = try ExperimentConfig.parse(String(contentsOf: root.appendingPathComponent("experiments/tiny.toml"), encoding: .utf8),
                                           file: "tiny.toml")
        try c.apply(overrides: overrides)
        let run = try ExperimentRun(create: dir, config: c, overrides: overrides, root: root)
        XCTAssertNotNil(try run.execute(backend: NativeBackend(), root: root))
        return dir
    }

    /// POSTs JSON with Radit's own HTTP client (no retries); any status comes back.
    func post(_ url: String, _ body: String) throws -> (status: Int, json: Any?) {
        let client = HTTPClient(config: HTTPClientConfig(retry: .none))
        let request = HTTPRequest(method: .post, url: url, headers: [HTTPHeader("Content-Type", "application/json")],
                                  body: Data(body.utf8))
        do {
            let r = try client.send(request)
            return (r.status, try? JSONSerialization.jsonObject(with: r.body))
        } catch let RemoteError.http(status, _, _, excerpt, _) {
            return (status, try? JSONSerialization.jsonObject(with: Data(excerpt.utf8)))
        }
    }

    func testServesTheTunedLMAndRetriever() throws {
        let dir = try loraRun()
        var serving = Serving(model: dir)
        serving.port = 0
        serving.root = root
        let running = try serving.start()
        defer { running.shutdown() }
        XCTAssertEqual(running.modelName, "tiny-lora")

        // The run's LM as training left it (adapters unmerged) against the merged, served one.
        let export = try RunExport(run: dir, root: root, checkpoint: .best)
        let format = export.settings.lm.format
        let pairs = [format.pair(question: "Where does Ada live?", chunk: "Ada lives in Quon.", answer: "Quon"),
                     PromptAnswer(prompt: format.closedBookPrompt(question: "Who built the bridge?"), answer: format.completion("Ilse Marr"))]
        let native = try export.lm.score(pairs)
        let client = try OpenAIClient(endpoint: RemoteEndpoint(baseURL: running.baseURL, model: "tiny-lora"))
        XCTAssertEqual(try client.models().map(\.id), ["tiny-lora"])
        // The byte LM's end-of-answer token is "</s>": appended, it is scored as natively.
        let remote = try client.score(pairs.map { (prompt: $0.prompt, answer: $0.answer + "</s>") })
        for (n, r) in zip(native, remote) {
            XCTAssertEqual(r.count, n.tokens)
            XCTAssertEqual(r.reduce(0, +), n.sum, accuracy: 1e-4)
        }

        // POST /retrieve: the tuned query encoder over the run's index.
        let setup = try NativeBackend().build(export.settings, root: root, progress: silentProgress)
        let queries = Array(setup.data.splits.train.prefix(2).map(\.question))
        let expected = try DenseRetriever(queries: export.queries, index: setup.index).search(queries, k: 3)
        let body = try JSONSerialization.data(withJSONObject: ["queries": queries, "topk": 3])
        let (status, json) = try post(running.rootURL + "/retrieve", String(decoding: body, as: UTF8.self))
        XCTAssertEqual(status, 200)
        let result = try XCTUnwrap((json as? [String: Any])?["result"] as? [[[String: Any]]])
        XCTAssertEqual(result.count, 2)
        for q in 0..<2 {
            XCTAssertEqual(result[q].count, 3)
            for (j, hit) in expected.hits(q).enumerated() {
                let doc = try XCTUnwrap(result[q][j]["document"] as? [String: Any])
                let chunk = setup.data.corpus[hit.id]
                XCTAssertEqual(doc["id"] as? String, chunk.id)
                XCTAssertEqual(doc["text"] as? String, chunk.text)
                XCTAssertEqual(doc["contents"] as? String, chunk.title.isEmpty ? chunk.text : "\"\(chunk.title)\"\n\(chunk.text)")
                XCTAssertEqual(try XCTUnwrap(result[q][j]["score"] as? Double), Double(hit.score), accuracy: 1e-5)
            }
        }
        // Without scores: documents only. Default topk: 3.
        let plain = try post(running.rootURL + "/retrieve", #"{"queries": ["Where does Ada live?"], "return_scores": false}"#)
        XCTAssertEqual(plain.status, 200)
        let rows = try XCTUnwrap((plain.json as? [String: Any])?["result"] as? [[[String: Any]]])
        XCTAssertEqual(rows[0].count, 3)
        XCTAssertNotNil(rows[0][0]["contents"])
        XCTAssertNil(rows[0][0]["score"])
        // Bad bodies are 400s with the API's error shape; the server keeps serving.
        for bad in [#"{"topk": 2}"#, #"{"queries": [], "topk": 2}"#, #"{"queries": ["x"], "topk": 0}"#,
                    #"{"queries": ["x"], "topk": 100000}"#, #"{"queries": [" "]}"#, "not json"] {
            let r = try post(running.rootURL + "/retrieve", bad)
            XCTAssertEqual(r.status, 400, bad)
            XCTAssertNotNil(((r.json as? [String: Any])?["error"] as? [String: Any])?["message"], bad)
        }
        XCTAssertEqual(try post(running.rootURL + "/retrieve", #"{"queries": ["Ada"], "topk": 1}"#).status, 200)
    }
}
