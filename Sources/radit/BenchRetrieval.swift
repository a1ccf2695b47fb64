import ArgumentParser
import Foundation
import RaditBase
import RaditData
import RaditEval
import RaditIndex
import RaditModels
import RaditRetrieval
import RaditStore
import RaditTensor

/// `radit bench …`: benchmarks.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks against baselines.",
        subcommands: [BenchRetrieval.self])
}

/// The retrievers `radit bench retrieval` knows.
enum RetrieverChoice: String, CaseIterable, ExpressibleByArgument {
    case bm25
    case dense
    case denseTuned = "dense-tuned"
}

/// Dataset format argument (`auto` detects).
enum FormatChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, beir, squad, hotpotqa, nq, folder

    var format: DatasetFormat? { self == .auto ? nil : DatasetFormat(rawValue: rawValue) }
}

/// `radit bench retrieval`: retrieval quality of BM25 and dense retrievers on a dataset,
/// as a Markdown table (retriever × metric), written also to HDF5 (and CSV on request).
struct BenchRetrieval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Retrieval recall/MRR/nDCG of BM25 and dense retrievers on a dataset.")

    @Option(help: "Dataset: a BEIR folder, SQuAD/HotpotQA .json, NQ-open .jsonl, or a folder holding one of them.")
    var data: String

    @Option(help: "Dataset format: auto, beir, squad, hotpotqa, nq, folder.")
    var format: FormatChoice = .auto

    @Option(help: "Comma-separated retrievers: bm25, dense, dense-tuned.")
    var retrievers: String = "bm25,dense"

    @Option(help: "Comma-separated cut-offs for recall metrics.")
    var k: String = "1,5,10,20,100"

    @Option(help: "BM25 k1.") var k1: Float = 0.9
    @Option(help: "BM25 b.") var b: Float = 0.4
    @Option(help: "BM25 variant: lucene, robertson, bm25+.") var variant: String = "lucene"
    @Option(help: "BM25+ delta.") var delta: Float = 0.5
    @Flag(help: "Drop Lucene's English stop words in BM25.") var stopWords = false

    @Option(help: "BEIR qrels split (qrels/<split>.tsv).") var split: String = "test"
    @Flag(help: "Skip malformed records and report how many were skipped.") var lenient = false

    @Option(help: "Encoder folder (config.json, model.safetensors, tokenizer.json) for dense rows.")
    var model: String = "models/all-MiniLM-L6-v2"
    @Option(help: "Tuned query encoder folder (same layout) for the dense-tuned row.")
    var queryEncoder: String?
    @Option(help: "Texts per encoder batch.") var batchSize: Int = 64
    @Option(help: "Threads for BM25 queries.") var threads: Int = 2

    @Option(help: "HDF5 file for the table (default runs/bench-retrieval-<dataset>.h5).")
    var output: String?
    @Option(help: "Also write the table as CSV here.") var csv: String?

    func parsedKs() throws -> [Int] {
        let ks = k.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ks.isEmpty, ks.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--k must be comma-separated positive integers, got '\(k)'")
        }
        return ks.map { $0! }
    }

    func parsedRetrievers() throws -> [RetrieverChoice] {
        try retrievers.split(separator: ",").map {
            let name = $0.trimmingCharacters(in: .whitespaces)
            guard let r = RetrieverChoice(rawValue: name) else {
                throw ValidationError("unknown retriever '\(name)'; choose from bm25, dense, dense-tuned")
            }
            return r
        }
    }

    func bm25Variant() throws -> BM25Variant {
        switch variant {
        case "lucene": return .lucene
        case "robertson": return .robertson
        case "bm25+", "bm25plus": return .bm25Plus(delta: delta)
        default: throw ValidationError("unknown --variant '\(variant)'; choose lucene, robertson or bm25+")
        }
    }

    func run() throws {
        let ks = try parsedKs()
        let chosen = try parsedRetrievers()
        let parameters = BM25Parameters(k1: k1, b: b, variant: try bm25Variant())
        let progress = ProgressRenderer()
        defer { progress.finish() }

        let dataset = try DatasetReader.read(data, format: format.format, options: ReadOptions(lenient: lenient, split: split))
        if dataset.report.skipped > 0 {
            FileHandle.standardError.write(Data("skipped \(dataset.report.skipped) malformed records (--lenient); first: \(dataset.report.problems.first?.message ?? "")\n".utf8))
        }
        let bench = RetrievalBenchmark(ks: ks)
        var table = RetrievalTable(dataset: dataset.name, metrics: bench.metrics(for: dataset))
        var notes: [String] = []
        var documentEncoder: SentenceEncoder<Float>? = nil
        let questions = dataset.queries.examples.map(\.question)

        for retriever in chosen {
            switch retriever {
            case .bm25:
                let bm25 = BM25Retriever(corpus: dataset.corpus, parameters: parameters,
                                         tokenizer: WordTokenizer(stopWords: stopWords ? WordTokenizer.englishStopWords : []),
                                         threads: threads, progress: progress.handle)
                let rankings = try bm25.rankings(questions, k: bench.depth, batchSize: max(1, questions.count),
                                                 progress: progress.handle, stage: "bm25-search")
                table.rows.append(bench.evaluate(dataset, rankings: rankings, retriever: "bm25"))
            case .dense:
                guard let encoder = try loadEncoder(model) else {
                    notes.append("dense: MiniLM encoder not available (no \(model)/config.json; run `make models`)")
                    continue
                }
                documentEncoder = encoder
                let dense = try DenseRetriever(corpus: dataset.corpus, documents: encoder, batchSize: batchSize,
                                               progress: progress.handle)
                let rankings = try dense.rankings(questions, k: bench.depth, batchSize: batchSize, progress: progress.handle,
                                                  stage: "dense-search")
                table.rows.append(bench.evaluate(dataset, rankings: rankings, retriever: "dense"))
            case .denseTuned:
                guard let path = queryEncoder else {
                    notes.append("dense-tuned: no tuned query encoder given (--query-encoder DIR)")
                    continue
                }
                guard let documents = try documentEncoder ?? loadEncoder(model),
                      let queries = try loadEncoder(path, tokenizerFrom: documents) else {
                    notes.append("dense-tuned: encoder not available at \(path)")
                    continue
                }
                let tuned = try DenseRetriever(corpus: dataset.corpus, documents: documents, queries: queries,
                                               batchSize: batchSize, progress: progress.handle)
                let rankings = try tuned.rankings(questions, k: bench.depth, batchSize: batchSize, progress: progress.handle,
                                                  stage: "dense-search")
                table.rows.append(bench.evaluate(dataset, rankings: rankings, retriever: "dense-tuned"))
            }
        }
        progress.finish()

        let markdown = table.markdown()
        print("\(dataset.name) (\(dataset.format.rawValue)): \(dataset.corpus.count) chunks, \(dataset.queries.count) questions")
        print(markdown, terminator: "")
        for n in notes { print(n) }

        let url = URL(fileURLWithPath: output ?? "runs/bench-retrieval-\(dataset.name).h5")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try writeTable(table, to: url, dataset: dataset, parameters: parameters, ks: ks, notes: notes)
        print("wrote \(url.path)")
        if let csv {
            try table.csv().write(toFile: csv, atomically: true, encoding: .utf8)
            print("wrote \(csv)")
        }
    }

    /// A BERT-family encoder from a folder through `SentenceEncoder`, or nil when the folder
    /// has no model. A folder without its own tokenizer.json (a bare tuned encoder) reads
    /// text as `tokenizerFrom` does.
    func loadEncoder(_ directory: String, tokenizerFrom: SentenceEncoder<Float>? = nil) throws -> SentenceEncoder<Float>? {
        let dir = URL(fileURLWithPath: directory)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path) else { return nil }
        let encoder: SentenceEncoder<Float>
        if let tokenizerFrom, !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokenizer.json").path) {
            encoder = tokenizerFrom.with(encoder: try BertEncoder<Float>.load(directory: dir), name: dir.lastPathComponent)
        } else {
            encoder = try SentenceEncoder<Float>.load(directory: dir)
        }
        encoder.batchSize = min(batchSize, 32)
        return encoder
    }

    /// `/results/retrieval`: metrics (M) and retrievers (R) as strings, values (R, M)
    /// float64 (NaN where a metric does not apply), query counts, the Markdown table;
    /// root attributes say which data and settings produced it.
    func writeTable(_ table: RetrievalTable, to url: URL, dataset: Dataset, parameters: BM25Parameters,
                    ks: [Int], notes: [String]) throws {
        try StoreFile.writeAtomically(to: url, format: StoreFormat("radit.retrieval-bench"), version: 1) { f in
            try f.setAttribute("data", .string(data))
            try f.setAttribute("dataset", .string(dataset.name))
            try f.setAttribute("dataset_format", .string(dataset.format.rawValue))
            try f.setAttribute("chunks", .int(dataset.corpus.count))
            try f.setAttribute("questions", .int(dataset.queries.count))
            try f.setAttribute("skipped_records", .int(dataset.report.skipped))
            try f.setAttribute("ks", .ints(ks))
            try f.setAttribute("bm25", .string("variant=\(parameters.variant.name) k1=\(parameters.k1) b=\(parameters.b) tokens=lowercase \\w+\(stopWords ? " stopwords=en" : "")"))
            try f.setAttribute("dense_model", .string(model))
            try f.setAttribute("notes", .strings(notes.isEmpty ? [""] : notes))
            let g = "/results/retrieval"
            try f.createDataset(g + "/metrics", strings: table.metrics.map(\.description))
            try f.createDataset(g + "/retrievers", strings: table.rows.isEmpty ? [""] : table.rows.map(\.retriever))
            if !table.rows.isEmpty {
                try f.createDataset(g + "/values", values: table.rows.flatMap(\.values), shape: [table.rows.count, table.metrics.count])
                try f.createDataset(g + "/gold_queries", values: table.rows.map { Int64($0.goldQueries) })
                try f.createDataset(g + "/answer_queries", values: table.rows.map { Int64($0.answerQueries) })
            }
            try f.createDataset(g + "/markdown", strings: [table.markdown()])
        }
    }
}
