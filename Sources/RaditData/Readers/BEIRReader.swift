#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A BEIR folder: `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`)
/// and `qrels/<split>.tsv` (`query-id corpus-id score`, optional header). Only queries
/// with judgements in the split are kept, in queries-file order. A query's answers are read
/// from `metadata.answers` (an array of strings) when present, as SynthKB's export writes them.
public enum BEIRReader {
    public static func read(folder: String, options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        var report = ReadReport()
        let corpusPath = folder + "/corpus.jsonl"
        let queriesPath = folder + "/queries.jsonl"
        let qrelsPath = folder + "/qrels/\(options.split).tsv"

        var corpus = Corpus()
        try forEachJSONLine(corpusPath, lenient: options.lenient, report: &report) { (f: JSONFields, line: Int) throws(DataError) in
            let chunk = Chunk(id: try f.identifier("_id"), title: try f.optionalString("title") ?? "",
                              text: try f.string("text"))
            try corpus.append(chunk, source: corpusPath, line: line)
        }

        var questions: [(id: String, text: String, answers: [String], line: Int)] = []
        var seen = Set<String>()
        try forEachJSONLine(queriesPath, lenient: options.lenient, report: &report) { (f: JSONFields, line: Int) throws(DataError) in
            let id = try f.identifier("_id")
            let text = try f.string("text")
            var answers: [String] = []
            if f.has("metadata"), case let .object(m) = try f.value("metadata") {
                let metadata = JSONFields(m, file: queriesPath, path: f.fieldPath("metadata"))
                if metadata.has("answers") { answers = try metadata.strings("answers") }
            }
            guard seen.insert(id).inserted else { throw DataError.duplicateID(file: queriesPath, line: line, field: "_id", id: id) }
            questions.append((id, text, answers, line))
        }

        // qrels rows, grouped by query in row order.
        var judgements: [String: [Relevance]] = [:]
        let bytes = try readFileBytes(qrelsPath)
        for (number, slice) in nonEmptyLines(bytes) {
            do throws(DataError) {
                let fields = String(decoding: slice, as: UTF8.self)
                    .split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init)
                if number == 1 && fields.first == "query-id" { continue }
                guard fields.count == 3 || fields.count == 4 else {
                    throw DataError.malformedRow(file: qrelsPath, line: number,
                                                 detail: "expected 3 tab-separated fields (query-id, corpus-id, score), got \(fields.count)")
                }
                // TREC qrels have an unused iteration column: qid 0 docid grade.
                let (qid, did, gradeText) = fields.count == 3 ? (fields[0], fields[1], fields[2]) : (fields[0], fields[2], fields[3])
                guard let grade = Int(gradeText) else {
                    throw DataError.wrongType(file: qrelsPath, line: number, field: "score", expected: "an integer")
                }
                guard seen.contains(qid) else {
                    throw DataError.unknownQuery(file: qrelsPath, line: number, field: "query-id", id: qid)
                }
                guard corpus.contains(did) else {
                    throw DataError.unknownDocument(file: qrelsPath, line: number, field: "corpus-id", id: did)
                }
                if judgements[qid]?.contains(where: { $0.id == did }) == true {
                    throw DataError.duplicateID(file: qrelsPath, line: number, field: "corpus-id", id: "\(qid) \(did)")
                }
                judgements[qid, default: []].append(Relevance(id: did, grade: grade))
            } catch {
                if !options.lenient { throw error }
                report.record(error)
            }
        }

        var queries = QuerySet()
        for q in questions {
            guard let gold = judgements[q.id] else { continue }
            try queries.append(Example(id: q.id, question: q.text, answers: q.answers, gold: gold), source: queriesPath, line: q.line)
        }
        return Dataset(name: lastPathComponent(folder), format: .beir, corpus: corpus, queries: queries, report: report)
    }
}

/// The last component of a path, without trailing slashes.
func lastPathComponent(_ path: String) -> String {
    let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
    return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
}
