import Dispatch
import RaditBase

/// BM25 variants as Kamphuis et al. (ECIR 2020, "Which BM25 do you mean?") and bm25s
/// define them, with tf a term's count in document d, |d| its length, L̄ the mean length,
/// N documents, df the term's document frequency and n = k1·(1 − b + b·|d|/L̄):
/// - `lucene`: idf = ln(1 + (N − df + 0.5)/(df + 0.5)), term score idf · tf/(tf + n)
/// - `robertson`: idf = ln((N − df + 0.5)/(df + 0.5)) floored at 0, score idf · tf/(tf + n)
/// - `bm25Plus(δ)` (Lv & Zhai 2011): idf = ln((N + 1)/df), score idf · ((k1 + 1)·tf/(tf + n) + δ)
/// A query's score sums its tokens' term scores (a repeated query token counts again).
public enum BM25Variant: Sendable, Equatable {
    case lucene
    case robertson
    case bm25Plus(delta: Float)

    public var name: String {
        switch self {
        case .lucene: return "lucene"
        case .robertson: return "robertson"
        case .bm25Plus: return "bm25+"
        }
    }
}

/// k1, b and the variant.
public struct BM25Parameters: Sendable, Equatable {
    public var k1: Float
    public var b: Float
    public var variant: BM25Variant

    /// Defaults are Anserini's (k1 = 0.9, b = 0.4), the BEIR BM25 baseline.
    public init(k1: Float = 0.9, b: Float = 0.4, variant: BM25Variant = .lucene) {
        self.k1 = k1
        self.b = b
        self.variant = variant
    }

    func idf(df: Int, n: Int) -> Float {
        let N = Double(n), f = Double(df)
        switch variant {
        case .lucene: return Float(Double.log(1 + (N - f + 0.5) / (f + 0.5)))
        case .robertson: return Float(Double.log(max(1, (N - f + 0.5) / (f + 0.5))))
        case .bm25Plus: return Float(Double.log((N + 1) / f))
        }
    }

    func termScore(idf: Float, tf: Float, length: Float, meanLength: Float) -> Float {
        let norm = k1 * (1 - b + b * length / meanLength)
        switch variant {
        case .lucene, .robertson: return idf * tf / (tf + norm)
        case let .bm25Plus(delta): return idf * ((k1 + 1) * tf / (tf + norm) + delta)
        }
    }
}

/// A BM25 index with sparse postings in CSR layout (term → documents) holding each
/// posting's precomputed term score (bm25s's "eager" scoring), so a query is a sum of
/// posting lists followed by a top-k.
public struct BM25Index: Sendable {
    public let parameters: BM25Parameters
    public let tokenizer: WordTokenizer
    /// Term → term id.
    public private(set) var vocabulary: [String: Int32]
    /// (V + 1) CSR row starts into `postingDocs` / `postingScores`.
    public private(set) var postingStarts: [Int]
    /// Document id of each posting (ascending within a term).
    public private(set) var postingDocs: [Int32]
    /// Precomputed term score of each posting.
    public private(set) var postingScores: [Float]
    /// Token count of each document.
    public private(set) var documentLengths: [Int32]
    /// Threads for batched queries.
    public var threads: Int

    public var count: Int { documentLengths.count }
    public var vocabularySize: Int { vocabulary.count }

    /// Indexes `documents` (ids are positions). Reports progress in documents.
    public init(documents: [String], parameters: BM25Parameters = BM25Parameters(),
                tokenizer: WordTokenizer = WordTokenizer(), threads: Int = 1,
                progress: ProgressHandler = silentProgress) {
        self.parameters = parameters
        self.tokenizer = tokenizer
        self.threads = max(1, threads)
        var vocabulary: [String: Int32] = [:]
        // Per document: sorted (term, tf) pairs, flattened.
        var docTerms: [Int32] = []
        var docTFs: [Int32] = []
        var docStarts = [0]
        var lengths: [Int32] = []
        lengths.reserveCapacity(documents.count)
        var ids: [Int32] = []
        for (n, text) in documents.enumerated() {
            ids.removeAll(keepingCapacity: true)
            tokenizer.forEachToken(text) { t in
                if let id = vocabulary[t] { ids.append(id) } else {
                    let id = Int32(vocabulary.count)
                    vocabulary[t] = id
                    ids.append(id)
                }
            }
            lengths.append(Int32(ids.count))
            ids.sort()
            var j = 0
            while j < ids.count {
                var e = j + 1
                while e < ids.count && ids[e] == ids[j] { e += 1 }
                docTerms.append(ids[j])
                docTFs.append(Int32(e - j))
                j = e
            }
            docStarts.append(docTerms.count)
            if (n + 1) % 10_000 == 0, progress(ProgressEvent(stage: "bm25-index", done: n + 1, total: documents.count, unit: "documents")) == .stop {
                break
            }
        }
        // Transpose document-major (term, tf) into term-major postings.
        let v = vocabulary.count
        var starts = [Int](repeating: 0, count: v + 1)
        for t in docTerms { starts[Int(t) + 1] += 1 }
        for i in 0..<v { starts[i + 1] += starts[i] }
        var fill = starts
        var docs = [Int32](repeating: 0, count: docTerms.count)
        var tfs = [Float](repeating: 0, count: docTerms.count)
        for d in 0..<lengths.count {
            for p in docStarts[d]..<docStarts[d + 1] {
                let t = Int(docTerms[p])
                docs[fill[t]] = Int32(d)
                tfs[fill[t]] = Float(docTFs[p])
                fill[t] += 1
            }
        }
        let totalLength = lengths.reduce(0) { $0 + Int($1) }
        let meanLength = lengths.isEmpty ? 1 : max(Float(Double(totalLength) / Double(lengths.count)), .leastNormalMagnitude)
        for t in 0..<v {
            let idf = parameters.idf(df: starts[t + 1] - starts[t], n: lengths.count)
            for p in starts[t]..<starts[t + 1] {
                tfs[p] = parameters.termScore(idf: idf, tf: tfs[p], length: Float(lengths[Int(docs[p])]), meanLength: meanLength)
            }
        }
        self.vocabulary = vocabulary
        self.postingStarts = starts
        self.postingDocs = docs
        self.postingScores = tfs
        self.documentLengths = lengths
        _ = progress(ProgressEvent(stage: "bm25-index", done: lengths.count, total: documents.count, unit: "documents"))
    }

    /// Rebuilds an index from its stored arrays (the persistence path); checks shapes.
    public init(parameters: BM25Parameters, tokenizer: WordTokenizer, terms: [String], postingStarts: [Int],
                postingDocs: [Int32], postingScores: [Float], documentLengths: [Int32]) throws(IndexError) {
        guard postingStarts.count == terms.count + 1, postingStarts.first == 0,
              postingStarts.last == postingDocs.count, postingDocs.count == postingScores.count,
              postingDocs.allSatisfy({ $0 >= 0 && Int($0) < documentLengths.count }) else {
            throw .invalidSetting(name: "bm25", value: "\(terms.count) terms", reason: "stored postings have inconsistent shapes")
        }
        var vocabulary: [String: Int32] = [:]
        for (i, t) in terms.enumerated() { vocabulary[t] = Int32(i) }
        self.parameters = parameters
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.postingStarts = postingStarts
        self.postingDocs = postingDocs
        self.postingScores = postingScores
        self.documentLengths = documentLengths
        self.threads = 1
    }

    /// Terms ordered by id.
    public var terms: [String] {
        var out = [String](repeating: "", count: vocabulary.count)
        for (t, i) in vocabulary { out[Int(i)] = t }
        return out
    }

    /// Term ids of a query's tokens (unknown tokens dropped, repeats kept).
    public func termIDs(_ query: String) -> [Int32] {
        var out: [Int32] = []
        tokenizer.forEachToken(query) { if let id = vocabulary[$0] { out.append(id) } }
        return out
    }

    /// BM25 scores of every document for one query (N), for tests and reranking.
    public func scores(_ query: String) -> [Float] {
        var s = [Float](repeating: 0, count: count)
        for t in termIDs(query) {
            for p in postingStarts[Int(t)]..<postingStarts[Int(t) + 1] { s[Int(postingDocs[p])] += postingScores[p] }
        }
        return s
    }

    /// The k best documents for each query, best first (ties: lower id), −1 padded. Only
    /// documents sharing a token with the query are returned.
    public func search(_ queries: [String], k: Int) -> SearchResult {
        let nq = queries.count
        var scores = [Float](repeating: -.infinity, count: nq * max(k, 0))
        var ids = [Int](repeating: -1, count: nq * max(k, 0))
        if nq == 0 || k <= 0 { return SearchResult(queryCount: nq, k: max(k, 0), scores: scores, ids: ids) }
        let workers = min(threads, nq)
        let per = (nq + workers - 1) / workers
        scores.withUnsafeMutableBufferPointer { sp in
            ids.withUnsafeMutableBufferPointer { ip in
                nonisolated(unsafe) let outS = sp.baseAddress!, outI = ip.baseAddress!
                // Each worker owns its accumulator and writes only its rows.
                nonisolated(unsafe) let work = { (w: Int) in
                    var acc = [Float](repeating: 0, count: count)
                    var touched: [Int32] = []
                    var seen = [Bool](repeating: false, count: count)
                    for q in (w * per)..<min(nq, (w + 1) * per) {
                        touched.removeAll(keepingCapacity: true)
                        postingDocs.withUnsafeBufferPointer { docs in
                            postingScores.withUnsafeBufferPointer { ps in
                                for t in termIDs(queries[q]) {
                                    for p in postingStarts[Int(t)]..<postingStarts[Int(t) + 1] {
                                        let d = Int(docs[p])
                                        if !seen[d] { seen[d] = true; touched.append(docs[p]) }
                                        acc[d] += ps[p]
                                    }
                                }
                            }
                        }
                        var heap = RowTopK(scores: outS + q * k, ids: outI + q * k, k: k)
                        var t = heap.threshold
                        for d32 in touched {
                            let d = Int(d32)
                            let s = acc[d]
                            if s >= t { heap.push(s, d); t = heap.threshold }
                            acc[d] = 0
                            seen[d] = false
                        }
                        heap.finish(padScore: -.infinity)
                    }
                }
                parallel(workers) { work($0) }
            }
        }
        return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids)
    }
}
