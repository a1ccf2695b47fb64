import RaditText

extension Corpus {
    /// Every document split by `chunker` (size and overlap in its stated unit) into chunks
    /// with ids `<document id>#<n>` (n from 0 in text order), the document's title, and
    /// `document` = the source document's id, so every chunk traces back to its document.
    /// A document with no text keeps one (empty) chunk `<id>#0`, so none disappears.
    public func chunked(by chunker: Chunker) -> Corpus {
        var out = Corpus()
        for doc in chunks {
            let pieces = chunker.chunks(doc.text)
            let texts = pieces.isEmpty ? [Substring(doc.text)] : pieces
            for (n, piece) in texts.enumerated() {
                // `<id>#<n>` is unique: the suffix after the last '#' recovers n, the rest the id.
                out.appendIfAbsent(Chunk(id: "\(doc.id)#\(n)", title: doc.title, text: String(piece), document: doc.document))
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
    /// documents replaced by their chunks as `gold` says.
    public func chunked(by chunker: Chunker, gold: ChunkedGold = .everyChunk) -> Dataset {
        let newCorpus = corpus.chunked(by: chunker)
        let byDocument = newCorpus.chunksByDocument
        var newQueries = QuerySet()
        for e in queries.examples {
            var example = e
            var relevance: [Relevance] = []
            var seen = Set<String>()
            let needles = e.answers.map { $0.lowercased() }.filter { !$0.isEmpty }
            for r in e.gold {
                // A gold id the corpus never held (fullwiki HotpotQA) stays as it is: a miss.
                guard let ids = byDocument[r.id] else {
                    if seen.insert(r.id).inserted { relevance.append(r) }
                    continue
                }
                var chosen = ids
                if gold == .answerBearing && !needles.isEmpty {
                    let bearing = ids.filter { id in
                        let text = newCorpus[id: id]!.text.lowercased()
                        return needles.contains { text.contains($0) }
                    }
                    if !bearing.isEmpty { chosen = bearing }
                }
                for id in chosen where seen.insert(id).inserted { relevance.append(Relevance(id: id, grade: r.grade)) }
            }
            example.gold = relevance
            newQueries.appendUnchecked(example)
        }
        return Dataset(name: name, format: format, corpus: newCorpus, queries: newQueries, report: report)
    }
}
