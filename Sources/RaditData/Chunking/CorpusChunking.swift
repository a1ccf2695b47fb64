import RaditText

/// How a chunked document names its chunks.
public enum ChunkIDs: Sendable, Equatable {
    /// Every chunk is `<document id>#<n>` (n from 0 in text order), also the one chunk of a
    /// document that fits whole or has no text (`ReadOptions.chunker`).
    case alwaysNumbered
    /// A document that fits in one chunk, or has no text, stays as it is (its id, its text);
    /// only the pieces of a longer one are `<document id>#<n>` (`data.chunk_tokens`, whose
    /// run files and caches hold these ids).
    case numberedWhenSplit
}

extension Corpus {
    /// Every document split by `chunker` (size and overlap in its stated unit), named as `ids`
    /// says; each chunk keeps its document's title, and `document` = the source document, so
    /// every chunk traces back to it. No document disappears: one without text stays one
    /// (empty) chunk. Two chunks with one id (a document already named `<id>#<n>`) are a
    /// `duplicateID` error.
    public func chunked(by chunker: Chunker, ids: ChunkIDs = .alwaysNumbered) throws(DataError) -> Corpus {
        var out = Corpus()
        for doc in chunks {
            let pieces = chunker.chunks(doc.text)
            if ids == .numberedWhenSplit && pieces.count <= 1 {
                try out.append(doc, source: "chunking")
                continue
            }
            let texts = pieces.isEmpty ? [Substring(doc.text)] : pieces
            for (n, piece) in texts.enumerated() {
                // `<id>#<n>` is unique: the suffix after the last '#' recovers n, the rest the id.
                try out.append(Chunk(id: "\(doc.id)#\(n)", title: doc.title, text: String(piece), document: doc.document),
                               source: "chunking")
            }
        }
        return out
    }

    /// Chunk ids by source document id, in corpus order.
    public var chunksByDocument: [String: [String]] {
        var out: [String: [String]] = [:]
        for c in chunks { out[c.document, default: []].append(c.id) }
        return out
    }

    /// The examples with each gold document of this chunked corpus replaced by its chunks
    /// as `gold` says (each with the document's grade, each id once). A gold id the corpus
    /// never held (fullwiki HotpotQA) stays as it is: a miss.
    public func relabel(_ examples: [Example], gold: ChunkedGold = .everyChunk) -> [Example] {
        let byDocument = chunksByDocument
        return examples.map { e in
            var example = e
            var relevance: [Relevance] = []
            var seen = Set<String>()
            let needles = e.answers.map { $0.lowercased() }.filter { !$0.isEmpty }
            for r in e.gold {
                guard let ids = byDocument[r.id] else {
                    if seen.insert(r.id).inserted { relevance.append(r) }
                    continue
                }
                var chosen = ids
                if gold == .answerBearing && !needles.isEmpty {
                    let bearing = ids.filter { id in
                        let text = self[id: id]!.text.lowercased()
                        return needles.contains { text.contains($0) }
                    }
                    if !bearing.isEmpty { chosen = bearing }
                }
                for id in chosen where seen.insert(id).inserted { relevance.append(Relevance(id: id, grade: r.grade)) }
            }
            example.gold = relevance
            return example
        }
    }
}

/// Which chunks of a gold document stay gold after chunking.
public enum ChunkedGold: String, Sendable, CaseIterable {
    /// Every chunk of a gold document, with the document's grade.
    case everyChunk
    /// The chunks of a gold document whose text contains one of the question's answers
    /// (case-insensitive); every chunk of the document when none does or there are no answers.
    case answerBearing
}

extension Dataset {
    /// The dataset with its corpus chunked (`Corpus.chunked`) and each question's gold
    /// documents replaced by their chunks as `gold` says (`Corpus.relabel`).
    public func chunked(by chunker: Chunker, gold: ChunkedGold = .everyChunk,
                        ids: ChunkIDs = .alwaysNumbered) throws(DataError) -> Dataset {
        let newCorpus = try corpus.chunked(by: chunker, ids: ids)
        var newQueries = QuerySet()
        for e in newCorpus.relabel(queries.examples, gold: gold) { newQueries.appendUnchecked(e) }
        return Dataset(name: name, format: format, corpus: newCorpus, queries: newQueries, report: report)
    }
}
