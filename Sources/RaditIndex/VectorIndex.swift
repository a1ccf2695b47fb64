import RaditBase
import RaditTensor

/// How a vector index compares a query q with a stored vector x.
public enum VectorMetric: String, Sendable, Equatable, CaseIterable {
    /// Score q·x, larger is better (cosine similarity for normalised vectors).
    case innerProduct
    /// Squared Euclidean distance ‖q − x‖², smaller is better (reported as FAISS does).
    case l2

    /// Whether a larger reported value ranks higher.
    public var largerIsBetter: Bool { self == .innerProduct }
}

/// The answer to a batched search: for each of Nq queries, `k` (score, id) pairs best
/// first. Rows with fewer than `k` hits are padded with id −1 and score −∞ (inner
/// product) or +∞ (L2), as FAISS pads.
public struct SearchResult: Sendable, Equatable {
    public let queryCount: Int
    public let k: Int
    /// (Nq, k) row-major.
    public var scores: [Float]
    /// (Nq, k) row-major; −1 marks padding.
    public var ids: [Int]

    public init(queryCount: Int, k: Int, scores: [Float], ids: [Int]) {
        precondition(scores.count == queryCount * k && ids.count == queryCount * k,
                     "SearchResult: \(queryCount)×\(k) needs \(queryCount * k) scores and ids")
        self.queryCount = queryCount
        self.k = k
        self.scores = scores
        self.ids = ids
    }

    /// Hits of query `q`, best first, padding dropped.
    public func hits(_ q: Int) -> [(id: Int, score: Float)] {
        (0..<k).compactMap { j in ids[q * k + j] >= 0 ? (ids[q * k + j], scores[q * k + j]) : nil }
    }

    /// Ids of query `q`, best first, padding dropped.
    public func row(_ q: Int) -> [Int] {
        Array(ids[(q * k)..<((q + 1) * k)].prefix { $0 >= 0 })
    }
}

/// Errors from index construction and search; each says what to change.
public enum IndexError: RaditError, Equatable {
    case dimensionMismatch(expected: Int, got: Int, what: String)
    case negativeK(Int)
    case invalidSetting(name: String, value: String, reason: String)
    case storedValue(file: String, key: String, expected: String, found: String)
    case idOutOfRange(id: Int, count: Int)

    public var message: String {
        switch self {
        case let .dimensionMismatch(expected, got, what):
            return "\(what) have dimension \(got) but the index holds \(expected)-dimensional vectors; embed them with the same encoder"
        case let .negativeK(k):
            return "k must be ≥ 0, got \(k)"
        case let .invalidSetting(name, value, reason):
            return "index setting \(name)=\(value) is invalid: \(reason)"
        case let .storedValue(file, key, expected, found):
            return "\(file): attribute '\(key)' is '\(found)', expected \(expected); the file was not written by this Radit version or is damaged"
        case let .idOutOfRange(id, count):
            return "id \(id) is not in the index (ids are 0..<\(count)); the id does not come from this index"
        }
    }
}

/// A FAISS-like batched vector index: add vectors, search queries for their k best.
/// Ids are insertion positions 0..<count.
public protocol VectorIndex: Sendable {
    var dimension: Int { get }
    var metric: VectorMetric { get }
    var count: Int { get }
    /// Appends vectors (N, D); they get ids count..<count+N.
    mutating func add(_ vectors: Tensor<Float>) throws(IndexError)
    /// The k best stored vectors for each query (Nq, D), padded with −1.
    func search(_ queries: Tensor<Float>, k: Int) throws(IndexError) -> SearchResult
    /// The stored vector (D) of `id` (FAISS `reconstruct`).
    func reconstruct(_ id: Int) throws(IndexError) -> [Float]
}

extension VectorIndex {
    func checkQueries(_ queries: Tensor<Float>, k: Int) throws(IndexError) {
        if k < 0 { throw .negativeK(k) }
        let d = queries.rank == 2 ? queries.columns : (queries.rank == 1 ? queries.count : -1)
        if d != dimension && !(queries.count == 0) {
            throw .dimensionMismatch(expected: dimension, got: d, what: "queries")
        }
    }
}

/// Padding value for a metric: the worst possible score.
@inline(__always) func paddingScore(_ metric: VectorMetric) -> Float {
    metric == .innerProduct ? -.infinity : .infinity
}
