import Foundation

/// An uploaded file (`POST /v1/files`).
public struct OpenAIFile: Codable, Sendable, Equatable {
    public var id: String
    public var object: String
    public var bytes: Int
    public var createdAt: Int
    public var filename: String
    public var purpose: String
    public init(id: String, bytes: Int, createdAt: Int, filename: String, purpose: String) {
        self.id = id; object = "file"; self.bytes = bytes; self.createdAt = createdAt; self.filename = filename; self.purpose = purpose
    }
    enum CodingKeys: String, CodingKey { case id, object, bytes, createdAt = "created_at", filename, purpose }
}

/// `POST /v1/fine_tuning/jobs`.
public struct FineTuningJobRequest: Codable, Sendable, Equatable {
    public struct Hyperparameters: Codable, Sendable, Equatable {
        public var nEpochs: Int?
        public var batchSize: Int?
        public var learningRateMultiplier: Double?
        public init(nEpochs: Int? = nil, batchSize: Int? = nil, learningRateMultiplier: Double? = nil) {
            self.nEpochs = nEpochs; self.batchSize = batchSize; self.learningRateMultiplier = learningRateMultiplier
        }
        enum CodingKeys: String, CodingKey {
            case nEpochs = "n_epochs", batchSize = "batch_size", learningRateMultiplier = "learning_rate_multiplier"
        }
    }
    public var model: String
    public var trainingFile: String
    public var validationFile: String?
    public var suffix: String?
    public var seed: UInt64?
    public var hyperparameters: Hyperparameters?
    public init(model: String, trainingFile: String, validationFile: String? = nil, suffix: String? = nil,
                seed: UInt64? = nil, hyperparameters: Hyperparameters? = nil) {
        self.model = model; self.trainingFile = trainingFile; self.validationFile = validationFile
        self.suffix = suffix; self.seed = seed; self.hyperparameters = hyperparameters
    }
    enum CodingKeys: String, CodingKey {
        case model, trainingFile = "training_file", validationFile = "validation_file", suffix, seed, hyperparameters
    }
}

/// A fine-tuning job as the API reports it.
public struct FineTuningJob: Codable, Sendable, Equatable {
    public var id: String
    public var model: String
    public var status: String
    public var createdAt: Int
    public var finishedAt: Int?
    public var fineTunedModel: String?
    public var trainingFile: String
    public var validationFile: String?
    /// The suffix the job was created with (OpenAI's `user_provided_suffix`; not every server sends it).
    public var userProvidedSuffix: String?
    public var trainedTokens: Int?
    public var error: OpenAIErrorBody.Detail?

    /// Whether the job will not change any more.
    public var isFinished: Bool { ["succeeded", "failed", "cancelled"].contains(status) }

    public init(id: String, model: String, status: String, createdAt: Int, finishedAt: Int? = nil,
                fineTunedModel: String? = nil, trainingFile: String, trainedTokens: Int? = nil) {
        self.id = id; self.model = model; self.status = status; self.createdAt = createdAt; self.finishedAt = finishedAt
        self.fineTunedModel = fineTunedModel; self.trainingFile = trainingFile; self.trainedTokens = trainedTokens
    }
    enum CodingKeys: String, CodingKey {
        case id, model, status, createdAt = "created_at", finishedAt = "finished_at", fineTunedModel = "fine_tuned_model"
        case trainingFile = "training_file", validationFile = "validation_file", userProvidedSuffix = "user_provided_suffix"
        case trainedTokens = "trained_tokens", error
    }
    public init(from d: any Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        model = try c.decode(String.self, forKey: .model)
        status = try c.decode(String.self, forKey: .status)
        createdAt = try c.decodeIfPresent(Int.self, forKey: .createdAt) ?? 0
        finishedAt = try c.decodeIfPresent(Int.self, forKey: .finishedAt)
        fineTunedModel = try c.decodeIfPresent(String.self, forKey: .fineTunedModel)
        trainingFile = try c.decodeIfPresent(String.self, forKey: .trainingFile) ?? ""
        validationFile = try c.decodeIfPresent(String.self, forKey: .validationFile)
        userProvidedSuffix = try c.decodeIfPresent(String.self, forKey: .userProvidedSuffix)
        trainedTokens = try c.decodeIfPresent(Int.self, forKey: .trainedTokens)
        // A job that did not fail carries `"error": {}` on some servers.
        error = try? c.decodeIfPresent(OpenAIErrorBody.Detail.self, forKey: .error)
    }
}

/// One event of a fine-tuning job (`GET /v1/fine_tuning/jobs/{id}/events`).
public struct FineTuningEvent: Codable, Sendable, Equatable {
    public var id: String
    public var createdAt: Int
    public var level: String
    public var message: String
    public init(id: String, createdAt: Int, level: String, message: String) {
        self.id = id; self.createdAt = createdAt; self.level = level; self.message = message
    }
    enum CodingKeys: String, CodingKey { case id, createdAt = "created_at", level, message }
}

/// One page of an API list (`{"object": "list", "data": [...], "has_more": …}`): fine-tuning
/// jobs (newest first) and a job's events.
public struct OpenAIList<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var data: [Item]
    public var hasMore: Bool
    public init(data: [Item], hasMore: Bool) { self.data = data; self.hasMore = hasMore }
    enum CodingKeys: String, CodingKey { case data, hasMore = "has_more" }
    public init(from d: any Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        data = try c.decode([Item].self, forKey: .data)
        hasMore = try c.decodeIfPresent(Bool.self, forKey: .hasMore) ?? false
    }
}

public typealias FineTuningJobList = OpenAIList<FineTuningJob>
public typealias FineTuningEventList = OpenAIList<FineTuningEvent>
