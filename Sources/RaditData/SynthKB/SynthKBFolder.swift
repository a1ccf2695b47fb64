import Foundation

/// Reads a written SynthKB folder back with everything the RAFT and RA-IT builders need:
/// the BEIR reader gives corpus, queries and gold; `queries.jsonl` metadata adds the
/// answers (aliases), supporting sentences and kind/split/visibility labels.
public enum SynthKBFolder {
    /// True when `path` is a folder `SynthKB.write(to:)` produced.
    public static func isSynthKB(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/" + SynthKB.Layout.manifest)
    }

    /// Every split's questions in one dataset (train, dev, then test), each labelled with its
    /// `split`, so exports fill train, validation and test from SynthKB's own splits.
    public static func readAll(_ folder: String) throws -> (dataset: Dataset, supporting: SupportingSentences) {
        var merged: Dataset?
        var examples: [Example] = []
        var supporting: SupportingSentences = [:]
        for split in SynthSplit.allCases {
            let (d, s) = try read(folder, split: split)
            if merged == nil { merged = d }
            examples += d.queries.examples
            supporting.merge(s) { a, _ in a }
        }
        var dataset = merged!
        dataset.queries = try QuerySet(examples, source: folder)
        return (dataset, supporting)
    }

    public static func read(_ folder: String, split: SynthSplit) throws -> (dataset: Dataset, supporting: SupportingSentences) {
        var dataset = try DatasetReader.read(folder, format: .beir, options: ReadOptions(split: split.rawValue))
        let path = folder + "/" + SynthKB.Layout.queries
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError.cannotRead(path: path, reason: "missing")
        }
        var metadata: [String: SynthQueryMetadata] = [:]
        for (n, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            do {
                let q = try JSONDecoder().decode(BEIRQuery.self, from: Data(line))
                metadata[q._id] = q.metadata
            } catch {
                throw DataFileError.badLine(path: path, line: n + 1, reason: "not a SynthKB query (\(error))")
            }
        }
        var supporting: SupportingSentences = [:]
        let examples = dataset.queries.examples.map { e -> Example in
            guard let m = metadata[e.id] else { return e }
            var e = e
            e.answers = m.answers
            e.metadata["kind"] = m.kind.rawValue
            e.metadata["split"] = m.split.rawValue
            if let v = m.visibility { e.metadata["visibility"] = v.rawValue }
            supporting[e.id] = m.supporting.map { $0.sentence.trimmingCharacters(in: .whitespaces) }
            return e
        }
        dataset.queries = try QuerySet(examples, source: path)
        return (dataset, supporting)
    }
}
