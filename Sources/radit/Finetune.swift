import ArgumentParser
import Foundation
import RaditExperiments

/// `radit finetune remote`: hosted fine-tuning through the OpenAI fine-tuning API.
struct Finetune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fine-tune on a hosted service.",
        subcommands: [FinetuneRemote.self])
}

struct FinetuneRemote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Upload a chat JSONL (/v1/files), create a fine-tuning job, follow it to the end.",
        discussion: """
        Records the uploaded files, the job, its events and the resulting model name in \
        OUT/hosted-finetune.json after every step. A rerun with the same data follows the \
        recorded job instead of uploading again or starting a second job. The create request \
        is never retried blindly: after a timeout, a broken connection or a 5xx (or a rerun \
        after a stop mid-create) the service's job list is read, and a job of the same upload, \
        model and suffix created since the first attempt is adopted and recorded ("adopted").
        """)

    @Option(help: "Training data: the chat JSONL that `radit generate raft|rait` writes (*.chat.train.jsonl).") var training: String
    @Option(help: "Validation data (chat JSONL).") var validation: String?
    @Option(help: "Base model to fine-tune.") var model: String
    @Option(help: "API base URL including the version path.") var baseURL: String
    @Option(help: "Environment variable holding the API key ('' for a server without keys).") var apiKeyEnv = "OPENAI_API_KEY"
    @Option(help: "Epochs (default: the service's choice).") var epochs: Int?
    @Option(help: "Batch size (default: the service's choice).") var batchSize: Int?
    @Option(help: "Learning-rate multiplier (default: the service's choice).") var learningRateMultiplier: Double?
    @Option(help: "Suffix of the resulting model's name.") var suffix: String?
    @Option(help: "Seed sent with the job.") var seed: UInt64?
    @Option(help: "Seconds between polls.") var poll: Double = 10
    @Option(help: "Folder to record the job in (a run folder, or any folder).") var out: String

    func run() throws {
        var job = HostedFineTuning(baseURL: baseURL, model: model, training: URL(fileURLWithPath: training),
                                   folder: URL(fileURLWithPath: out))
        job.apiKeyEnvironment = apiKeyEnv
        job.validation = validation.map { URL(fileURLWithPath: $0) }
        job.epochs = epochs
        job.batchSize = batchSize
        job.learningRateMultiplier = learningRateMultiplier
        job.suffix = suffix
        job.seed = seed
        job.pollInterval = poll
        StopSignals.install()
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let record = try job.run(progress: StopSignals.wrap(progress.handle))
        progress.finish()
        let status = record.job?.status ?? "unknown"
        print("job \(record.job?.id ?? "?"): \(status), \(record.events.count) events; model \(record.fineTunedModel ?? "(none yet)") → \(job.recordURL.path)")
        if status != "succeeded" { print("the job continues on the service; rerun the same command to follow it") }
    }
}
