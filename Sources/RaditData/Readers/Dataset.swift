/// One retrievable unit of a corpus: a passage, paragraph or chunk of a longer document.
public struct Chunk: Sendable, Equatable, Hashable {
    /// Unique within its corpus (BEIR `_id`, HotpotQA title, `<title>#<n>` for SQuAD
    /// paragraphs, `<document>#<n>` for the n-th piece of a chunked document).
    public var id: String
    public var title: String
    public var text: String
    /// The id of the source document this chunk was cut from (its own id when whole).
    public var document: String

    public init(id: String, title: String, text: String, document: String? = nil) {
        self.id = id
        self.title = title
        self.text = text
        self.document = document ?? id
    }

    /// What retrievers index: the title and the text joined by a space (BEIR convention);
    /// the text alone when there is no title.
    public var indexedText: String { title.isEmpty ? text : title + " " + text }
}

/// An ordered collection of chunks with unique ids. Position in `chunks` is the integer id
/// that indexes (`VectorIndex`, `BM25Index`) return.
public struct Corpus: Sendable, Equatable {
    public private(set) var chunks: [Chunk] = []
    private var positions: [String: Int] = [:]

    public init() {}

    /// Builds a corpus; throws `DataError.duplicateID` naming `source` when two chunks share an id.
    public init(_ chunks: [Chunk], source: String = "<memory>") throws(DataError) {
        for c in chunks { try append(c, source: source, line: nil) }
    }

    public var count: Int { chunks.count }
    public var isEmpty: Bool { chunks.isEmpty }

    /// Appends a chunk; a repeated id is an error naming where it came from.
    public mutating func append(_ chunk: Chunk, source: String = "<memory>", line: Int? = nil) throws(DataError) {
        if positions[chunk.id] != nil {
            throw DataError.duplicateID(file: source, line: line, field: "id", id: chunk.id)
        }
        positions[chunk.id] = chunks.count
        chunks.append(chunk)
    }

    /// Appends unless a chunk with the same id is already there (corpora assembled from
    /// per-question contexts repeat paragraphs). Returns the chunk's position either way.
    @discardableResult
    public mutating func appendIfAbsent(_ chunk: Chunk) -> Int {
        if let p = positions[chunk.id] { return p }
        positions[chunk.id] = chunks.count
        chunks.append(chunk)
        return chunks.count - 1
    }

    /// The position of a chunk id, or nil.
    public func position(of id: String) -> Int? { positions[id] }

    public func contains(_ id: String) -> Bool { positions[id] != nil }

    public subscript(position: Int) -> Chunk { chunks[position] }

    public subscript(id id: String) -> Chunk? { positions[id].map { chunks[$0] } }

    /// Every chunk's `indexedText`, in corpus order.
    public var indexedTexts: [String] { chunks.map(\.indexedText) }

    public static func == (a: Corpus, b: Corpus) -> Bool { a.chunks == b.chunks }
}

/// A relevance judgement: chunk `id` is relevant to a question with `grade` (> 0 relevant;
/// BEIR qrels may carry 0 = judged non-relevant, kept so graded metrics see them).
public struct Relevance: Sendable, Equatable, Hashable {
    public var id: String
    public var grade: Int

    public init(id: String, grade: Int = 1) {
        self.id = id
        self.grade = grade
    }
}

/// One question with its reference answers and gold chunks.
public struct Example: Sendable, Equatable {
    public var id: String
    public var question: String
    /// Gold answer aliases (may be empty: BEIR has none, SQuAD v2 unanswerable questions).
    public var answers: [String]
    /// Gold chunks with grades, in source order.
    public var gold: [Relevance]
    /// Source-specific labels kept for slicing results (HotpotQA `type`/`level`, SQuAD v2
    /// `is_impossible`, ...), sorted by key when rendered.
    public var metadata: [String: String]

    public init(id: String, question: String, answers: [String] = [], gold: [Relevance] = [],
                metadata: [String: String] = [:]) {
        self.id = id
        self.question = question
        self.answers = answers
        self.gold = gold
        self.metadata = metadata
    }

    /// Chunk id → grade for relevant chunks (grade > 0).
    public var relevantGrades: [String: Int] {
        var g: [String: Int] = [:]
        for r in gold where r.grade > 0 { g[r.id] = max(g[r.id] ?? 0, r.grade) }
        return g
    }
}

/// Questions in source order with unique ids.
public struct QuerySet: Sendable, Equatable {
    public private(set) var examples: [Example] = []
    private var positions: [String: Int] = [:]

    public init() {}

    public init(_ examples: [Example], source: String = "<memory>") throws(DataError) {
        for e in examples { try append(e, source: source, line: nil) }
    }

    public var count: Int { examples.count }
    public var isEmpty: Bool { examples.isEmpty }

    public mutating func append(_ example: Example, source: String = "<memory>", line: Int? = nil) throws(DataError) {
        if positions[example.id] != nil {
            throw DataError.duplicateID(file: source, line: line, field: "id", id: example.id)
        }
        positions[example.id] = examples.count
        examples.append(example)
    }

    /// Appends an example whose id is known to be new (copied from another QuerySet).
    mutating func appendUnchecked(_ example: Example) {
        positions[example.id] = examples.count
        examples.append(example)
    }

    /// Replaces the example with the same id (used when qrels arrive after the queries).
    mutating func update(_ example: Example) {
        if let p = positions[example.id] { examples[p] = example }
    }

    public subscript(position: Int) -> Example { examples[position] }
    public subscript(id id: String) -> Example? { positions[id].map { examples[$0] } }
    public func position(of id: String) -> Int? { positions[id] }

    public static func == (a: QuerySet, b: QuerySet) -> Bool { a.examples == b.examples }
}

/// What a reader skipped in `--lenient` mode.
public struct ReadReport: Sendable, Equatable {
    /// Records (lines, questions, qrels rows) skipped because they were malformed.
    public var skipped: Int = 0
    /// The first few problems, for the user to look at.
    public var problems: [DataError] = []
    public static let keptProblems = 20

    public init() {}

    /// What was skipped, for a command to print when it ends: the count, then one line per
    /// kept problem (file, line, reason); nil when nothing was skipped.
    public var summary: String? {
        guard skipped > 0 else { return nil }
        var lines = ["skipped \(skipped) record\(skipped == 1 ? "" : "s") or file\(skipped == 1 ? "" : "s") (--lenient):"]
        lines += problems.map { "  " + $0.message }
        if skipped > problems.count { lines.append("  … and \(skipped - problems.count) more") }
        return lines.joined(separator: "\n")
    }

    mutating func record(_ error: DataError) {
        skipped += 1
        if problems.count < Self.keptProblems { problems.append(error) }
    }
}

/// A corpus and the questions asked of it, as one reader produced them.
public struct Dataset: Sendable, Equatable {
    /// Short name (the file or folder name).
    public var name: String
    public var format: DatasetFormat
    public var corpus: Corpus
    public var queries: QuerySet
    public var report: ReadReport

    public init(name: String, format: DatasetFormat, corpus: Corpus, queries: QuerySet,
                report: ReadReport = ReadReport()) {
        self.name = name
        self.format = format
        self.corpus = corpus
        self.queries = queries
        self.report = report
    }
}
