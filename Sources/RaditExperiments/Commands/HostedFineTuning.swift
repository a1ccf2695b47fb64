import Foundation
import RaditBase
import RaditData
import RaditRemote

/// Why a hosted fine-tuning job could not start or finish.
public enum HostedFineTuningError: RaditError, Equatable {
    case badTrainingFile(path: String, line: Int, reason: String)
    case jobFailed(id: String, status: String, reason: String)

    public var message: String {
        switch self {
        case let .badTrainingFile(p, n, reason):
            return "\(p)\(n > 0 ? ":\(n)" : ""): \(reason); upload the chat JSONL that `radit generate raft|rait` or `radit export` writes ({\"messages\": [...]} per line)"
        case let .jobFailed(id, status, reason):
            return "fine-tuning job \(id) ended \(status): \(reason)"
        }
    }
}

/// What `radit finetune remote` records in its folder (`hosted-finetune.json`), rewritten
/// atomically after the upload, the job's creation and every poll: the job can be followed
/// again after a crash without a second upload or a second job.
public struct HostedFineTuningRecord: Codable, Sendable, Equatable {
    public var baseURL: String
    public var baseModel: String
    /// SHA-256 of the uploaded training (and validation) file: a record is resumed only for the same data.
    public var trainingSHA256: String
    public var validationSHA256: String?
    public var trainingFile: OpenAIFile?
    public var validationFile: OpenAIFile?
    /// Unix time (our clock) of the first attempt to create the job, saved before the POST:
    /// a job of this upload created since then may be ours even if no answer came back.
    public var createAttemptedAt: Int?
    /// How the job was found after a create whose answer was lost, when it was.
    public var adopted: AdoptedJob?
    public var job: FineTuningJob?
    public var events: [FineTuningEvent] = []
    /// The resulting model's name once the job succeeded.
    public var fineTunedModel: String?

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url", baseModel = "base_model", trainingSHA256 = "training_sha256"
        case validationSHA256 = "validation_sha256", trainingFile = "training_file", validationFile = "validation_file"
        case createAttemptedAt = "create_attempted_at", adopted
        case job, events, fineTunedModel = "fine_tuned_model"
    }
}

/// A job `radit finetune remote` found in the service's job list instead of creating one:
/// its create request failed in a way the service may still have acted on (a timeout, a
/// broken connection, a 5xx, an unreadable answer), or an earlier process stopped mid-create.
public struct AdoptedJob: Codable, Sendable, Equatable {
    public var jobID: String
    /// Why the list was consulted.
    public var reason: String
    /// Unix time of the adoption.
    public var at: Int

    enum CodingKeys: String, CodingKey { case jobID = "job_id", reason, at }
}

/// `radit finetune remote`: uploads the exported chat JSONL (`/v1/files`, multipart),
/// creates a job (`/v1/fine_tuning/jobs`), polls it with its events until it ends, and
/// records everything in `folder/hosted-finetune.json`. A rerun with the same data resumes
/// the recorded job instead of paying for another.
public struct HostedFineTuning {
    public static let recordName = "hosted-finetune.json"
    public var baseURL: String
    /// The base model to fine-tune.
    public var model: String
    /// Environment variable holding the API key ('' for a server without keys).
    public var apiKeyEnvironment = "OPENAI_API_KEY"
    /// Seconds per request (uploads included).
    public var timeout = 600.0
    /// HTTP attempts per request (429, 5xx and transport errors retried with backoff).
    public var maxAttempts = 5
    public var training: URL
    public var validation: URL?
    /// Hyperparameters sent only when set (the service chooses the others).
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRateMultiplier: Double?
    public var suffix: String?
    public var seed: UInt64?
    public var folder: URL
    /// Seconds between polls.
    public var pollInterval: Double = 10
    public var environment = ProcessInfo.processInfo.environment

    public init(baseURL: String, model: String, training: URL, folder: URL) {
        self.baseURL = baseURL
        self.model = model
        self.training = training
        self.folder = folder
    }

    var endpoint: RemoteEndpoint {
        .configured(baseURL: baseURL, model: model, apiKeyEnvironment: apiKeyEnvironment, timeout: timeout,
                    maxConcurrency: 1, maxAttempts: maxAttempts, names: .flags(url: "--base-url"))
    }

    public var recordURL: URL { folder.appendingPathComponent(Self.recordName) }

    /// Runs (or resumes) the job; returns the final record. `progress` sees each poll (answer
    /// `.stop` to stop waiting: the job keeps running and the record lets a rerun follow it).
    public func run(progress: ProgressHandler = silentProgress) throws -> HostedFineTuningRecord {
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw TeacherError.invalidOption(name: "base-url", reason: "\(baseURL.debugDescription) is not an http:// or https:// URL")
        }
        let endpoint = self.endpoint
        let trainingData = try Self.checkedChatJSONL(training)
        let validationData = try validation.map(Self.checkedChatJSONL)
        let trainingHash = SHA256.hexString(SHA256.hash(trainingData))
        let validationHash = validationData.map { SHA256.hexString(SHA256.hash($0)) }
        var record = HostedFineTuningRecord(baseURL: endpoint.baseURL, baseModel: endpoint.model, trainingSHA256: trainingHash,
                                            validationSHA256: validationHash)
        if let data = FileManager.default.contents(atPath: recordURL.path),
           let old = try? JSONDecoder().decode(HostedFineTuningRecord.self, from: data),
           old.baseURL == record.baseURL, old.baseModel == record.baseModel, old.trainingSHA256 == trainingHash,
           old.validationSHA256 == validationHash {
            record = old
        }
        let client = try OpenAIClient(endpoint: endpoint, environment: environment)
        if record.trainingFile == nil {
            record.trainingFile = try client.uploadFile(trainingData, filename: training.lastPathComponent)
            try save(record)
        }
        if let validation, let validationData, record.validationFile == nil {
            record.validationFile = try client.uploadFile(validationData, filename: validation.lastPathComponent)
            try save(record)
        }
        if record.job == nil {
            record.job = try createJob(FineTuningJobRequest(
                model: endpoint.model, trainingFile: record.trainingFile!.id, validationFile: record.validationFile?.id,
                suffix: suffix, seed: seed,
                hyperparameters: epochs == nil && batchSize == nil && learningRateMultiplier == nil ? nil
                    : FineTuningJobRequest.Hyperparameters(nEpochs: epochs, batchSize: batchSize,
                                                           learningRateMultiplier: learningRateMultiplier)),
                client: client, record: &record)
            try save(record)
        }
        var seen = Set(record.events.map(\.id))
        var saveError: (any Error)?
        let (job, _) = try client.waitForFineTuningJob(id: record.job!.id, interval: pollInterval) { job, fresh in
            record.job = job
            for e in fresh where seen.insert(e.id).inserted { record.events.append(e) }
            record.fineTunedModel = job.fineTunedModel
            do { try save(record) } catch { saveError = error; return .stop }
            return progress(ProgressEvent(stage: "hosted-finetune", done: record.events.count, total: nil, unit: "events"))
        }
        if let saveError { throw saveError }
        record.job = job
        record.fineTunedModel = job.fineTunedModel
        try save(record)
        if job.isFinished && job.status != "succeeded" {
            throw HostedFineTuningError.jobFailed(id: job.id, status: job.status, reason: job.error?.message ?? "no reason given")
        }
        return record
    }

    /// Seconds the service's clock may run behind ours when a job's `created_at` is compared
    /// with the first create attempt.
    static let clockSkew = 300

    /// Creates the job at most once. The create POST goes out without the HTTP client's own
    /// retries (a retried POST whose first answer was lost would start a second paid job);
    /// after a failure the service may have acted on, and before the first POST of a rerun
    /// that stopped mid-create, the job list is read and a job of this upload, model and
    /// suffix created since the first attempt is adopted (and recorded) instead.
    func createJob(_ request: FineTuningJobRequest, client: OpenAIClient,
                   record: inout HostedFineTuningRecord) throws -> FineTuningJob {
        if let since = record.createAttemptedAt {
            if let job = Self.adoptable(request, since: since, in: try client.fineTuningJobs()) {
                record.adopted = AdoptedJob(jobID: job.id, reason: "an earlier run stopped while creating the job",
                                            at: Int(Date().timeIntervalSince1970))
                return job
            }
        } else {
            record.createAttemptedAt = Int(Date().timeIntervalSince1970)
            try save(record)
        }
        var once = client.endpoint
        let policy = once.http.retry
        once.http.retry.maxAttempts = 1
        let creator = try OpenAIClient(endpoint: once, environment: environment)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try creator.createFineTuningJob(request)
            } catch let error as RemoteError where Self.mayHaveCreated(error) {
                if let job = Self.adoptable(request, since: record.createAttemptedAt!, in: try client.fineTuningJobs()) {
                    record.adopted = AdoptedJob(jobID: job.id, reason: "the create request failed (\(error.message))",
                                                at: Int(Date().timeIntervalSince1970))
                    return job
                }
                guard attempt < policy.maxAttempts else { throw error }
                Thread.sleep(forTimeInterval: policy.backoff(afterAttempt: attempt, sequence: 0))
            }
        }
    }

    /// Failures after which the service may have created the job, or may accept a retry.
    static func mayHaveCreated(_ error: RemoteError) -> Bool {
        switch error {
        case .transport, .invalidResponse: return true
        case let .http(status, _, _, _, _): return RetryPolicy.isRetryable(status: status)
        default: return false
        }
    }

    /// The earliest job of `list` made from this request's upload, model and suffix since
    /// `since` (our clock, less `clockSkew`), or nil.
    static func adoptable(_ request: FineTuningJobRequest, since: Int, in list: [FineTuningJob]) -> FineTuningJob? {
        list.filter { job in
            job.trainingFile == request.trainingFile
                && (job.model == request.model || job.model.hasPrefix(request.model + "-"))
                && (job.validationFile == nil || job.validationFile == request.validationFile)
                && (job.userProvidedSuffix == nil || job.userProvidedSuffix == request.suffix)
                && job.createdAt >= since - clockSkew
        }.min { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func save(_ record: HostedFineTuningRecord) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try AtomicFile.write(try e.encode(record), to: recordURL)
    }

    /// The file's bytes, after checking that every line is `{"messages": [...]}` with a
    /// final assistant turn (what hosted fine-tuning accepts for chat models).
    static func checkedChatJSONL(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw HostedFineTuningError.badTrainingFile(path: url.path, line: 0, reason: "cannot read the file")
        }
        var count = 0
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
                throw HostedFineTuningError.badTrainingFile(path: url.path, line: n + 1, reason: "not a JSON object with a non-empty `messages` list")
            }
            guard messages.last?["role"] as? String == "assistant" else {
                throw HostedFineTuningError.badTrainingFile(path: url.path, line: n + 1, reason: "the last message is not the assistant's answer")
            }
            count += 1
        }
        guard count > 0 else { throw HostedFineTuningError.badTrainingFile(path: url.path, line: 0, reason: "holds no examples") }
        return data
    }
}
