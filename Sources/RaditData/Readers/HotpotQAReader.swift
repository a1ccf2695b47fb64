/// HotpotQA JSON (distractor and fullwiki settings share the shape):
/// `[{_id, question, answer, type, level, supporting_facts: [[title, sent_id]],
/// context: [[title, [sentences]]]}]`. The corpus is every context paragraph of the file,
/// one chunk per title (id = title, text = sentences concatenated as given); gold chunks
/// are the supporting-fact titles. In the fullwiki setting a gold title may be missing
/// from the retrieved contexts: it stays gold (and counts as a miss), as in the official
/// evaluation. `answer` and `supporting_facts` are optional (the test split has neither).
public enum HotpotQAReader {
    public static func read(file: String, options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        try read(file: file, json: try parseJSONFile(file), options: options)
    }

    static func read(file: String, json: JSONValue, options: ReadOptions) throws(DataError) -> Dataset {
        guard case let .array(records, _) = json else {
            throw DataError.wrongType(file: file, line: 1, field: "<root>", expected: "an array of questions")
        }
        var report = ReadReport()
        var corpus = Corpus()
        var queries = QuerySet()
        for (n, record) in records.enumerated() {
            do throws(DataError) {
                let line: Int
                if case let .object(o) = record { line = o.line } else { line = 1 }
                let f = try JSONFields(record, file: file, path: "[\(n)]", line: line)
                let id = try f.identifier("_id")
                let question = try f.string("question")
                var chunks: [Chunk] = []
                for (cn, pair) in try f.array("context").enumerated() {
                    guard case let .array(items, _) = pair, items.count == 2,
                          case let .string(title) = items[0], case let .array(sentences, _) = items[1] else {
                        throw f.wrong("context[\(cn)]", "a [title, [sentences]] pair")
                    }
                    var text = ""
                    for s in sentences {
                        guard case let .string(t) = s else { throw f.wrong("context[\(cn)]", "a [title, [sentences]] pair of strings") }
                        text += t
                    }
                    chunks.append(Chunk(id: title, title: title, text: text))
                }
                var gold: [Relevance] = []
                if f.has("supporting_facts") {
                    for (sn, fact) in try f.array("supporting_facts").enumerated() {
                        guard case let .array(items, _) = fact, items.count == 2, case let .string(title) = items[0] else {
                            throw f.wrong("supporting_facts[\(sn)]", "a [title, sentence_id] pair")
                        }
                        if !gold.contains(where: { $0.id == title }) { gold.append(Relevance(id: title)) }
                    }
                }
                var metadata: [String: String] = [:]
                if let t = try f.optionalString("type") { metadata["type"] = t }
                if let l = try f.optionalString("level") { metadata["level"] = l }
                let answers = try f.optionalString("answer").map { [$0] } ?? []
                let example = Example(id: id, question: question, answers: answers, gold: gold, metadata: metadata)
                guard queries.position(of: id) == nil else {
                    throw DataError.duplicateID(file: file, line: f.line("_id"), field: f.fieldPath("_id"), id: id)
                }
                try queries.append(example, source: file, line: line)
                for c in chunks { corpus.appendIfAbsent(c) }
            } catch {
                if !options.lenient { throw error }
                report.record(error)
            }
        }
        return Dataset(name: lastPathComponent(file), format: .hotpotqa, corpus: corpus, queries: queries, report: report)
    }
}
