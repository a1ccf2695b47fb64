import RaditText

/// A corpus whose long documents were cut into chunks, with the document each chunk came from.
public struct ChunkedCorpus: Sendable, Equatable {
    public var corpus: Corpus
    /// Source document id of each chunk, by corpus position.
    public var documents: [String]

    /// Cuts every document with `chunker`. A document that stays whole keeps its id; the
    /// pieces of a longer one are `<document id>#<n>` (n from 0, in text order) with the
    /// document's title. A document with blank text stays one (empty) chunk.
    public init(_ source: Corpus, chunker: Chunker) throws(DataError) {
        var corpus = Corpus()
        var documents: [String] = []
        for doc in source.chunks {
            let pieces = chunker.chunks(doc.text)
            if pieces.count <= 1 {
                try corpus.append(doc, source: "chunking")
                documents.append(doc.id)
                continue
            }
            for (n, piece) in pieces.enumerated() {
                try corpus.append(Chunk(id: "\(doc.id)#\(n)", title: doc.title, text: String(piece)), source: "chunking")
                documents.append(doc.id)
            }
        }
        self.corpus = corpus
        self.documents = documents
    }

    /// The chunk ids of each document, in order.
    public var chunksByDocument: [String: [String]] {
        var out: [String: [String]] = [:]
        for (p, d) in documents.enumerated() { out[d, default: []].append(corpus[p].id) }
        return out
    }

    /// The examples with each gold document replaced by all of its chunks (same grade):
    /// a chunk of a relevant document is relevant. Gold ids the corpus lacks stay as they are.
    public func relabel(_ examples: [Example]) -> [Example] {
        let byDocument = chunksByDocument
        return examples.map { e in
            var out = e
            out.gold = e.gold.flatMap { r in (byDocument[r.id] ?? [r.id]).map { Relevance(id: $0, grade: r.grade) } }
            return out
        }
    }
}
