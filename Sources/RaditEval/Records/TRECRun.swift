import Foundation
import RaditData

/// Per-query rankings in the TREC run format that trec_eval, ranx, pyserini and ir_measures
/// read: one line per retrieved document, `qid Q0 docid rank score tag`, whitespace
/// separated, ranks from 1. Scores are Float32, the type Radit's indexes return, written in
/// their shortest round-trip form.
public struct TRECRun: Sendable, Equatable {
    /// One query's ranking, best first.
    public struct Ranking: Sendable, Equatable {
        public var queryID: String
        public var documentIDs: [String]
        public var scores: [Float]

        public init(queryID: String, documentIDs: [String], scores: [Float]) {
            precondition(documentIDs.count == scores.count, "TRECRun.Ranking: ids and scores differ in length")
            self.queryID = queryID
            self.documentIDs = documentIDs
            self.scores = scores
        }
    }

    /// The run's name, the last field of every line.
    public var tag: String
    /// Queries in the order they were written.
    public var rankings: [Ranking]

    public init(tag: String, rankings: [Ranking]) {
        self.tag = tag
        self.rankings = rankings
    }

    /// The ranking records of a pass as a run (queries that ranked nothing are left out).
    public init(tag: String, records: ExampleRecords) {
        self.init(tag: tag, rankings: records.records.filter { !$0.rankingIDs.isEmpty }.map {
            Ranking(queryID: $0.id, documentIDs: $0.rankingIDs, scores: $0.rankingScores)
        })
    }

    /// The file's text; an id or tag with whitespace, which the format cannot hold, is an error.
    public func text() throws(EvalError) -> String {
        try Self.checkField(tag, "tag")
        var out = ""
        for r in rankings {
            try Self.checkField(r.queryID, "query id")
            for (i, (doc, score)) in zip(r.documentIDs, r.scores).enumerated() {
                try Self.checkField(doc, "document id")
                out += "\(r.queryID) Q0 \(doc) \(i + 1) \(score) \(tag)\n"
            }
        }
        return out
    }

    /// Writes the run atomically (temporary file, then rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(try text(), to: url)
    }

    public static func read(_ url: URL) throws -> TRECRun {
        try parse(try readText(url), source: url.path)
    }

    /// Parses a run; queries keep the order of their first line, documents are ordered by
    /// the rank column. All lines must carry one tag.
    public static func parse(_ text: String, source: String) throws(EvalError) -> TRECRun {
        var order: [String] = []
        var lines: [String: [(rank: Int, doc: String, score: Float)]] = [:]
        var tag: String?
        var seen: [String: Set<String>] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            let line = n + 1
            guard fields.count == 6 else {
                throw .badLine(source: source, line: line,
                               detail: "expected 6 fields `qid Q0 docid rank score tag`, found \(fields.count)")
            }
            let q = String(fields[0]), doc = String(fields[2])
            guard let rank = Int(fields[3]), rank >= 1 else {
                throw .badLine(source: source, line: line, detail: "rank '\(fields[3])' is not a positive integer")
            }
            guard let score = Float(fields[4]) else {
                throw .badLine(source: source, line: line, detail: "score '\(fields[4])' is not a number")
            }
            if let t = tag, t != fields[5] {
                throw .badLine(source: source, line: line,
                               detail: "tag '\(fields[5])' differs from '\(t)'; write one run per file")
            }
            tag = String(fields[5])
            if lines[q] == nil { order.append(q) }
            guard seen[q, default: []].insert(doc).inserted else {
                throw .badLine(source: source, line: line, detail: "document '\(doc)' is ranked twice for query '\(q)'")
            }
            lines[q, default: []].append((rank, doc, score))
        }
        guard let runTag = tag else { throw .badLine(source: source, line: 1, detail: "the run file has no lines") }
        return TRECRun(tag: runTag, rankings: order.map { q in
            let sorted = lines[q]!.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element)
            return Ranking(queryID: q, documentIDs: sorted.map(\.doc), scores: sorted.map(\.score))
        })
    }

    static func checkField(_ value: String, _ what: String) throws(EvalError) {
        if value.isEmpty || value.contains(where: { $0.isWhitespace }) {
            throw .unrepresentable(format: "TREC run file", value: value,
                                   reason: "a \(what) must be non-empty without whitespace (fields are whitespace separated); rename it in the dataset")
        }
    }
}
