import Foundation
import RaditBase
import RaditData
import RaditModels
import RaditRetrieval

/// Which questions a generate command reads: one split, or (SynthKB) all of them.
public enum GenerationSplit: String, CaseIterable, Sendable {
    case train, dev, test, all
}

/// The questions, corpus and supporting sentences a `radit generate` command works on.
public struct GenerationInput {
    public var dataset: Dataset
    public var supporting: SupportingSentences
    public var split: GenerationSplit

    /// A SynthKB folder (one split, or all of them), a HotpotQA file (supporting facts
    /// read), or any other dataset the readers know (supporting sentence found around the answer).
    public static func load(_ path: String, split: GenerationSplit) throws -> GenerationInput {
        if SynthKBFolder.isSynthKB(path) {
            let (d, s) = try SynthSplit(rawValue: split.rawValue).map { try SynthKBFolder.read(path, split: $0) }
                ?? SynthKBFolder.readAll(path)
            return GenerationInput(dataset: d, supporting: s, split: split)
        }
        guard split != .all else {
            throw ExperimentDataError.allSplitsNeedSynthKB(path: path)
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
        return GenerationInput(dataset: dataset, supporting: supporting, split: split)
    }

    /// The export split a question's own split fixes (SynthKB), else nil (hashed by question).
    func exportSplit(_ questionID: String) -> ExportSplit? {
        dataset.queries[id: questionID]?.metadata["split"].flatMap(SynthSplit.init(rawValue:))?.exportSplit
    }

    /// Writes the chat and prompt–completion exports; returns their split counts and why a split is empty.
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

/// What a generate command wrote.
public struct GenerationReport: Sendable, Equatable {
    /// Instances in the output file (new and resumed).
    public var instances: Int
    public var summary: GenerationSummary
    /// Instances holding the oracle chunk(s) (RAFT).
    public var withOracle: Int
    /// Oracle instances whose CoT answer quotes nothing (RAFT).
    public var unquoted: Int = 0
    /// Export split counts and why a split is empty, one line each.
    public var notes: [String] = []
    /// The teacher's requests, tokens, cost and validation counts (`--teacher remote`).
    public var teacher: TeacherReport?
}

/// `radit generate raft`: RAFT instances (`raft.jsonl`, resumable) plus chat and
/// prompt–completion exports, with distractors from the chosen source.
public struct RaftGeneration {
    public var data: String
    public var split: GenerationSplit = .train
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
    /// Target of instances without the oracle (RAFT's default: the oracle's CoT answer).
    public var noOracleAnswer: RaftNoOracleAnswer = .sameAnswer
    /// A teacher LM writes the CoT answers (RAFT's recipe) instead of the template built
    /// from the supporting sentence; questions without a validated answer are dropped.
    public var teacher: TeacherSettings?
    /// Teacher answers per question: the first, then retries of one that failed validation.
    public var teacherAttempts = 3
    public var environment = ProcessInfo.processInfo.environment

    public init(data: String, p: Double, distractors: Int, source: DistractorSourceKind, out: URL) {
        self.data = data
        self.p = p
        self.distractors = distractors
        self.source = source
        self.out = out
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> GenerationReport {
        let input = try GenerationInput.load(data, split: split)
        let builder = try RaftBuilder(oracleShare: p, distractors: distractors, seed: seed, noOracleAnswer: noOracleAnswer)
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
        var examples = input.dataset.queries.examples
        var teacherAnswers: [String: String] = [:]
        var teacherReport: TeacherReport?
        if let teacher {
            let chat = try teacher.open(environment: environment)
            let (cot, report) = try TeacherAnswers(settings: teacher, attempts: teacherAttempts)
                .answer(examples, corpus: corpus, chat: chat, progress: progress)
            guard !cot.isEmpty else { throw TeacherError.noValidAnswers(questions: examples.count, dropped: report.dropped) }
            // Kept questions only; a question without a reference answer takes the teacher's.
            examples = examples.compactMap { e in
                guard let c = cot[e.id], let answer = RaftFormat.extractAnswer(c) else { return nil }
                var e = e
                if e.answers.isEmpty { e.answers = [answer] }
                return e
            }
            teacherAnswers = cot
            teacherReport = report
        }
        let summary = try builder.write(examples, corpus: corpus, source: distractorSource,
                                        supporting: input.supporting, teacher: teacher.map { "\($0.model) at \($0.baseURL)" },
                                        teacherAnswers: teacherAnswers, to: file, progress: progress)
        let instances = try JSONLines.read(file, as: RaftInstance.self)
        let exported = instances.map { TrainingExample($0, system: system, split: input.exportSplit($0.questionID)) }
        let notes = try input.export(exported, seed: seed, to: out, name: "raft")
        let unquoted = instances.filter { $0.oracleIncluded && RaftFormat.quotes(in: $0.cotAnswer).isEmpty }.count
        return GenerationReport(instances: instances.count, summary: summary, withOracle: instances.filter(\.oracleIncluded).count,
                                unquoted: unquoted, notes: notes, teacher: teacherReport)
    }
}

/// `radit generate rait`: RA-DIT LM-ft instances from BM25's top k (`rait.jsonl`,
/// resumable) plus chat and prompt–completion exports.
public struct RAITGeneration {
    public var data: String
    public var split: GenerationSplit = .train
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
        let notes = try input.export(examples, seed: seed, to: out, name: "rait")
        return GenerationReport(instances: instances.count, summary: summary, withOracle: 0, notes: notes)
    }
}
