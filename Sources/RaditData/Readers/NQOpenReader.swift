import RaditBase

/// NQ-open JSONL in the DPR / lost-in-the-middle shape: one object per line with
/// `question`, `answers` (or `answer`) and optionally `ctxs[]` of `{id?, title, text,
/// hasanswer?, isgold?}`. The corpus is the union of all contexts (by `id`, or by a hash of
/// title and text when there is none). Gold chunks are the contexts marked `isgold`; when
/// a line marks none that way, those with `hasanswer` (DPR's answer-string match). A line
/// without `id` gets `nq-<line>`.
public enum NQOpenReader {
    public static func read(file: String, options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        var report = ReadReport()
        var corpus = Corpus()
        var queries = QuerySet()
        try forEachJSONLine(file, lenient: options.lenient, report: &report) { (f: JSONFields, line: Int) throws(DataError) in
            let question = try f.string("question")
            let id = f.has("id") ? try f.identifier("id") : f.has("_id") ? try f.identifier("_id") : "nq-\(line)"
            let answers = f.has("answers") ? try f.strings("answers") : try f.strings("answer")
            var chunks: [Chunk] = []
            var golds: [String] = []
            var answerHits: [String] = []
            if f.has("ctxs") {
                for ctx in try f.objects("ctxs") {
                    let title = try ctx.optionalString("title") ?? ""
                    let text = try ctx.string("text")
                    let cid = ctx.has("id") ? try ctx.identifier("id") : "h" + String(SHA256.hex(title + "\n" + text).prefix(16))
                    chunks.append(Chunk(id: cid, title: title, text: text))
                    if try ctx.bool("isgold") == true { golds.append(cid) }
                    if try ctx.bool("hasanswer") == true { answerHits.append(cid) }
                }
            }
            var gold: [Relevance] = []
            for g in (golds.isEmpty ? answerHits : golds) where !gold.contains(where: { $0.id == g }) {
                gold.append(Relevance(id: g))
            }
            guard queries.position(of: id) == nil else {
                throw DataError.duplicateID(file: file, line: line, field: "id", id: id)
            }
            try queries.append(Example(id: id, question: question, answers: answers, gold: gold), source: file, line: line)
            for c in chunks { corpus.appendIfAbsent(c) }
        }
        return Dataset(name: lastPathComponent(file), format: .nq, corpus: corpus, queries: queries, report: report)
    }
}
