import ArgumentParser
import Foundation
import RaditData
import RaditRetrieval

extension DistractorSourceKind: ExpressibleByArgument {}
extension RaftNoOracleAnswer: ExpressibleByArgument {}

/// Which questions a generate command reads: one split, or (SynthKB) all of them.
enum GenerateSplit: String, ExpressibleByArgument, CaseIterable {
    case train, dev, test, all
}

/// The questions, corpus and supporting sentences a generate command works on.
struct GenerationInput {
    var dataset: Dataset
    var supporting: SupportingSentences
    var split: GenerateSplit

    /// A SynthKB folder (split chosen), a HotpotQA file (supporting facts read), or any
    /// other dataset the readers know (supporting sentence found around the answer).
    static func load(_ path: String, split: GenerateSplit) throws -> GenerationInput {
        if SynthKBFolder.isSynthKB(path) {
            let (d, s) = try SynthSplit(rawValue: split.rawValue).map { try SynthKBFolder.read(path, split: $0) }
                ?? SynthKBFolder.readAll(path)
            return GenerationInput(dataset: d, supporting: s, split: split)
        }
        guard split != .all else {
            throw ValidationError("--split all reads every split of a SynthKB folder; \(path) is not one: name the split to read")
        }
        let dataset = try DatasetReader.read(path, options: ReadOptions(split: split.rawValue))
        var supporting: SupportingSentences = [:]
        if dataset.format == .hotpotqa {
            var file = path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue,
               let name = try FileManager.default.contentsOfDirectory(atPath: path).filter({ $0.hasSuffix(".json") }).sorted().first {
                file = path + "/" + name
            }
            supporting = try HotpotQASupport.read(file: file)
        }
        return GenerationInput(dataset: dataset, supporting: supporting, split: split)
    }

    /// The export split a question's own split fixes (SynthKB), else nil (hashed by question).
    func exportSplit(_ questionID: String) -> ExportSplit? {
        dataset.queries[id: questionID]?.metadata["split"].flatMap(SynthSplit.init(rawValue:))?.exportSplit
    }

    /// Writes the chat and prompt–completion exports and says why a split is empty.
    func export(_ examples: [TrainingExample], seed: UInt64, to out: URL, name: String) throws -> [String] {
        let exporter = try FineTuningExporter(seed: seed)
        let files = try exporter.write(examples, format: .chat, to: out, name: "\(name).chat")
        try exporter.write(examples, format: .promptCompletion, to: out, name: "\(name).prompt-completion")
        let fixed = examples.contains { $0.split != nil }
        var notes = ["exports: " + ExportSplit.allCases.map { "\($0.rawValue) \(files.counts[$0] ?? 0)" }.joined(separator: ", ")
                     + (fixed ? " (SynthKB's own question splits)" : " (split by question)")]
        let empty = files.emptySplits
        if !empty.isEmpty {
            let names = empty.map(\.rawValue).joined(separator: " and ")
            if split != .all, fixed {
                notes.append("\(names) empty: SynthKB fixes each question's split and only --split \(split.rawValue) was read; pass --split all to fill train, validation and test from SynthKB's train, dev and test questions")
            } else {
                notes.append("\(names) empty: \(examples.count) instances of \(Set(examples.map(\.group)).count) questions are too few for the 80/10/10 split by question")
            }
        }
        return notes
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
    @Option(help: "Split to read (SynthKB and BEIR qrels); all: every SynthKB split, exported as train/validation/test.")
    var split: GenerateSplit = .train
    @Option(name: .customLong("p"), help: "Probability P that an instance holds the oracle chunk(s).") var p: Double
    @Option(help: "Distractors n beside the oracle (instances without it hold n + |gold|).") var distractors: Int
    @Option(help: "Distractor source: random, bm25 or dense.") var source: DistractorSourceKind
    @Option(help: "Target of instances without the oracle: same_answer (RAFT: the oracle's CoT answer) or none_of_the_documents (Radit).")
    var noOracleAnswer: RaftNoOracleAnswer = .sameAnswer
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
        let builder = try RaftBuilder(oracleShare: p, distractors: distractors, seed: seed, noOracleAnswer: noOracleAnswer)
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
        let notes = try input.export(examples, seed: seed, to: outURL, name: "raft")
        let oracle = instances.filter(\.oracleIncluded).count
        let unquoted = instances.filter { $0.oracleIncluded && RaftFormat.quotes(in: $0.cotAnswer).isEmpty }.count
        print("RAFT: \(instances.count) instances (\(summary.written) new, \(summary.alreadyPresent) resumed, "
              + "\(summary.skipped) questions skipped), oracle in \(oracle) (\(unquoted) without a quote), P=\(p), n=\(distractors), "
              + "source=\(source.rawValue), no-oracle answer=\(noOracleAnswer.rawValue), seed=\(seed) → \(out)")
        for n in notes { print("  " + n) }
    }
}
