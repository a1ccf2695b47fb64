import Foundation
import RaditBase
import RaditData
import RaditEval
import RaditRemote

/// What `radit generate questions` did.
public struct QuestionReport: Sendable, Equatable {
    public var chunks = 0
    /// Questions written (after de-duplication).
    public var questions = 0
    /// Generated questions dropped because they are evaluation questions (SQuAD-normalised
    /// text, the rule the run's split guard uses) or repeat an earlier generated one.
    public var droppedEvaluation = 0
    public var droppedDuplicate = 0
    /// Chunks whose reply held fewer questions than asked (lines that were not questions).
    public var shortReplies = 0
    public var teacher = TeacherReport()
}

/// `radit generate questions`: N questions per chunk of any corpus the readers know
/// (BEIR, SQuAD, HotpotQA, NQ-open, a text/HTML/PDF folder) from a teacher LM over the
/// OpenAI API (RAFT's first step), de-duplicated against an evaluation split. Writes a
/// BEIR folder (`corpus.jsonl`, `queries.jsonl`, `qrels/train.tsv`: each question judged
/// relevant to its chunk) that `radit generate raft --teacher remote` and `radit run` read.
/// Every reply is in the request cache first, so a rerun after a crash or a stop sends only
/// what was never answered.
public struct QuestionGeneration {
    public var data: String
    public var perChunk: Int
    public var teacher: TeacherSettings
    /// Evaluation questions to keep out: a dataset and its split.
    public var excludeData: String?
    public var excludeSplit: GenerationSplit = .test
    public var out: URL
    public var environment = ProcessInfo.processInfo.environment

    public init(data: String, perChunk: Int, teacher: TeacherSettings, out: URL) {
        self.data = data
        self.perChunk = perChunk
        self.teacher = teacher
        self.out = out
    }

    public func run(progress: ProgressHandler = silentProgress) throws -> QuestionReport {
        guard perChunk >= 1 else { throw TeacherError.invalidOption(name: "per-chunk", reason: "ask for at least 1 question per chunk") }
        let corpus = try DatasetReader.read(data, options: ReadOptions(split: "train")).corpus
        var excluded = Set<String>()
        if let excludeData {
            for e in try GenerationInput.load(excludeData, split: excludeSplit).dataset.queries.examples {
                excluded.insert(AnswerMetrics.normalize(e.question))
            }
        }
        let chat = try teacher.open(environment: environment)
        var report = QuestionReport()
        report.chunks = corpus.count
        var seen = Set<String>()
        var queries: [String] = []
        var qrels = ["query-id\tcorpus-id\tscore"]
        let batch = max(1, teacher.maxConcurrency * 2)
        var start = 0
        while start < corpus.count {
            let chunks = Array(corpus.chunks[start..<min(corpus.count, start + batch)])
            let requests = chunks.map {
                teacher.request(system: TeacherPrompts.questionsSystem(perChunk), user: TeacherPrompts.questionsUser($0))
            }
            let results = try chat.chat(requests)
            for (chunk, result) in zip(chunks, results) {
                let reply = try result.get().choices.first(where: { $0.index == 0 })?.message.content ?? ""
                let questions = TeacherPrompts.parseQuestions(reply, limit: perChunk)
                if questions.count < perChunk { report.shortReplies += 1 }
                for q in questions {
                    let key = AnswerMetrics.normalize(q)
                    if excluded.contains(key) { report.droppedEvaluation += 1; continue }
                    guard seen.insert(key).inserted else { report.droppedDuplicate += 1; continue }
                    let id = "gq-" + String(SHA256.hex(chunk.id + "\u{1e}" + q).prefix(16))
                    queries.append(try Self.line(Query(_id: id, text: q, metadata: ["chunk": chunk.id])))
                    qrels.append("\(id)\t\(chunk.id)\t1")
                }
            }
            start += chunks.count
            if progress(ProgressEvent(stage: "teacher-questions", done: start, total: corpus.count, unit: .chunks,
                                      metrics: TeacherReport.metrics(chat.usage, teacher))) == .stop {
                throw TeacherStop.stopped
            }
        }
        report.questions = queries.count
        guard !queries.isEmpty else {
            throw TeacherError.noQuestions(chunks: corpus.count, shortReplies: report.shortReplies,
                                           dropped: report.droppedEvaluation + report.droppedDuplicate)
        }
        let docs = try corpus.chunks.map { try Self.line(Doc(_id: $0.id, title: $0.title, text: $0.text)) }
        try AtomicFile.write(docs.map { $0 + "\n" }.joined(), to: out.appendingPathComponent("corpus.jsonl"))
        try AtomicFile.write(queries.map { $0 + "\n" }.joined(), to: out.appendingPathComponent("queries.jsonl"))
        try FileManager.default.createDirectory(at: out.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        try AtomicFile.write(qrels.joined(separator: "\n") + "\n", to: out.appendingPathComponent("qrels/train.tsv"))
        report.teacher.usage = chat.usage
        report.teacher.failed = chat.usage.failed
        report.teacher.estimatedCost = chat.usage.cost(promptPrice: teacher.promptPrice, completionPrice: teacher.completionPrice)
        return report
    }

    /// BEIR rows.
    struct Query: Encodable { var _id: String; var text: String; var metadata: [String: String] }
    struct Doc: Encodable { var _id: String; var title: String; var text: String }

    static func line<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }
}
