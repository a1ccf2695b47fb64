import ArgumentParser
import Foundation
import RaditBase
import RaditData
import RaditRetrieval
import RaditTensor

/// `radit embed`: corpus → `/embeddings (Nd, D)` float32 + `/ids` in an HDF5 file,
/// resumable (RaditRetrieval's `CorpusEmbedder` does the work and says how).
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed a corpus with a BERT-family encoder into an HDF5 file (resumable).")

    @Option(help: "Corpus: a JSONL file of {\"_id\", \"text\", \"title\"?} records, or any dataset radit reads (BEIR folder, SQuAD, HotpotQA, NQ-open, text folder).")
    var corpus: String
    @Option(help: "Dataset format when --corpus is not JSONL: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var format: String?
    @Option(help: "Model folder with config.json, model.safetensors and tokenizer.json.")
    var model: String = "models/all-MiniLM-L6-v2"
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
        if let format, DatasetFormat(rawValue: format) == nil {
            throw ValidationError("--format '\(format)' is not one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        if let threads { BLASThreads.set(threads) }
        let chunks = try readCorpus()
        let encoder = try SentenceEncoder<Float>.load(directory: URL(fileURLWithPath: model), maxLength: maxLength)
        let embedder = CorpusEmbedder(encoder: encoder, batchSize: batchSize, commitRows: commitRows)
        let progress = ProgressRenderer()
        let outcome = try embedder.write(ids: chunks.map(\.id), texts: chunks.map(\.indexedText), to: URL(fileURLWithPath: out),
                                         overwrite: overwrite, progress: progress.handle)
        progress.finish()
        switch outcome {
        case .alreadyComplete:
            print("\(out) is already complete (\(chunks.count) rows, model \(encoder.name))")
        case .written:
            print("wrote \(out): /embeddings (\(chunks.count), \(encoder.dimension)) float32, model \(encoder.name)")
        case let .stopped(rows):
            print("stopped after \(rows) of \(chunks.count) rows; rerun the same command to continue")
        }
    }

    /// JSONL with `_id`/`text` directly; anything else through the dataset readers.
    func readCorpus() throws -> [Chunk] {
        if corpus.hasSuffix(".jsonl") && format == nil, let (c, report) = try CorpusJSONL.readIfCorpus(corpus, lenient: lenient) {
            if report.skipped > 0 {
                FileHandle.standardError.write(Data("skipped \(report.skipped) malformed records (--lenient); first: \(report.problems.first?.message ?? "")\n".utf8))
            }
            return c.chunks
        }
        let dataset = try DatasetReader.read(corpus, format: format.flatMap(DatasetFormat.init(rawValue:)),
                                             options: ReadOptions(lenient: lenient))
        return dataset.corpus.chunks
    }
}
