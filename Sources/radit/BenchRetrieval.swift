import ArgumentParser
import Foundation
import RaditExperiments

/// `radit bench …`: benchmarks.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks against baselines.",
        subcommands: [BenchRetrieval.self])
}

extension BenchRetriever: ExpressibleByArgument {}

/// `radit bench retrieval`: retrieval quality of BM25 and dense retrievers on a dataset,
/// as a Markdown table (retriever × metric), written also to HDF5 with every question's
/// ranking (and CSV and TREC run files on request).
struct BenchRetrieval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Retrieval recall/MRR/nDCG of BM25 and dense retrievers on a dataset.")

    @Option(help: "Dataset: a BEIR folder, SQuAD/HotpotQA .json, NQ-open .jsonl, or a folder holding one of them.")
    var data: String

    @Option(help: "Dataset format: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var format: DatasetFormat?

    @Option(help: "Comma-separated retrievers: \(BenchRetriever.allCases.map(\.rawValue).joined(separator: ", ")).")
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

    @OptionGroup var encoder: EncoderOptions
    @Option(help: "Tuned query encoder for the dense-tuned row: a sentence-transformers folder (radit export --retriever).")
    var queryEncoder: String?
    @Option(help: "Texts per encoder batch.") var batchSize: Int = 64
    @Option(help: "Threads for BM25 queries.") var threads: Int = 2

    @Option(help: "HDF5 file for the table (default runs/bench-retrieval-<dataset>.h5).")
    var output: String?
    @Option(help: "Also write the table as CSV here (Radit's table CSV: `radit table --from-csv` renders it as LaTeX or HTML).") var csv: String?
    @Option(help: "Also write each retriever's per-query rankings as a TREC run file <dataset>.<retriever>.trec in this folder.")
    var trec: String?

    func parsedKs() throws -> [Int] {
        let ks = k.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ks.isEmpty, ks.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--k must be comma-separated positive integers, got '\(k)'")
        }
        return ks.map { $0! }
    }

    func parsedRetrievers() throws -> [BenchRetriever] {
        try retrievers.split(separator: ",").map {
            let name = $0.trimmingCharacters(in: .whitespaces)
            guard let r = BenchRetriever(rawValue: name) else {
                throw ValidationError("unknown retriever '\(name)'; choose from \(BenchRetriever.allCases.map(\.rawValue).joined(separator: ", "))")
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
        var bench = RetrievalBench(data: data)
        bench.format = format
        bench.read = ReadOptions(lenient: lenient, split: split, requireQuestions: true)
        bench.retrievers = try parsedRetrievers()
        bench.ks = try parsedKs()
        bench.bm25 = BM25Parameters(k1: k1, b: b, variant: try bm25Variant())
        bench.stopWords = stopWords
        bench.threads = threads
        bench.model = encoder.model
        bench.modelsDir = encoder.modelsDirectory
        bench.queryEncoder = queryEncoder
        bench.batchSize = batchSize

        let progress = ProgressRenderer()
        defer { progress.finish() }
        let result = try bench.run(progress: progress.handle)
        progress.finish()
        let dataset = result.dataset
        if dataset.report.skipped > 0 {
            progress.note("skipped \(dataset.report.skipped) malformed records (--lenient); first: \(dataset.report.problems.first?.message ?? "")")
        }
        print("\(dataset.name) (\(dataset.format.rawValue)): \(dataset.corpus.count) chunks, \(dataset.queries.count) questions")
        print(result.markdown, terminator: "")
        if let skipped = dataset.report.summary { progress.note(skipped) }

        let url = output.map { URL(fileURLWithPath: $0) } ?? RetrievalBench.defaultOutput(dataset: dataset.name)
        try bench.write(result, to: url)
        print("wrote \(url.path)")
        if let csv {
            try RetrievalBench.writeCSV(result, to: URL(fileURLWithPath: csv))
            print("wrote \(csv)")
        }
        if let trec {
            for url in try RetrievalBench.writeTREC(result, to: URL(fileURLWithPath: trec)) { print("wrote \(url.path)") }
        }
    }
}
