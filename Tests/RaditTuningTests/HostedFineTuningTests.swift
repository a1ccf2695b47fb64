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

    /// A job of model `base-m` on `server` for the JSONL above, recording in a fresh folder's `run/`.
    func fineTuning(_ server: FaultServer, _ label: String) throws -> HostedFineTuning {
        let dir = Fixtures.temporaryDirectory(label)
        let training = dir.appendingPathComponent("raft.chat.train.jsonl")
        try Self.jsonl.write(to: training, atomically: true, encoding: .utf8)
        return HostedFineTuning(baseURL: server.baseURL + "/v1", model: "base-m", training: training,
                                folder: dir.appendingPathComponent("run"))
    }

    func testUploadCreatePollAndRecord() throws {
        let polls = Polls()
        let server = try FaultServer(lifetime: 120, script: fakeService(polls))
        defer { server.stop() }
        var job = try fineTuning(server, "hosted-ft")
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

    /// The service's side of a create whose answer is lost: every POST creates a job (as a
    /// real service would), the first answer comes too late for the client's timeout.
    final class Jobs: @unchecked Sendable {
        let lock = NSLock()
        var created: [(id: String, at: Int)] = []
        func create() -> (id: String, at: Int, first: Bool) {
            lock.lock(); defer { lock.unlock() }
            let job = (id: "ftjob-\(created.count + 1)", at: Int(Date().timeIntervalSince1970))
            created.append(job)
            return (job.id, job.at, created.count == 1)
        }
        var all: [(id: String, at: Int)] { lock.lock(); defer { lock.unlock() }; return created }
    }

    func slowCreateService(_ jobs: Jobs) -> @Sendable (RecordedRequest, Int) -> FaultReply {
        { request, _ in
            func job(_ id: String, _ at: Int, status: String) -> String {
                #"{"id": "\#(id)", "object": "fine_tuning.job", "model": "base-m-2024", "status": "\#(status)", "created_at": \#(at), "training_file": "file-abc", "user_provided_suffix": "radit", "fine_tuned_model": \#(status == "succeeded" ? #""ft:base-m:radit:\#(id)""# : "null")}"#
            }
            switch (request.method, request.path) {
            case ("POST", "/v1/files"):
                return .json(#"{"id": "file-abc", "object": "file", "bytes": 10, "created_at": 1, "filename": "t.jsonl", "purpose": "fine-tune"}"#)
            case ("POST", "/v1/fine_tuning/jobs"):
                let made = jobs.create()
                let reply = FaultReply.json(job(made.id, made.at, status: "validating_files"))
                return made.first ? .delayed(seconds: 3, then: reply) : reply
            case ("GET", "/v1/fine_tuning/jobs?limit=100"):
                // Newest first, with an older job of the same file that is not ours and one of another file.
                let listed = jobs.all.reversed().map { job($0.id, $0.at, status: "running") }
                    + [job("ftjob-old", 1000, status: "succeeded"),
                       #"{"id": "ftjob-other", "model": "base-m", "status": "running", "created_at": \#(Int(Date().timeIntervalSince1970)), "training_file": "file-zzz"}"#]
                return .json(#"{"object": "list", "data": [\#(listed.joined(separator: ", "))], "has_more": false}"#)
            case ("GET", let path) where path.hasPrefix("/v1/fine_tuning/jobs/") && path.hasSuffix("/events?limit=100"):
                return .json(#"{"object": "list", "data": [], "has_more": false}"#)
            case ("GET", let path) where path.hasPrefix("/v1/fine_tuning/jobs/"):
                let id = String(path.dropFirst("/v1/fine_tuning/jobs/".count))
                guard let made = jobs.all.first(where: { $0.id == id }) else {
                    return .json(#"{"error": {"message": "no job \#(id)", "type": "invalid_request_error"}}"#, status: 404)
                }
                return .json(job(made.id, made.at, status: "succeeded"))
            default:
                return .json(#"{"error": {"message": "no route", "type": "invalid_request_error"}}"#, status: 404)
            }
        }
    }

    /// A create POST that timed out after the service created the job is not sent again
    /// blindly: the job list shows the job, it is adopted and recorded, and exactly one job
    /// exists. A rerun that stopped mid-create adopts it too, without a POST.
    func testACreateThatTimedOutAdoptsTheJobInsteadOfCreatingASecond() throws {
        let jobs = Jobs()
        let server = try FaultServer(lifetime: 120, script: slowCreateService(jobs))
        defer { server.stop() }
        var job = try fineTuning(server, "hosted-ft-timeout")
        job.apiKeyEnvironment = ""
        job.suffix = "radit"
        job.timeout = 1
        job.maxAttempts = 3
        job.pollInterval = 0.01
        let record = try job.run()

        XCTAssertEqual(jobs.all.map(\.id), ["ftjob-1"], "exactly one job exists on the service")
        XCTAssertEqual(server.requests.filter { $0.method == "POST" && $0.path == "/v1/fine_tuning/jobs" }.count, 1)
        XCTAssertTrue(server.requests.contains { $0.path == "/v1/fine_tuning/jobs?limit=100" }, "the job list was read")
        XCTAssertEqual(record.job?.id, "ftjob-1", "not the older job of the same file, not another file's")
        XCTAssertEqual(record.job?.status, "succeeded")
        XCTAssertEqual(record.fineTunedModel, "ft:base-m:radit:ftjob-1")
        let adopted = try XCTUnwrap(record.adopted)
        XCTAssertEqual(adopted.jobID, "ftjob-1")
        XCTAssertTrue(adopted.reason.contains("cannot reach"), adopted.reason)
        let stored = try JSONDecoder().decode(HostedFineTuningRecord.self, from: Data(contentsOf: job.recordURL))
        XCTAssertEqual(stored.adopted, adopted, "the adoption is recorded in the run folder")
        XCTAssertNotNil(stored.createAttemptedAt)

        // A process that stopped after the POST left a record without the job: the rerun
        // adopts the job from the list and sends no second create.
        var interrupted = stored
        interrupted.job = nil
        interrupted.adopted = nil
        interrupted.events = []
        interrupted.fineTunedModel = nil
        try job.save(interrupted)
        let again = try job.run()
        XCTAssertEqual(jobs.all.count, 1)
        XCTAssertEqual(server.requests.filter { $0.method == "POST" && $0.path == "/v1/fine_tuning/jobs" }.count, 1)
        XCTAssertEqual(again.job?.id, "ftjob-1")
        XCTAssertEqual(again.adopted?.reason, "an earlier run stopped while creating the job")
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
