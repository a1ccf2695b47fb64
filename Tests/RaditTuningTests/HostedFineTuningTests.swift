import Foundation
@testable import RaditExperiments
import RaditTestSupport
import XCTest

/// `radit finetune remote` against a fake hosted fine-tuning service written here: the
/// upload is a multipart form with the JSONL, the job names the uploaded file and the
/// hyperparameters, polling follows the job to the end, and the folder records the job,
/// its events and the resulting model; a rerun follows the recorded job without a second
/// upload or job.
final class HostedFineTuningTests: XCTestCase {
    final class Polls: @unchecked Sendable {
        let lock = NSLock()
        var jobPolls = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; jobPolls += 1; return jobPolls }
    }

    static let jsonl = """
        {"messages": [{"role": "system", "content": "Answer."}, {"role": "user", "content": "<DOCUMENT>Ada lives in Quon.</DOCUMENT>\\nWhere does Ada live?"}, {"role": "assistant", "content": "##Reason: ##begin_quote## Ada lives in Quon. ##end_quote## <ANSWER>: Quon"}]}
        {"messages": [{"role": "user", "content": "Who?"}, {"role": "assistant", "content": "<ANSWER>: Ada"}]}

        """

    func fakeService(_ polls: Polls) -> @Sendable (RecordedRequest, Int) -> FaultReply {
        { request, _ in
            switch (request.method, request.path) {
            case ("POST", "/v1/files"):
                return .json(#"{"id": "file-abc", "object": "file", "bytes": \#(request.body.count), "created_at": 1, "filename": "train.chat.jsonl", "purpose": "fine-tune"}"#)
            case ("POST", "/v1/fine_tuning/jobs"):
                return .json(#"{"id": "ftjob-1", "object": "fine_tuning.job", "model": "base-m", "status": "validating_files", "created_at": 2, "training_file": "file-abc"}"#)
            case ("GET", "/v1/fine_tuning/jobs/ftjob-1"):
                let n = polls.next()
                let done = n >= 3
                return .json(#"{"id": "ftjob-1", "model": "base-m", "status": "\#(done ? "succeeded" : "running")", "created_at": 2, "training_file": "file-abc", "fine_tuned_model": \#(done ? #""ft:base-m:radit:xyz""# : "null"), "trained_tokens": \#(done ? "1234" : "null")}"#)
            case ("GET", "/v1/fine_tuning/jobs/ftjob-1/events?limit=100"):
                let n = polls.jobPolls
                var events = [#"{"id": "ev-1", "created_at": 3, "level": "info", "message": "Validating training file"}"#]
                if n >= 2 { events.insert(#"{"id": "ev-2", "created_at": 4, "level": "info", "message": "Step 1/2: training loss=1.20"}"#, at: 0) }
                if n >= 3 { events.insert(#"{"id": "ev-3", "created_at": 5, "level": "info", "message": "The job has successfully completed"}"#, at: 0) }
                return .json(#"{"object": "list", "data": [\#(events.joined(separator: ", "))], "has_more": false}"#)
            default:
                return .json(#"{"error": {"message": "no route \#(request.method) \#(request.path)", "type": "invalid_request_error"}}"#, status: 404)
            }
        }
    }

    func testUploadCreatePollAndRecord() throws {
        let polls = Polls()
        let server = try FaultServer(lifetime: 120, script: fakeService(polls))
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory("hosted-ft")
        let training = dir.appendingPathComponent("raft.chat.train.jsonl")
        try Self.jsonl.write(to: training, atomically: true, encoding: .utf8)
        var job = HostedFineTuning(baseURL: server.baseURL + "/v1", model: "base-m", training: training,
                                   folder: dir.appendingPathComponent("run"))
        job.apiKeyEnvironment = "FT_KEY"
        job.environment = ["FT_KEY": "sk-ft-secret-99"]
        job.epochs = 2
        job.suffix = "radit"
        job.pollInterval = 0.01
        let record = try job.run()

        let requests = server.requests
        let upload = try XCTUnwrap(requests.first { $0.path == "/v1/files" })
        XCTAssertEqual(upload.method, "POST")
        let contentType = try XCTUnwrap(upload.headers["content-type"])
        XCTAssertTrue(contentType.hasPrefix("multipart/form-data; boundary="), contentType)
        let form = upload.bodyText
        XCTAssertTrue(form.contains("Content-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n"), form)
        XCTAssertTrue(form.contains("Content-Disposition: form-data; name=\"file\"; filename=\"raft.chat.train.jsonl\""), form)
        XCTAssertTrue(form.contains(Self.jsonl), "the file travels byte for byte")
        XCTAssertEqual(upload.headers["authorization"], "Bearer sk-ft-secret-99")

        let create = try XCTUnwrap(requests.first { $0.path == "/v1/fine_tuning/jobs" })
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: create.body) as? [String: Any])
        XCTAssertEqual(body["model"] as? String, "base-m")
        XCTAssertEqual(body["training_file"] as? String, "file-abc")
        XCTAssertEqual(body["suffix"] as? String, "radit")
        XCTAssertEqual((body["hyperparameters"] as? [String: Any])?["n_epochs"] as? Int, 2)
        XCTAssertNil(body["validation_file"])

        XCTAssertEqual(record.job?.status, "succeeded")
        XCTAssertEqual(record.fineTunedModel, "ft:base-m:radit:xyz")
        XCTAssertEqual(record.events.map(\.id), ["ev-1", "ev-2", "ev-3"], "events oldest first, each once")
        XCTAssertEqual(polls.jobPolls, 3)
        let text = try String(contentsOf: job.recordURL, encoding: .utf8)
        XCTAssertFalse(text.contains("sk-ft-secret"))
        let stored = try JSONDecoder().decode(HostedFineTuningRecord.self, from: Data(text.utf8))
        XCTAssertEqual(stored, record)

        // A rerun follows the recorded job: no second upload, no second job.
        let again = try job.run()
        XCTAssertEqual(server.requests.filter { $0.method == "POST" }.count, 2)
        XCTAssertEqual(again.fineTunedModel, record.fineTunedModel)
        XCTAssertEqual(again.events.map(\.id), ["ev-1", "ev-2", "ev-3"])
    }

    func testBadTrainingFileIsRefusedBeforeAnyRequest() throws {
        let server = try FaultServer(lifetime: 30, script: fakeService(Polls()))
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory("hosted-ft-bad")
        let training = dir.appendingPathComponent("bad.jsonl")
        try "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}]}\n{\"prompt\": \"x\"}\n"
            .write(to: training, atomically: true, encoding: .utf8)
        var job = HostedFineTuning(baseURL: server.baseURL + "/v1", model: "base-m", training: training, folder: dir)
        job.apiKeyEnvironment = ""
        XCTAssertThrowsError(try job.run()) { e in
            guard case let .badTrainingFile(_, line, _)? = e as? HostedFineTuningError else { return XCTFail("\(e)") }
            XCTAssertEqual(line, 2)
        }
        XCTAssertEqual(server.requests.count, 0)
    }
}
