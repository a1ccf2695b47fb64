import Foundation
import RaditBase
import RaditData
import RaditModels
import RaditRetrieval

/// The questions, corpus and supporting sentences a `radit generate` command works on.
public struct GenerationInput {
    public var dataset: Dataset
    public var supporting: SupportingSentences

    /// A SynthKB folder (split chosen), a HotpotQA file (supporting facts read), or any
    /// other dataset the readers know (supporting sentence found around the answer).
    public static func load(_ path: String, split: SynthSplit) throws -> GenerationInput {
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

/// What a generate command wrote.
public struct GenerationReport: Sendable, Equatable {
    /// Instances in the output file (new and resumed).
    public var instances: Int
    public var summary: GenerationSummary
    /// Instances holding the oracle chunk(s) (RAFT).
    public var withOracle: Int
}

/// `radit generate raft`: RAFT instances (`raft.jsonl`, resumable) plus chat and
/// prompt–completion exports, with distractors from the chosen source.
public struct RaftGeneration {
    public var data: String
    public var split: SynthSplit = .train
    public var p: Double
    public var distractors: Int
    public var source: DistractorSourceKind
    public var seed: UInt64 = 0
    public var out: URL
    /// Encoder for `source = .dense`: a catalog name or a folder.
    public var model = ModelCatalog.miniLM.name
    public var modelsDir = URL(fileURLWithPath: "models")
    /// System message of the chat export (nil: none).
    public var system: String?

    public init(data: String, p: Double, distractors: Int, source: DistractorSourceKind, out: URL) {
        self.data = data
        self.p = p
        self.distractors = distractors
        self.source = source
        self.out = out
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> GenerationReport {
        let input = try GenerationInput.load(data, split: split)
        let builder = try RaftBuilder(oracleShare: p, distractors: distractors, seed: seed)
        let corpus = input.dataset.corpus
        let distractorSource: DistractorSource
        switch source {
        case .random: distractorSource = .random
        case .bm25: distractorSource = .retrieved(BM25Retriever(corpus: corpus, progress: progress), kind: .bm25)
        case .dense:
            let encoder = try SentenceEncoder<Float>.load(model: model, modelsDir: modelsDir)
            distractorSource = .retrieved(try DenseRetriever(corpus: corpus, documents: encoder, progress: progress), kind: .dense)
        }
        let file = out.appendingPathComponent("raft.jsonl")
        let summary = try builder.write(input.dataset.queries.examples, corpus: corpus, source: distractorSource,
                                        supporting: input.supporting, to: file, progress: progress)
        let instances = try JSONLines.read(file, as: RaftInstance.self)
        let examples = instances.map { TrainingExample($0, system: system, split: input.exportSplit($0.questionID)) }
        let exporter = try FineTuningExporter(seed: seed)
        try exporter.write(examples, format: .chat, to: out, name: "raft.chat")
        try exporter.write(examples, format: .promptCompletion, to: out, name: "raft.prompt-completion")
        return GenerationReport(instances: instances.count, summary: summary, withOracle: instances.filter(\.oracleIncluded).count)
    }
}

/// `radit generate rait`: RA-DIT LM-ft instances from BM25's top k (`rait.jsonl`,
/// resumable) plus chat and prompt–completion exports.
public struct RAITGeneration {
    public var data: String
    public var split: SynthSplit = .train
    public var k: Int
    public var mode: RAITMode = .separate
    /// Oracle share P: questions whose k-th chunk is replaced by a gold chunk missing from the top k.
    public var oracleShare = 0.0
    public var template = PromptTemplate.raDIT
    public var seed: UInt64 = 0
    public var out: URL

    public init(data: String, k: Int, out: URL) {
        self.data = data
        self.k = k
        self.out = out
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> GenerationReport {
        let input = try GenerationInput.load(data, split: split)
        let builder = try RAITBuilder(k: k, template: template, mode: mode, oracleShare: oracleShare, seed: seed)
        let file = out.appendingPathComponent("rait.jsonl")
        let summary = try builder.write(input.dataset.queries.examples, corpus: input.dataset.corpus,
                                        retriever: BM25Retriever(corpus: input.dataset.corpus, progress: progress),
                                        to: file, progress: progress)
        let instances = try JSONLines.read(file, as: RAITInstance.self)
        let examples = instances.map { TrainingExample($0, system: nil, split: input.exportSplit($0.questionID)) }
        let exporter = try FineTuningExporter(seed: seed)
        try exporter.write(examples, format: .chat, to: out, name: "rait.chat")
        try exporter.write(examples, format: .promptCompletion, to: out, name: "rait.prompt-completion")
        return GenerationReport(instances: instances.count, summary: summary, withOracle: 0)
    }
}
