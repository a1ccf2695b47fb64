import Foundation
import RaditBase
import RaditTensor

extension SynthKB {
    /// The files `write(to:)` produces, relative to the output folder.
    public enum Layout {
        public static let corpus = "corpus.jsonl"
        public static let queries = "queries.jsonl"
        public static func qrels(_ s: SynthSplit) -> String { "qrels/\(s.rawValue).tsv" }
        public static func hotpot(_ s: SynthSplit) -> String { "hotpot/\(s.rawValue).json" }
        public static let manifest = "synthkb.json"
    }

    /// Writes BEIR-style `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`, HotpotQA-style
    /// `hotpot/<split>.json` (gold paragraphs plus look-alike distractors) and a manifest.
    /// Each file is written to a temporary name and renamed.
    public func write(to dir: URL) throws {
        var corpus = ""
        for (d, e) in zip(documents, entities) {
            corpus += try JSONLine.encode(BEIRDocument(_id: d.id, title: d.title, text: d.text,
                                                       metadata: .init(kind: e.kind))) + "\n"
        }
        try AtomicFile.write(corpus, to: dir.appendingPathComponent(Layout.corpus))

        var queries = ""
        for q in questions {
            queries += try JSONLine.encode(BEIRQuery(_id: q.id, text: q.text, metadata: .init(q))) + "\n"
        }
        try AtomicFile.write(queries, to: dir.appendingPathComponent(Layout.queries))

        for split in SynthSplit.allCases {
            var tsv = "query-id\tcorpus-id\tscore\n"
            for q in questions where q.split == split {
                for c in q.goldChunkIDs { tsv += "\(q.id)\t\(c)\t1\n" }
            }
            try AtomicFile.write(tsv, to: dir.appendingPathComponent(Layout.qrels(split)))
            let rows = questions.filter { $0.split == split }.map(hotpotRow)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try AtomicFile.write(try encoder.encode(rows), to: dir.appendingPathComponent(Layout.hotpot(split)))
        }

        let manifest = Manifest(format: "radit-synthkb", version: RaditVersion.string, config: config,
                                entities: entities.count, questions: questions.count,
                                questionsPerSplit: Dictionary(grouping: questions, by: \.split.rawValue).mapValues(\.count))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write(try encoder.encode(manifest), to: dir.appendingPathComponent(Layout.manifest))
    }

    /// Gold paragraphs plus distractors from the gold entities' near-duplicate families
    /// first, then random others, shuffled by a generator keyed by the question id.
    func hotpotRow(_ q: SynthQuestion) -> HotpotRow {
        var rng = RandomSource(seed: config.seed, key: "synthkb/hotpot/\(q.id)")
        let gold = q.goldChunkIDs.compactMap { document($0) }
        var chosen = Set(q.goldChunkIDs)
        var paragraphs = gold
        let families = Set(gold.map { family(of: Int($0.id.dropFirst())!) })
        var lookAlikes = entities.indices.filter { families.contains(family(of: $0)) && !chosen.contains(documents[$0].id) }
        rng.shuffle(&lookAlikes)
        for i in lookAlikes where paragraphs.count < config.hotpotParagraphs {
            paragraphs.append(documents[i]); chosen.insert(documents[i].id)
        }
        var guardCount = 0
        while paragraphs.count < min(config.hotpotParagraphs, documents.count) && guardCount < 10_000 {
            let d = documents[rng.int(below: documents.count)]
            if !chosen.contains(d.id) { paragraphs.append(d); chosen.insert(d.id) }
            guardCount += 1
        }
        rng.shuffle(&paragraphs)
        let type = q.kind == .comparison ? "comparison" : "bridge"
        return HotpotRow(_id: q.id, question: q.text, answer: q.answer, type: type, level: "hard",
                         supporting_facts: q.supporting.map { s in
                             [.string(document(s.chunkID)!.title), .int(s.sentenceIndex)] },
                         context: paragraphs.map { [.string($0.title), .strings($0.sentences)] },
                         synthkb: .init(q))
    }

    /// The earliest ancestor along `nearDuplicateOf`: entities sharing it look alike.
    func family(of i: Int) -> Int {
        var j = i
        while let p = entities[j].nearDuplicateOf { j = p }
        return j
    }
}

// MARK: file rows

struct BEIRDocument: Codable {
    struct Metadata: Codable { var kind: SynthEntityKind }
    var _id: String
    var title: String
    var text: String
    var metadata: Metadata
}

/// What SynthKB adds to a BEIR query or HotpotQA row.
struct SynthQueryMetadata: Codable {
    var answer: String
    var answers: [String]
    var kind: SynthQuestionKind
    var split: SynthSplit
    var visibility: SynthVisibility?
    var gold: [String]
    var supporting: [SynthSupport]

    init(_ q: SynthQuestion) {
        answer = q.answer; answers = q.aliases; kind = q.kind; split = q.split
        visibility = q.visibility; gold = q.goldChunkIDs; supporting = q.supporting
    }
}

struct BEIRQuery: Codable {
    var _id: String
    var text: String
    var metadata: SynthQueryMetadata
}

/// A heterogeneous JSON array element, as HotpotQA's `[title, index]` pairs need.
enum JSONScalar: Codable {
    case string(String), int(Int), strings([String])

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .string(s): try c.encode(s)
        case let .int(i): try c.encode(i)
        case let .strings(a): try c.encode(a)
        }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .strings(try c.decode([String].self)) }
    }
}

/// One question in the official HotpotQA layout (single-hop questions are typed "bridge"
/// there, as HotpotQA knows only bridge and comparison; `synthkb.kind` has the truth).
struct HotpotRow: Codable {
    var _id: String
    var question: String
    var answer: String
    var type: String
    var level: String
    var supporting_facts: [[JSONScalar]]
    var context: [[JSONScalar]]
    var synthkb: SynthQueryMetadata
}

struct Manifest: Codable {
    var format: String
    var version: String
    var config: SynthKBConfig
    var entities: Int
    var questions: Int
    var questionsPerSplit: [String: Int]
}
