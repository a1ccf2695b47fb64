import Foundation

/// A document as `POST /retrieve` returns it, in the corpus-row shape Search-R1 and
/// FlashRAG retrieval servers use: `contents` is `"title"\ntext` (the wiki-18 layout), with
/// `title` and `text` also given apart.
public struct RetrievedDocument: Codable, Sendable, Equatable {
    public var id: String
    public var contents: String
    public var title: String
    public var text: String

    public init(id: String, title: String, text: String) {
        self.id = id
        self.title = title
        self.text = text
        contents = title.isEmpty ? text : "\"\(title)\"\n\(text)"
    }
}

/// Ranked documents for queries: what `POST /retrieve` serves (a run's tuned dense
/// retriever, or a base encoder over a corpus). Called on the server's one model worker,
/// so an implementation need not be thread-safe.
public protocol DocumentSearch: AnyObject {
    /// Documents it ranks.
    var count: Int { get }
    /// Per query, the top `k` documents with their scores, best first.
    func retrieve(_ queries: [String], k: Int) throws -> [[(document: RetrievedDocument, score: Double)]]
}

/// `POST /retrieve` body: `{"queries": [...], "topk": k, "return_scores": bool}`.
struct RetrieveRequest: Codable, Sendable {
    var queries: [String]
    var topk: Int?
    var returnScores: Bool?
    enum CodingKeys: String, CodingKey { case queries, topk, returnScores = "return_scores" }
}

/// `{"result": [[{"document": {...}, "score": s}, ...], ...]}` (with scores, the default) or
/// `{"result": [[{...}, ...], ...]}` (`return_scores: false`), as Search-R1's server answers.
struct ScoredDocument: Codable {
    var document: RetrievedDocument
    var score: Double
}

struct RetrieveResponse<Row: Codable>: Codable {
    var result: [[Row]]
}

/// The largest request the endpoint takes (queries per call).
let retrieveMaxQueries = 1024
