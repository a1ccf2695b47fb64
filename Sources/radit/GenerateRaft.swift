import ArgumentParser
import Foundation
import RaditData
import RaditRetrieval

extension DistractorSourceKind: ExpressibleByArgument {}
extension SynthSplit: ExpressibleByArgument {}

/// The questions, corpus and supporting sentences a generate command works on.
struct GenerationInput {
    var dataset: Dataset
    var supporting: SupportingSentences

    /// A SynthKB folder (split chosen), a HotpotQA file (supporting facts read), or any
    /// other dataset the readers know (supporting sentence found around the answer).
    static func load(_ path: String, split: SynthSplit) throws -> GenerationInput {
        if SynthKBFolder.isSynthKB(path) {
            let (d, s) = try SynthKBFolder.read(path, split: split)
            return GenerationInput(dataset: d, supporting: s)
        }
        let dataset = try DatasetReader.read(path, options: ReadOptions(split: split.rawValue, requireQuestions: true))
        var supporting: SupportingSentences = [:]
        if dataset.format == .hotpotqa {
            var file = path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue,
               let name = try FileManager.default.contentsOfDirectory(atPath: path).filter({ $0.hasSuffix(".json") || $0.hasSuffix(".json.gz") }).sorted().first {
                file = path + "/" + name
            }
            supporting = try HotpotQASupport.read(file: file)
        }
        return GenerationInput(dataset: dataset, supporting: supporting)
    }

    /// The export split a question's own split fixes (SynthKB), else nil (hashed).
    func exportSplit(_ questionID: String) -> ExportSplit? {
        dataset.queries[id: questionID]?.metadata["split"].flatMap(SynthSplit.init(rawValue:))?.exportSplit
    }
}

/// `radit generate raft`: RAFT training instances plus chat and prompt–completion exports.
struct GenerateRaft: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raft",
        abstract: "Write RAFT instances (oracle with probability P plus n distractors) and JSONL exports.",
        discussion: """
        P, n and the distractor source have no defaults: each run states them, and every \
        instance records them. Re-running with the same options resumes an interrupted run.
        """)

    @Option(help: "Dataset: a SynthKB folder, a HotpotQA/SQuAD/NQ file, or a BEIR folder.") var data: String
    @Option(help: "Split to read (SynthKB and BEIR qrels).") var split: SynthSplit = .train
    @Option(name: .customLong("p"), help: "Probability P that an instance holds the oracle chunk(s).") var p: Double
    @Option(help: "Distractors n beside the oracle (instances without it hold n + |gold|).") var distractors: Int
    @Option(help: "Distractor source: random, bm25 or dense.") var source: DistractorSourceKind
    @Option(help: "Seed; with the same data and options the output is byte-identical.") var seed: UInt64 = 0
    @Option(help: "Output folder.") var out: String
    @Option(help: "Encoder folder for --source dense (config.json, model.safetensors, tokenizer.json).")
    var model: String = "models/all-MiniLM-L6-v2"
    @Option(help: "System message of the chat export (empty: none).")
    var system: String = "Answer the question using the documents. Quote the evidence, then give the final answer after <ANSWER>:."

    func run() throws {
        let progress = ProgressRenderer()
        defer { progress.finish() }
        let input = try GenerationInput.load(data, split: split)
        let builder = try RaftBuilder(oracleProbability: p, distractors: distractors, seed: seed)
        let distractorSource: DistractorSource
        switch source {
        case .random: distractorSource = .random
        case .bm25: distractorSource = .retrieved(BM25Retriever(corpus: input.dataset.corpus), kind: .bm25)
        case .dense:
            let encoder = try SentenceEncoder<Float>.load(directory: URL(fileURLWithPath: model))
            distractorSource = .retrieved(try DenseRetriever(corpus: input.dataset.corpus, documents: encoder,
                                                             progress: progress.handle), kind: .dense)
        }
        let outURL = URL(fileURLWithPath: out)
        let file = outURL.appendingPathComponent("raft.jsonl")
        let summary = try builder.write(input.dataset.queries.examples, corpus: input.dataset.corpus,
                                        source: distractorSource, supporting: input.supporting, to: file,
                                        progress: progress.handle)
        let instances = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(RaftInstance.self, from: Data($0.utf8))
        }
        let examples = instances.map { TrainingExample($0, system: system, split: input.exportSplit($0.questionID)) }
        let exporter = try FineTuningExporter(seed: seed)
        try exporter.write(examples, format: .chat, to: outURL, name: "raft.chat")
        try exporter.write(examples, format: .promptCompletion, to: outURL, name: "raft.prompt-completion")
        let oracle = instances.filter(\.oracleIncluded).count
        print("RAFT: \(instances.count) instances (\(summary.written) new, \(summary.alreadyPresent) resumed, "
              + "\(summary.skipped) questions skipped), oracle in \(oracle), P=\(p), n=\(distractors), "
              + "source=\(source.rawValue), seed=\(seed) → \(out)")
    }
}
