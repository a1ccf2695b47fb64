/// SQuAD v1.1 / v2.0 JSON: `data[].{title, paragraphs[].{context, qas[].{id, question,
/// answers[].text, is_impossible?}}}`. Each paragraph becomes a chunk `<title>#<n>` (n
/// counts paragraphs within the article from 0); its questions have it as the single gold
/// chunk. SQuAD v2 unanswerable questions are kept with no answers and no gold (retrieval
/// metrics skip them), and are marked `is_impossible=true`.
public enum SQuADReader {
    public static func read(file: String, options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        try read(file: file, json: try parseJSONFile(file), options: options)
    }

    static func read(file: String, json: JSONValue, options: ReadOptions) throws(DataError) -> Dataset {
        var report = ReadReport()
        var corpus = Corpus()
        var queries = QuerySet()
        let root = try JSONFields(json, file: file, line: 1)
        for article in try root.objects("data") {
            let title: String
            let paragraphs: [JSONFields]
            do throws(DataError) {
                title = try article.optionalString("title") ?? ""
                paragraphs = try article.objects("paragraphs")
            } catch {
                if !options.lenient { throw error }
                report.record(error)
                continue
            }
            for (pn, paragraph) in paragraphs.enumerated() {
                let chunkID = "\(title)#\(pn)"
                let qas: [JSONFields]
                do throws(DataError) {
                    let context = try paragraph.string("context")
                    qas = try paragraph.objects("qas")
                    try corpus.append(Chunk(id: chunkID, title: title, text: context), source: file, line: paragraph.object.line)
                } catch {
                    if !options.lenient { throw error }
                    report.record(error)
                    continue
                }
                for qa in qas {
                    do throws(DataError) {
                        let id = try qa.identifier("id")
                        let question = try qa.string("question")
                        let impossible = try qa.bool("is_impossible") ?? false
                        var answers: [String] = []
                        for a in try qa.objects("answers") {
                            let t = try a.string("text")
                            if !answers.contains(t) { answers.append(t) }
                        }
                        let example = Example(
                            id: id, question: question, answers: answers,
                            gold: impossible ? [] : [Relevance(id: chunkID)],
                            metadata: impossible ? ["is_impossible": "true"] : [:])
                        guard queries.position(of: id) == nil else {
                            throw DataError.duplicateID(file: file, line: qa.line("id"), field: qa.fieldPath("id"), id: id)
                        }
                        try queries.append(example, source: file, line: qa.object.line)
                    } catch {
                        if !options.lenient { throw error }
                        report.record(error)
                    }
                }
            }
        }
        return Dataset(name: lastPathComponent(file), format: .squad, corpus: corpus, queries: queries, report: report)
    }
}
