/// A BEIR-style `corpus.jsonl` on its own: one `{"_id", "text", "title"?}` per line (what
/// `radit embed --corpus FILE.jsonl` reads).
public enum CorpusJSONL {
    /// The corpus of `path` when its first record has `_id` and `text`; nil otherwise (then
    /// it is some other JSONL dataset, e.g. NQ-open questions). `lenient` skips malformed
    /// records and counts them in the report.
    public static func readIfCorpus(_ path: String, lenient: Bool) throws(DataError) -> (corpus: Corpus, report: ReadReport)? {
        var corpus = Corpus()
        var report = ReadReport()
        var first = true
        var otherFormat = false
        try forEachJSONLine(path, lenient: lenient, report: &report) { (f: JSONFields, line: Int) throws(DataError) in
            if otherFormat { return }
            if first {
                first = false
                guard f.has("_id") && f.has("text") else {
                    otherFormat = true
                    return
                }
            }
            try corpus.append(Chunk(id: try f.identifier("_id"), title: try f.optionalString("title") ?? "",
                                    text: try f.string("text")), source: path, line: line)
        }
        return otherFormat ? nil : (corpus, report)
    }
}
