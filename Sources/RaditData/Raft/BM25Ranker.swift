import Foundation
import RaditTensor

/// BM25 (Lucene variant, k1 = 0.9, b = 0.4 as Pyserini's defaults; lower-cased `\w+`
/// tokens over title + text) as a `ChunkRanker`, for hard-negative distractors and RA-IT
/// retrieval. Exhaustive scoring through an inverted index.
public struct BM25Ranker: ChunkRanker {
    public let k1: Float
    public let b: Float
    /// term → (chunk position, term frequency) postings.
    private var postings: [String: [(Int, Float)]] = [:]
    private var lengths: [Float] = []
    private var averageLength: Float = 0

    public init(corpus: Corpus, k1: Float = 0.9, b: Float = 0.4) throws {
        self.k1 = k1
        self.b = b
        for (i, text) in corpus.indexedTexts.enumerated() {
            var tf: [String: Float] = [:]
            let tokens = Self.tokens(text)
            for t in tokens { tf[t, default: 0] += 1 }
            for (t, f) in tf { postings[t, default: []].append((i, f)) }
            lengths.append(Float(tokens.count))
        }
        averageLength = lengths.isEmpty ? 1 : max(1, lengths.reduce(0, +) / Float(lengths.count))
    }

    /// Every chunk's score for one query.  (Nd)
    public func scores(_ query: String) -> [Float] {
        var s = [Float](repeating: 0, count: lengths.count)
        let n = Float(lengths.count)
        for t in Set(Self.tokens(query)) {
            guard let list = postings[t] else { continue }
            let df = Float(list.count)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            for (i, f) in list {
                s[i] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[i] / averageLength))
            }
        }
        return s
    }

    public func rank(_ queries: [String], k: Int) throws -> [[RankedChunk]] {
        queries.map { q in
            var top = TopK<Float>(k: min(k, lengths.count))
            for (i, v) in scores(q).enumerated() { top.push(v, i) }
            return top.sorted().map { RankedChunk(position: $0.index, score: $0.score) }
        }
    }

    /// Lower-cased maximal runs of letters, digits and underscores.
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "_" { current.append(ch) } else if !current.isEmpty {
                out.append(current); current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
