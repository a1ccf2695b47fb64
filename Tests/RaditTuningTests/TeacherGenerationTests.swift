import Foundation
import RaditBase
import RaditData
import RaditEval
@testable import RaditExperiments
import RaditModels
import RaditRemote
import RaditServe
import RaditTestSupport
import RaditText
import XCTest

/// `radit generate questions` and `radit generate raft --teacher remote`: through a
/// deterministic fake teacher (the happy path, validation with retries and drops, the
/// evaluation de-duplication, a stop and a resume that repeats no completed request), and
/// through `radit serve` with the tiny LM standing in for the teacher (its answers rarely
/// validate: the counts add up and whatever is kept validates).
final class TeacherGenerationTests: XCTestCase {
    func teacher(_ base: String, cache: URL, concurrency: Int = 2) -> TeacherSettings {
        TeacherSettings(baseURL: base, model: "fake-teacher", apiKeyEnvironment: "", timeout: 30, maxConcurrency: concurrency,
                        maxAttempts: 1, maxTokens: 64, promptPrice: 2.5, completionPrice: 10, cache: cache)
    }

    func testQuestionsThenRaftFromAFakeTeacherOverAPDFFolder() throws {
        let server = try FaultServer(lifetime: 300, script: { fakeTeacher($0, $1) })
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory("teacher-fake")
        let corpusFolder = Fixtures.file("folder_corpus")  // .html, .md and a .pdf
        let chunks = try DatasetReader.read(corpusFolder.path).corpus.count
        XCTAssertGreaterThanOrEqual(chunks, 3)
        let evaluation = dir.appendingPathComponent("eval.jsonl")
        try #"{"question": "what is the capital of quon", "answer": ["Ilse"], "ctxs": [{"title": "Quon", "text": "The capital of Quon is Ilse."}]}"#.appending("\n")
            .write(to: evaluation, atomically: true, encoding: .utf8)

        let out = dir.appendingPathComponent("questions")
        let cache = dir.appendingPathComponent("teacher-cache.jsonl")
        var job = QuestionGeneration(data: corpusFolder.path, perChunk: 3, teacher: teacher(server.baseURL + "/v1", cache: cache, concurrency: 1),
                                     out: out)
        job.excludeData = evaluation.path
        job.excludeSplit = .test
        job.environment = [:]
        // Stopped after the first batch (2 chunks at concurrency 1): nothing is written, the
        // replies are cached.
        XCTAssertThrowsError(try job.run(progress: { _ in .stop })) { XCTAssertEqual($0 as? TeacherStop, .stopped) }
        let first = server.requests.count
        XCTAssertEqual(first, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("queries.jsonl").path))
        let report = try job.run()
        XCTAssertEqual(server.requests.count, chunks, "the resumed run asks only the chunks never answered")
        XCTAssertEqual(report.teacher.usage.sent, chunks - first)
        XCTAssertEqual(report.teacher.usage.cached, first)
        XCTAssertEqual(report.questions, chunks + 1)
        XCTAssertEqual(report.droppedEvaluation, chunks)
        XCTAssertEqual(report.droppedDuplicate, chunks - 1)
        XCTAssertEqual(report.shortReplies, 0)
        // The cost counts the tokens of what this run sent (2.5 and 10 per million).
        XCTAssertGreaterThan(report.teacher.usage.promptTokens, 0)
        XCTAssertEqual(report.teacher.estimatedCost,
                       (2.5 * Double(report.teacher.usage.promptTokens) + 10 * Double(report.teacher.usage.completionTokens)) / 1e6,
                       accuracy: 1e-12)

        // The folder is a BEIR dataset of the generated questions, each judged on its chunk.
        let generated = try DatasetReader.read(out.path, options: ReadOptions(split: "train", requireQuestions: true))
        XCTAssertEqual(generated.queries.count, chunks + 1)
        XCTAssertFalse(generated.queries.examples.contains { AnswerMetrics.normalize($0.question) == AnswerMetrics.normalize("What is the capital of Quon?") })

        // RAFT with the teacher's CoT answers over the generated questions.
        let raftOut = dir.appendingPathComponent("raft")
        var raft = RaftGeneration(data: out.path, p: 1, distractors: 1, source: .random, out: raftOut)
        raft.teacher = teacher(server.baseURL + "/v1", cache: cache)
        raft.teacher!.apiKeyEnvironment = "TEACHER_KEY"
        raft.teacherAttempts = 3
        raft.environment = ["TEACHER_KEY": "sk-test-secret-4711"]
        let before = server.requests.count
        let r = try raft.run()
        let questions = generated.queries.examples.map(\.question)
        let dropped = questions.filter { fakeTeacherHash($0) % 5 == 0 }.count
        let lateTag = questions.filter { fakeTeacherHash($0) % 5 != 0 && fakeTeacherHash($0) % 3 == 0 }.count
        let t = try XCTUnwrap(r.teacher)
        XCTAssertEqual(t.kept, questions.count - dropped)
        XCTAssertGreaterThan(t.estimatedCost, 0)
        XCTAssertEqual(t.dropped, dropped > 0 ? ["quote_not_in_documents": dropped] : [:])
        XCTAssertEqual(t.retried, 2 * dropped + lateTag)
        XCTAssertEqual(server.requests.count - before, questions.count + 2 * dropped + lateTag)
        XCTAssertEqual(r.instances, questions.count - dropped)
        let instances = try JSONLines.read(raftOut.appendingPathComponent("raft.jsonl"), as: RaftInstance.self)
        XCTAssertEqual(instances.count, r.instances)
        for i in instances {
            let gold = i.documents.filter { i.goldIDs.contains($0.id) }.map(\.text)
            XCTAssertEqual(RaftFormat.check(i.cotAnswer, documents: gold), .valid(answer: i.answer), i.cotAnswer)
        }
        // A rerun sends nothing and writes the same instances.
        let file = try Data(contentsOf: raftOut.appendingPathComponent("raft.jsonl"))
        let sent = server.requests.count
        let again = try raft.run()
        XCTAssertEqual(server.requests.count, sent)
        XCTAssertEqual(again.teacher?.usage.sent, 0)
        XCTAssertEqual(try Data(contentsOf: raftOut.appendingPathComponent("raft.jsonl")), file)
        // The key went to the server, never into the cache or the outputs.
        XCTAssertEqual(server.requests.last?.headers["authorization"], "Bearer sk-test-secret-4711")
        for f in [cache, raftOut.appendingPathComponent("raft.jsonl"), raftOut.appendingPathComponent("raft.jsonl.settings.json")] {
            XCTAssertFalse(try String(contentsOf: f, encoding: .utf8).contains("sk-test-secret"), f.path)
        }
    }

    func testRequestCacheSurvivesATornLastLine() throws {
        let url = Fixtures.temporaryDirectory("request-cache").appendingPathComponent("c.jsonl")
        let r = ChatCompletionResponse(id: "a", created: 0, model: "m",
                                       choices: [.init(index: 0, message: OpenAIChatMessage(role: "assistant", content: "hi\nthere"), finishReason: "stop")],
                                       usage: OpenAIUsage(promptTokens: 1, completionTokens: 2))
        do {
            let c = try RequestCache(url: url)
            try c.store(r, for: "k1")
        }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        try h.write(contentsOf: Data(#"{"key": "k2", "resp"#.utf8))
        try h.close()
        let c = try RequestCache(url: url)
        XCTAssertEqual(c.count, 1)
        XCTAssertEqual(c.response(for: "k1"), r)
        try c.store(r, for: "k2")
        XCTAssertEqual(try RequestCache(url: url).count, 2)
    }

    /// A teacher nobody answers, or whose key is missing: the error names the flag the user
    /// gave (not a config key they never wrote) and how to fix it.
    func testUnreachableTeacherNamesTheFlagToFix() throws {
        let dir = Fixtures.temporaryDirectory("teacher-down")
        let kbFolder = dir.appendingPathComponent("kb")
        try SynthKB.generate(SynthKBConfig(entities: 4, seed: 1, nearDuplicateRate: 0, heldOutFraction: 0)).write(to: kbFolder)
        // Port 1: nothing listens there, the connection is refused.
        let settings = teacher("http://127.0.0.1:1/v1", cache: dir.appendingPathComponent("cache.jsonl"))
        var raft = RaftGeneration(data: kbFolder.path, p: 1, distractors: 1, source: .random, out: dir.appendingPathComponent("raft"))
        raft.teacher = settings
        raft.environment = [:]
        var questions = QuestionGeneration(data: Fixtures.file("folder_corpus").path, perChunk: 1, teacher: settings,
                                           out: dir.appendingPathComponent("questions"))
        questions.environment = [:]
        let commands: [(String, () throws -> Void)] = [("generate raft", { _ = try raft.run() }),
                                                       ("generate questions", { _ = try questions.run() })]
        for (name, command) in commands {
            XCTAssertThrowsError(try command(), name) { e in
                let m = (e as? any RaditError)?.message ?? "\(e)"
                XCTAssertTrue(m.contains("cannot reach http://127.0.0.1:1/v1/chat/completions"), m)
                XCTAssertTrue(m.contains("--teacher-url is its base URL including the version path (e.g. http://127.0.0.1:8080/v1)"), m)
                XCTAssertFalse(m.contains("remote."), "no config key the user never wrote: \(m)")
            }
        }
        var keyed = settings
        keyed.apiKeyEnvironment = "RADIT_TEST_NO_SUCH_KEY"
        raft.teacher = keyed
        XCTAssertThrowsError(try raft.run()) { e in
            let m = (e as? any RaditError)?.message ?? "\(e)"
            XCTAssertTrue(m.contains("export RADIT_TEST_NO_SUCH_KEY=… (--api-key-env names it), or pass --api-key-env '' for a server without keys"), m)
            XCTAssertFalse(m.contains("remote."), m)
        }
    }

    func testTinyLMThroughRaditServeAsTeacher() throws {
        let dir = Fixtures.temporaryDirectory("teacher-serve")
        let kbFolder = dir.appendingPathComponent("kb")
        try SynthKB.generate(SynthKBConfig(entities: 6, seed: 3, nearDuplicateRate: 0.3, heldOutFraction: 0)).write(to: kbFolder)
        let model = try LlamaModel<Float>(config: LlamaConfig(layers: 1, width: 32, heads: 2, kvHeads: 1, mlpWidth: 64,
                                                              vocab: ByteCodec().vocabularySize, ropeTheta: 10000, normEps: 1e-5,
                                                              tiedEmbeddings: true, ropeLayout: .halfSplit, maxPositions: 4096,
                                                              bosToken: 1, eosToken: 2), seed: 5)
        let server = try OpenAIServer(bundle: LlamaBundle(model: model, tokenizer: ByteCodec.tokenizer(), chatTemplate: .chatML(defaultSystem: nil)),
                                      config: ServeConfig(port: 0, modelName: "tiny-teacher"))
        defer { server.shutdown() }
        var settings = TeacherSettings(baseURL: server.baseURL, model: "tiny-teacher", apiKeyEnvironment: "", timeout: 120,
                                       maxConcurrency: 2, maxAttempts: 1, maxTokens: 24, cache: dir.appendingPathComponent("cache.jsonl"))
        settings.retryTemperature = 1.0
        var raft = RaftGeneration(data: kbFolder.path, p: 1, distractors: 1, source: .random, out: dir.appendingPathComponent("raft"))
        raft.teacher = settings
        raft.teacherAttempts = 2
        raft.environment = [:]
        let questions = try GenerationInput.load(kbFolder.path, split: .train).dataset.queries.count
        func attempt() throws -> (kept: Int, dropped: Int) {
            do {
                let r = try raft.run()
                let t = try XCTUnwrap(r.teacher)
                let instances = try JSONLines.read(dir.appendingPathComponent("raft/raft.jsonl"), as: RaftInstance.self)
                for i in instances {
                    let gold = i.documents.filter { i.goldIDs.contains($0.id) }.map(\.text)
                    guard case .valid = RaftFormat.check(i.cotAnswer, documents: gold) else { XCTFail(i.cotAnswer); continue }
                }
                return (t.kept, t.droppedTotal)
            } catch let TeacherError.noValidAnswers(n, dropped) {
                XCTAssertEqual(n, questions)
                return (0, dropped.values.reduce(0, +))
            }
        }
        let (kept, dropped) = try attempt()
        XCTAssertEqual(kept + dropped, questions, "every question is kept or dropped with a reason")
        let sent = server.requestsReceived
        XCTAssertGreaterThan(sent, 0)
        XCTAssertLessThanOrEqual(sent, 2 * questions, "at most one retry per question")
        let (kept2, dropped2) = try attempt()
        XCTAssertEqual([kept2, dropped2], [kept, dropped])
        XCTAssertEqual(server.requestsReceived, sent, "the rerun is answered from the request cache")
    }
}

/// A teacher with known behaviour. Questions: per chunk, an evaluation question (to be
/// dropped), one question unique to the chunk, one repeated by every chunk, and a line
/// that is no question. Answers: quote the first line of the context verbatim; a
/// question whose byte sum is divisible by 5 always gets an invented quote (dropped),
/// one divisible by 3 gets no answer tag on its first attempt (retried, then kept).
func fakeTeacher(_ request: RecordedRequest, _ index: Int) -> FaultReply {
    guard request.path == "/v1/chat/completions",
          let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
          let messages = body["messages"] as? [[String: Any]], messages.count == 2,
          let system = messages[0]["content"] as? String, let user = messages[1]["content"] as? String else {
        return .json(#"{"error": {"message": "unexpected request", "type": "invalid_request_error"}}"#, status: 400)
    }
    let reply: String
    if system.contains("synthetic question-answer pair generator") {
        reply = "1. What is the capital of Quon?\n2) Which facts does passage \(SHA256.hex(user).prefix(8)) state?\n- Is this a repeated question?\nnot a question at all\n"
    } else {
        let question = user.components(separatedBy: "\n").first!.replacingOccurrences(of: "Question: ", with: "")
        let context = user.components(separatedBy: "Context: ")[1].components(separatedBy: "\n\nAnswer this question")[0]
        let line = context.split(separator: "\n").first.map { String($0.prefix(60)) } ?? ""
        let h = fakeTeacherHash(question)
        if h % 5 == 0 {
            reply = "##Reason: ##begin_quote## words that no document holds ##end_quote## <ANSWER>: nothing"
        } else if h % 3 == 0 && body["seed"] == nil {
            reply = "##Reason: ##begin_quote## \(line) ##end_quote## so it is clear."
        } else {
            reply = "##Reason: the context says ##begin_quote## \(line) ##end_quote##. <ANSWER>: \(line.split(separator: " ").last ?? "x")"
        }
    }
    let response: [String: Any] = [
        "id": "chatcmpl-\(index)", "object": "chat.completion", "created": 0, "model": "fake-teacher",
        "choices": [["index": 0, "message": ["role": "assistant", "content": reply], "finish_reason": "stop"]],
        "usage": ["prompt_tokens": user.count / 4, "completion_tokens": reply.count / 4, "total_tokens": (user.count + reply.count) / 4],
    ]
    return .respond(status: 200, headers: [("Content-Type", "application/json")],
                    body: try! JSONSerialization.data(withJSONObject: response))
}

func fakeTeacherHash(_ s: String) -> Int { s.utf8.reduce(0) { $0 + Int($1) } }
