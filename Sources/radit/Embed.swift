import ArgumentParser
import Foundation
import RaditExperiments

extension DatasetFormat: ExpressibleByArgument {}

/// `radit embed`: corpus → `/embeddings (Nd, D)` float32 + `/ids` in an HDF5 file,
/// resumable (finished blocks go to `<out>.partial`; a rerun continues).
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed a corpus with a BERT-family encoder into an HDF5 file (resumable).")

    @Option(help: "Corpus: a JSONL file of {\"_id\", \"text\", \"title\"?} records, or any dataset radit reads (BEIR folder, SQuAD, HotpotQA, NQ-open, text folder).")
    var corpus: String
    @Option(help: "Dataset format when --corpus is not JSONL: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var format: DatasetFormat?
    @OptionGroup var encoder: EncoderOptions
    @Option(help: "Output HDF5 file.")
    var out: String
    @Option(help: "Sequences per forward pass.")
    var batchSize: Int = 32
    @Option(help: "Truncate texts to this many tokens (sentence-transformers max_seq_length).")
    var maxLength: Int = 256
    @Option(help: "Rows per resumable block (a crash loses at most one block).")
    var commitRows: Int = 1024
    @Option(help: "BLAS threads (default: OpenBLAS's own choice).")
    var threads: Int?
    @Flag(help: "Replace an existing output (and its partial file) instead of resuming.")
    var overwrite = false
    @Flag(help: "Skip malformed corpus records instead of failing.")
    var lenient = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard commitRows > 0 else { throw ValidationError("--commit-rows must be positive, got \(commitRows)") }
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2, got \(maxLength)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        if let threads { SmokeCheck.setBLASThreads(threads) }
        var job = EmbedCorpus(corpus: corpus, out: URL(fileURLWithPath: out))
        job.format = format
        job.lenient = lenient
        job.model = encoder.model
        job.modelsDir = encoder.modelsDirectory
        job.batchSize = batchSize
        job.maxLength = maxLength
        job.commitRows = commitRows
        job.overwrite = overwrite
        let progress = ProgressRenderer()
        let result = try job.run(progress: progress.handle)
        progress.finish()
        if result.skipped > 0 {
            progress.note("skipped \(result.skipped) malformed records (--lenient); first: \(result.firstProblem ?? "")")
        }
        switch result.outcome {
        case .alreadyComplete:
            print("\(out) is already complete (\(result.rows) rows, model \(result.model))")
        case .written:
            print("wrote \(out): /embeddings (\(result.rows), \(result.dimension)) float32, model \(result.model)")
        case let .stopped(rows):
            print("stopped after \(rows) of \(result.rows) rows; rerun the same command to continue")
        }
    }
}
