import Foundation
import RaditBase
import RaditData
import RaditEval
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditStore

/// The retrievers `radit bench retrieval` compares.
public enum BenchRetriever: String, Sendable, CaseIterable {
    case bm25
    case dense
    /// The document encoder's index searched with a tuned query encoder's embeddings.
    case denseTuned = "dense-tuned"
}

/// `radit bench retrieval`: each chosen retriever ranks a dataset's questions over its
/// corpus, RaditEval's `RetrievalBenchmark` scores the rankings, and the table is written to
/// HDF5 (`radit.retrieval-bench` v1, `/results/retrieval`) with every question's ranking
/// (`/predictions/<retriever>/`, the per-example records layout; TREC run files on request).
public struct RetrievalBench {
    /// Dataset path (any format the readers know) and how to read it.
    public var data: String
    public var format: DatasetFormat?
    public var read = ReadOptions()
    public var retrievers: [BenchRetriever] = [.bm25, .dense]
    public var ks: [Int] = [1, 5, 10, 20, 100]
    public var bm25 = BM25Parameters(k1: 0.9, b: 0.4)
    /// Drop Lucene's English stop words in BM25.
    public var stopWords = false
    /// Threads for BM25 queries.
    public var threads = 2
    /// Encoder of the dense rows: a catalog name or a folder.
    public var model = ModelCatalog.miniLM.name
    /// Where catalog names resolve.
    public var modelsDir = URL(fileURLWithPath: "models")
    /// Tuned query encoder for the dense-tuned row: a sentence-transformers folder (or a bare
    /// config.json + model.safetensors folder, read with the document encoder's tokenizer).
    public var queryEncoder: String?
    /// Texts per encoder batch.
    public var batchSize = 64

    public init(data: String) { self.data = data }

    /// The dataset and the scores: one row per requested retriever, always; and each
    /// retriever's per-query rankings as records, in the same order.
    public struct Result {
        public var dataset: Dataset
        public var metrics: [RetrievalMetric]
        public var rows: [RetrievalRow]
        public var rankings: [(retriever: String, records: ExampleRecords)]

        /// The rows as a result table (`RetrievalBenchmark.table`), rendered like `radit table`'s.
        public var table: ResultTable { RetrievalBenchmark.table(dataset: dataset.name, metrics: metrics, rows: rows) }

        /// The table as Markdown, as the command prints it.
        public var markdown: String { MarkdownTable.render(table) }
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> Result {
        // A requested retriever that cannot run is an error before any work, never a row
        // that silently goes missing.
        var documentEncoder: SentenceEncoder<Float>? = nil
        var queryEncoder: SentenceEncoder<Float>? = nil
        if retrievers.contains(.dense) || retrievers.contains(.denseTuned) {
            documentEncoder = try loadEncoder(model, option: "--model")
        }
        if retrievers.contains(.denseTuned) {
            guard let path = self.queryEncoder else { throw RetrievalBenchError.noTunedQueryEncoder }
            queryEncoder = try loadEncoder(path, option: "--query-encoder", tokenizerFrom: documentEncoder)
        }
        let dataset = try DatasetReader.read(data, format: format, options: read)
        let bench = RetrievalBenchmark(ks: ks)
        let metrics = bench.metrics(for: dataset)
        var rows: [RetrievalRow] = []
        let questions = dataset.queries.examples.map(\.question)
        var kept: [(retriever: String, records: ExampleRecords)] = []
        for retriever in retrievers {
            let rankings: [[(id: Int, score: Float)]]
            switch retriever {
            case .bm25:
                let bm25 = BM25Retriever(corpus: dataset.corpus, parameters: bm25,
                                         tokenizer: WordTokenizer(stopWords: stopWords ? WordTokenizer.englishStopWords : []),
                                         threads: threads, progress: progress)
                rankings = try bm25.scoredRankings(questions, k: bench.depth, batchSize: max(1, questions.count),
                                                   progress: progress, stage: .bm25Search)
            case .dense:
                let dense = try DenseRetriever(corpus: dataset.corpus, documents: documentEncoder!, batchSize: batchSize,
                                               progress: progress)
                rankings = try dense.scoredRankings(questions, k: bench.depth, batchSize: batchSize, progress: progress,
                                                    stage: .denseSearch)
            case .denseTuned:
                let tuned = try DenseRetriever(corpus: dataset.corpus, documents: documentEncoder!, queries: queryEncoder!,
                                               batchSize: batchSize, progress: progress)
                rankings = try tuned.scoredRankings(questions, k: bench.depth, batchSize: batchSize, progress: progress,
                                                    stage: .denseSearch)
            }
            rows.append(bench.evaluate(dataset, rankings: rankings.map { $0.map(\.id) }, retriever: retriever.rawValue,
                                       metrics: metrics))
            let records = try ExampleRecords(retrievalOf: dataset, rankings: rankings)
            kept.append((retriever: retriever.rawValue, records: records))
        }
        return Result(dataset: dataset, metrics: metrics, rows: rows, rankings: kept)
    }

    /// A BERT-family encoder through `SentenceEncoder` (catalog name or folder); a missing
    /// model is an error naming the option. A folder without its own tokenizer.json (a bare
    /// tuned encoder) reads text as `tokenizerFrom` does.
    func loadEncoder(_ nameOrPath: String, option: String,
                     tokenizerFrom: SentenceEncoder<Float>? = nil) throws -> SentenceEncoder<Float> {
        let dir: URL
        do {
            dir = try ModelCatalog.resolve(nameOrPath, modelsDir: modelsDir)
        } catch {
            throw RetrievalBenchError.encoderUnavailable(option: option, value: nameOrPath, reason: "\(error)")
        }
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path) else {
            throw RetrievalBenchError.encoderUnavailable(option: option, value: nameOrPath,
                                                         reason: "no config.json in \(dir.path)")
        }
        let encoder: SentenceEncoder<Float>
        if let tokenizerFrom, !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokenizer.json").path) {
            encoder = tokenizerFrom.with(encoder: try BertEncoder<Float>.load(directory: dir), name: dir.lastPathComponent)
        } else {
            encoder = try SentenceEncoder<Float>.load(directory: dir)
        }
        encoder.batchSize = min(batchSize, 32)
        return encoder
    }

    /// `runs/bench-retrieval-<dataset>.h5`.
    public static func defaultOutput(dataset: String) -> URL {
        URL(fileURLWithPath: "runs/bench-retrieval-\(dataset).h5")
    }

    /// `/results/retrieval`: metrics (M) and retrievers (R) as strings, values (R, M)
    /// float64 (NaN where a metric does not apply), query counts, the table as Markdown; root
    /// attributes say which data and settings produced it.
    public func write(_ result: Result, to url: URL) throws {
        let rows = result.rows, dataset = result.dataset
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try StoreFile.writeAtomically(to: url, format: StoreFormat("radit.retrieval-bench"), version: 1) { f in
            try f.setAttribute("data", .string(data))
            try f.setAttribute("dataset", .string(dataset.name))
            try f.setAttribute("dataset_format", .string(dataset.format.rawValue))
            try f.setAttribute("chunks", .int(dataset.corpus.count))
            try f.setAttribute("questions", .int(dataset.queries.count))
            try f.setAttribute("skipped_records", .int(dataset.report.skipped))
            try f.setAttribute("ks", .ints(ks))
            try f.setAttribute("bm25", .string("variant=\(bm25.variant.name) k1=\(bm25.k1) b=\(bm25.b) tokens=lowercase \\w+\(stopWords ? " stopwords=en" : "")"))
            try f.setAttribute("dense_model", .string(model))
            let g = "/results/retrieval"
            try f.createDataset(g + "/metrics", strings: result.metrics.map(\.description))
            try f.createDataset(g + "/retrievers", strings: rows.isEmpty ? [""] : rows.map(\.retriever))
            if !rows.isEmpty {
                try f.createDataset(g + "/values", values: rows.flatMap(\.values), shape: [rows.count, result.metrics.count])
                try f.createDataset(g + "/gold_queries", values: rows.map { Int64($0.goldQueries) })
                try f.createDataset(g + "/answer_queries", values: rows.map { Int64($0.answerQueries) })
            }
            try f.createDataset(g + "/markdown", strings: [result.markdown])
            let p = try f.requireGroup(RunLayout.predictions)
            try p.setAttribute("passes", .strings(result.rankings.map(\.retriever)))
            for r in result.rankings { try RecordStore.write(r.records, to: try p.createGroup(r.retriever)) }
        }
    }

    /// Each retriever's rankings as a TREC run file `<dir>/<dataset>.<retriever>.trec`
    /// (tag `radit-<retriever>`), for trec_eval, ranx and pyserini; returns the files.
    public static func writeTREC(_ result: Result, to dir: URL) throws -> [URL] {
        try result.rankings.map { r in
            let url = dir.appendingPathComponent("\(result.dataset.name).\(r.retriever).trec")
            try TRECRun(tag: "radit-\(r.retriever)", records: r.records).write(to: url)
            return url
        }
    }

    /// The per-query rankings stored by `write`: retriever name → records.
    public static func readRankings(_ url: URL) throws -> (dataset: String, rankings: [(retriever: String, records: ExampleRecords)]) {
        let f = try StoreFile.open(url, expecting: StoreFormat("radit.retrieval-bench"), versions: 1...1)
        defer { try? f.close() }
        let dataset = try f.stringAttribute("dataset")
        guard try f.exists(RunLayout.predictions) else {
            throw RunError.corrupt(what: "\(url.path): no per-query rankings (/predictions); it was written before they were kept, run `radit bench retrieval` again")
        }
        let p = try f.group(RunLayout.predictions)
        guard case .strings(let names)? = try p.attribute("passes") else {
            throw RunError.corrupt(what: "\(url.path):\(RunLayout.predictions) attribute `passes`")
        }
        let rankings: [(retriever: String, records: ExampleRecords)] = try names.map {
            (retriever: $0, records: try RecordStore.read(try p.group($0)))
        }
        return (dataset, rankings)
    }

    /// The table as Radit's table CSV (`CSVTable`: a line per retriever and metric with its
    /// n), which `radit table --from-csv` renders again as Markdown, LaTeX or HTML.
    public static func writeCSV(_ result: Result, to url: URL) throws {
        try CSVTable.write(result.table, to: url)
    }
}

/// Why `radit bench retrieval` cannot make a requested row.
public enum RetrievalBenchError: Error, CustomStringConvertible {
    case noTunedQueryEncoder
    case encoderUnavailable(option: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .noTunedQueryEncoder:
            return "--retrievers dense-tuned needs --query-encoder DIR (a tuned query encoder folder, e.g. from `radit export RUN --retriever DIR`)"
        case .encoderUnavailable(let option, let value, let reason):
            // The reason may already say to fetch the models; say it once.
            let fetch = reason.contains("radit models fetch") ? "" : "run `radit models fetch` in the repository folder, "
            return "\(option) \(value): no encoder there (\(reason)); " + fetch
                + "give \(option) a model folder, or leave the dense retrievers out of --retrievers"
        }
    }
}
