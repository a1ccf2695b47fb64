import Foundation
import RaditBase
import RaditData
import RaditModels
import RaditRetrieval

/// `radit embed`: a corpus (a `corpus.jsonl`, or any dataset the readers know) embedded by
/// a `SentenceEncoder` into an HDF5 file through the resumable `CorpusEmbedder`.
public struct EmbedCorpus {
    public var corpus: String
    public var format: DatasetFormat?
    public var lenient = false
    /// Encoder: a catalog name or a folder.
    public var model = ModelCatalog.miniLM.name
    public var modelsDir = URL(fileURLWithPath: "models")
    public var out: URL
    public var batchSize = 32
    public var maxLength = 256
    public var commitRows = 1024
    public var overwrite = false

    public init(corpus: String, out: URL) {
        self.corpus = corpus
        self.out = out
    }

    public struct Result: Sendable, Equatable {
        public var outcome: CorpusEmbedder.Outcome
        public var rows: Int
        public var dimension: Int
        public var model: String
        /// Malformed records skipped (`lenient`), and the first problem.
        public var skipped: Int
        public var firstProblem: String?
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> Result {
        let (chunks, report) = try CorpusJSONL.corpus(at: corpus, format: format, lenient: lenient)
        // Nothing to embed is an error naming the corpus, never a (0, D) embeddings file.
        guard !chunks.isEmpty else { throw DataError.emptyCorpus(path: corpus) }
        let encoder = try SentenceEncoder<Float>.load(model: model, modelsDir: modelsDir, maxLength: maxLength)
        let embedder = CorpusEmbedder(encoder: encoder, batchSize: batchSize, commitRows: commitRows)
        let outcome = try embedder.write(ids: chunks.chunks.map(\.id), texts: chunks.indexedTexts, to: out,
                                         overwrite: overwrite, progress: progress)
        return Result(outcome: outcome, rows: chunks.count, dimension: encoder.dimension, model: encoder.name,
                      skipped: report.skipped, firstProblem: report.problems.first?.message)
    }
}
