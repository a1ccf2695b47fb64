import RaditData

/// The per-example records of one evaluation pass, in question order, with unique ids.
///
/// Columnar layout (version 1): one HDF5 group per evaluation pass, e.g.
/// `run.h5:/predictions/<pass>/`, holding these datasets (Nq questions, K prompt chunks,
/// Kr ranked chunks, G gold aliases in all, J judged chunks in all). Ragged lists are
/// stored flat with an offsets column (CSR): question q owns `gold[gold_offsets[q] ..<
/// gold_offsets[q+1]]`, so h5py/numpy split them with `np.split(gold, gold_offsets[1:-1])`.
/// Rows shorter than K or Kr are padded with "" ids and NaN scores.
///
/// | dataset | dtype | shape | meaning |
/// |---|---|---|---|
/// | `id` | string | (Nq) | question id (`Example.id`), pairs runs |
/// | `prediction` | string | (Nq) | the generated answer |
/// | `gold` | string | (G) | gold aliases, question after question |
/// | `gold_offsets` | int64 | (Nq+1) | CSR offsets into `gold` |
/// | `em` | float64 | (Nq) | SQuAD exact match, 0 or 1 |
/// | `f1` | float64 | (Nq) | SQuAD token F1 |
/// | `context_ids` | string | (Nq, K) | chunk ids in the prompt, prompt order |
/// | `context_scores` | float32 | (Nq, K) | their retrieval scores; NaN when placed, not retrieved |
/// | `ranking_ids` | string | (Nq, Kr) | the retriever's ranking, best first |
/// | `ranking_scores` | float32 | (Nq, Kr) | its scores |
/// | `ranking_has_answer` | int64 | (Nq, Kr) or (0) | 1 when the ranked chunk holds a gold answer (DPR), -1 padding; (0) when not computed |
/// | `relevant_ids` | string | (J) | judged chunk ids, question after question |
/// | `relevant_grades` | int64 | (J) | their grades (> 0 relevant) |
/// | `relevant_offsets` | int64 | (Nq+1) | CSR offsets into `relevant_ids`/`relevant_grades` |
///
/// Group attributes: `records_version` (= `RecordColumns.version`), `k`, `ranking_depth`.
public struct ExampleRecords: Sendable, Equatable {
    public private(set) var records: [ExampleRecord]

    /// Records in question order; two records with one id are an error naming `source`.
    public init(_ records: [ExampleRecord], source: String = "<memory>") throws(EvalError) {
        var seen = Set<String>()
        for r in records {
            if r.id.isEmpty { throw .badColumn(source: source, column: "id", detail: "a question id is empty") }
            if !seen.insert(r.id).inserted { throw .duplicateID(source: source, id: r.id) }
            if r.contextScores.count != r.contextIDs.count || r.rankingScores.count != r.rankingIDs.count
                || !(r.rankingHasAnswer.isEmpty || r.rankingHasAnswer.count == r.rankingIDs.count) {
                throw .badColumn(source: source, column: "context/ranking",
                                 detail: "question '\(r.id)' has ids and scores (or answer hits) of different lengths")
            }
            if (r.contextIDs + r.rankingIDs).contains("") {
                throw .badColumn(source: source, column: "context_ids/ranking_ids",
                                 detail: "question '\(r.id)' has an empty chunk id (\"\" is the padding)")
            }
        }
        self.records = records
    }

    public var count: Int { records.count }

    /// Sets each question's judge scores (`radit judge`); every score must name a question
    /// of these records, once. Questions without a score keep none.
    public mutating func attachJudge(_ scores: [JudgeScore], source: String) throws(EvalError) {
        var position: [String: Int] = [:]
        for (i, r) in records.enumerated() { position[r.id] = i }
        var seen = Set<String>()
        for s in scores {
            guard let i = position[s.id] else {
                throw .badColumn(source: source, column: "id",
                                 detail: "judged question '\(s.id)' is not among the pass's predictions; judge the run again (`radit judge`)")
            }
            if !seen.insert(s.id).inserted { throw .duplicateID(source: source, id: s.id) }
            records[i].judge = s
        }
    }

    /// Every question that counts for `metric`, with its value, in question order.
    public func scores(_ metric: RecordMetric) -> QuestionScores {
        var ids: [String] = [], values: [Double] = []
        for r in records {
            if let v = r.score(metric) { ids.append(r.id); values.append(v) }
        }
        return QuestionScores(ids: ids, values: values)
    }

    // MARK: Columnar encoding

    /// The records as the columns of the layout above.
    public func columns() -> RecordColumns {
        let nq = records.count
        let k = records.map(\.contextIDs.count).max() ?? 0
        let kr = records.map(\.rankingIDs.count).max() ?? 0
        let hasAnswers = records.contains { !$0.rankingHasAnswer.isEmpty }
        var c = RecordColumns()
        c.attributes = ["records_version": RecordColumns.version, "k": k, "ranking_depth": kr]
        c["id"] = .strings(records.map(\.id), shape: [nq])
        c["prediction"] = .strings(records.map(\.prediction), shape: [nq])
        let (gold, goldOffsets) = Self.flatten(records.map(\.golds))
        c["gold"] = .strings(gold, shape: [gold.count])
        c["gold_offsets"] = .ints(goldOffsets, shape: [nq + 1])
        c["em"] = .doubles(records.map(\.exactMatch), shape: [nq])
        c["f1"] = .doubles(records.map(\.f1), shape: [nq])
        c["context_ids"] = .strings(Self.padded(records.map(\.contextIDs), to: k, with: ""), shape: [nq, k])
        c["context_scores"] = .floats(Self.padded(records.map(\.contextScores), to: k, with: .nan), shape: [nq, k])
        c["ranking_ids"] = .strings(Self.padded(records.map(\.rankingIDs), to: kr, with: ""), shape: [nq, kr])
        c["ranking_scores"] = .floats(Self.padded(records.map(\.rankingScores), to: kr, with: .nan), shape: [nq, kr])
        if hasAnswers {
            let hits = records.map { $0.rankingHasAnswer.map { Int64($0 ? 1 : 0) } }
            c["ranking_has_answer"] = .ints(Self.padded(hits, to: kr, with: -1), shape: [nq, kr])
        } else {
            c["ranking_has_answer"] = .ints([], shape: [0])
        }
        let (relevantIDs, relevantOffsets) = Self.flatten(records.map { $0.relevant.map(\.id) })
        c["relevant_ids"] = .strings(relevantIDs, shape: [relevantIDs.count])
        c["relevant_grades"] = .ints(records.flatMap { $0.relevant.map { Int64($0.grade) } }, shape: [relevantIDs.count])
        c["relevant_offsets"] = .ints(relevantOffsets, shape: [nq + 1])
        return c
    }

    /// Rebuilds records from columns read back from storage, checking every column's
    /// presence, type and shape; errors name `source` (e.g. `run.h5:/predictions/test`).
    public init(columns c: RecordColumns, source: String) throws(EvalError) {
        if let v = c.attributes["records_version"], v != RecordColumns.version {
            throw .badColumn(source: source, column: "records_version",
                             detail: "layout version \(v) is not \(RecordColumns.version); read it with the Radit that wrote it")
        }
        let ids = try Self.strings(c, "id", source)
        let nq = ids.count
        func check(_ name: String, _ shape: [Int], _ expected: [Int]) throws(EvalError) {
            if shape != expected { throw .badShape(source: source, column: name, expected: expected, actual: shape) }
        }
        let predictions = try Self.strings(c, "prediction", source)
        try check("prediction", [predictions.count], [nq])
        let em = try Self.doubles(c, "em", source), f1 = try Self.doubles(c, "f1", source)
        try check("em", [em.count], [nq])
        try check("f1", [f1.count], [nq])
        let golds = try Self.split(try Self.strings(c, "gold", source), offsets: try Self.ints(c, "gold_offsets", source),
                                   count: nq, column: "gold_offsets", source: source)
        let (contextIDs, k) = try Self.matrix(c, "context_ids", rows: nq, source: source)
        guard case let .floats(contextScores, contextShape)? = c["context_scores"] else {
            throw .missingColumn(source: source, column: "context_scores")
        }
        try check("context_scores", contextShape, [nq, k])
        let (rankingIDs, kr) = try Self.matrix(c, "ranking_ids", rows: nq, source: source)
        guard case let .floats(rankingScores, rankingShape)? = c["ranking_scores"] else {
            throw .missingColumn(source: source, column: "ranking_scores")
        }
        try check("ranking_scores", rankingShape, [nq, kr])
        let hits = try Self.ints(c, "ranking_has_answer", source)
        if !hits.isEmpty { try check("ranking_has_answer", c["ranking_has_answer"]!.shape, [nq, kr]) }
        let relevantIDs = try Self.strings(c, "relevant_ids", source)
        let grades = try Self.ints(c, "relevant_grades", source)
        try check("relevant_grades", [grades.count], [relevantIDs.count])
        let relevantOffsets = try Self.ints(c, "relevant_offsets", source)
        let relevantNames = try Self.split(relevantIDs, offsets: relevantOffsets, count: nq,
                                           column: "relevant_offsets", source: source)
        var records: [ExampleRecord] = []
        records.reserveCapacity(nq)
        for q in 0..<nq {
            let contextCount = contextIDs[(q * k)..<((q + 1) * k)].prefix { !$0.isEmpty }.count
            let rankingCount = rankingIDs[(q * kr)..<((q + 1) * kr)].prefix { !$0.isEmpty }.count
            let start = Int(relevantOffsets[q])
            records.append(ExampleRecord(
                id: ids[q], prediction: predictions[q], golds: golds[q], exactMatch: em[q], f1: f1[q],
                contextIDs: Array(contextIDs[(q * k)..<(q * k + contextCount)]),
                contextScores: Array(contextScores[(q * k)..<(q * k + contextCount)]),
                rankingIDs: Array(rankingIDs[(q * kr)..<(q * kr + rankingCount)]),
                rankingScores: Array(rankingScores[(q * kr)..<(q * kr + rankingCount)]),
                rankingHasAnswer: Self.answerHits(hits, row: q, width: kr, count: rankingCount),
                relevant: relevantNames[q].enumerated().map { Relevance(id: $1, grade: Int(grades[start + $0])) }))
        }
        try self.init(records, source: source)
    }

    // MARK: Column helpers

    /// A row of `ranking_has_answer`; a row of padding (-1) is a question without hits.
    static func answerHits(_ hits: [Int64], row q: Int, width: Int, count: Int) -> [Bool] {
        if hits.isEmpty { return [] }
        let row = hits[(q * width)..<(q * width + count)]
        return row.contains(-1) ? [] : row.map { $0 == 1 }
    }

    static func flatten(_ lists: [[String]]) -> ([String], [Int64]) {
        var flat: [String] = [], offsets: [Int64] = [0]
        for l in lists { flat += l; offsets.append(Int64(flat.count)) }
        return (flat, offsets)
    }

    static func padded<T>(_ rows: [[T]], to width: Int, with pad: T) -> [T] {
        rows.flatMap { $0 + [T](repeating: pad, count: width - $0.count) }
    }

    static func strings(_ c: RecordColumns, _ name: String, _ source: String) throws(EvalError) -> [String] {
        guard let col = c[name] else { throw .missingColumn(source: source, column: name) }
        guard case let .strings(v, _) = col else {
            throw .badColumn(source: source, column: name, detail: "holds \(col.dtypeName), expected string")
        }
        return v
    }

    static func doubles(_ c: RecordColumns, _ name: String, _ source: String) throws(EvalError) -> [Double] {
        guard let col = c[name] else { throw .missingColumn(source: source, column: name) }
        guard case let .doubles(v, _) = col else {
            throw .badColumn(source: source, column: name, detail: "holds \(col.dtypeName), expected float64")
        }
        return v
    }

    static func ints(_ c: RecordColumns, _ name: String, _ source: String) throws(EvalError) -> [Int64] {
        guard let col = c[name] else { throw .missingColumn(source: source, column: name) }
        guard case let .ints(v, _) = col else {
            throw .badColumn(source: source, column: name, detail: "holds \(col.dtypeName), expected int64")
        }
        return v
    }

    /// A (rows, width) string column and its width.
    static func matrix(_ c: RecordColumns, _ name: String, rows: Int, source: String) throws(EvalError) -> ([String], Int) {
        let v = try strings(c, name, source)
        let shape = c[name]!.shape
        guard shape.count == 2, shape[0] == rows, shape[0] * shape[1] == v.count else {
            throw .badShape(source: source, column: name, expected: [rows, shape.last ?? 0], actual: shape)
        }
        return (v, shape[1])
    }

    /// Splits a flat column by CSR offsets, checking they start at 0, never decrease and end
    /// at the column's length.
    static func split(_ flat: [String], offsets: [Int64], count: Int, column: String,
                      source: String) throws(EvalError) -> [[String]] {
        guard offsets.count == count + 1 else {
            throw .badShape(source: source, column: column, expected: [count + 1], actual: [offsets.count])
        }
        guard offsets.first == 0, offsets.last == Int64(flat.count),
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw .badColumn(source: source, column: column,
                             detail: "offsets must start at 0, never decrease and end at \(flat.count)")
        }
        return (0..<count).map { Array(flat[Int(offsets[$0])..<Int(offsets[$0 + 1])]) }
    }
}

/// One value per question, in question order: what intervals and paired tests consume.
public struct QuestionScores: Sendable, Equatable {
    public var ids: [String]
    public var values: [Double]

    public init(ids: [String], values: [Double]) {
        precondition(ids.count == values.count, "QuestionScores: \(ids.count) ids, \(values.count) values")
        self.ids = ids
        self.values = values
    }

    public var count: Int { values.count }
    public var mean: Double { Descriptive.mean(values) }
}
