import RaditBase

/// Errors of RaditEval's files and statistics; each names the file, line, column or input
/// and says how to fix it.
public enum EvalError: RaditError, Equatable {
    /// A records column is missing (`column`) in `source`.
    case missingColumn(source: String, column: String)
    /// A records column has the wrong shape.
    case badShape(source: String, column: String, expected: [Int], actual: [Int])
    /// A records column's values are inconsistent (offsets out of order, empty id, …).
    case badColumn(source: String, column: String, detail: String)
    /// A line of a text file (TREC run, table CSV, resampling index file) is malformed.
    case badLine(source: String, line: Int, detail: String)
    /// Two records or queries share an id.
    case duplicateID(source: String, id: String)
    /// A value cannot be written in a format (an id with whitespace in a TREC run).
    case unrepresentable(format: String, value: String, reason: String)
    /// The inputs of a statistic do not fit together (lengths, non-binary EM, no questions).
    case statistics(what: String, detail: String)
    /// A judge prompt file is missing or lacks a placeholder.
    case judgePromptMissing(path: String)
    case judgePromptPlaceholder(path: String, placeholder: String)
    /// An embedder returned a different number of vectors than texts.
    case embedderCount(expected: Int, got: Int)

    public var message: String {
        switch self {
        case let .missingColumn(source, column):
            return "\(source): records column '\(column)' is missing; write the records with ExampleRecords.columns() (layout version \(RecordColumns.version))"
        case let .badShape(source, column, expected, actual):
            return "\(source): records column '\(column)' has shape \(actual), expected \(expected); the column was written by another writer or truncated"
        case let .badColumn(source, column, detail):
            return "\(source): records column '\(column)': \(detail)"
        case let .badLine(source, line, detail):
            return "\(source):\(line): \(detail)"
        case let .duplicateID(source, id):
            return "\(source): id '\(id)' appears twice; ids must be unique per evaluation"
        case let .unrepresentable(format, value, reason):
            return "cannot write '\(value)' in a \(format): \(reason)"
        case let .statistics(what, detail):
            return "\(what): \(detail)"
        case let .judgePromptMissing(path):
            return "\(path): judge prompt file not found; pass --prompts with a folder holding answer_correctness.txt and faithfulness.txt (the repository's prompts/judge/ has the defaults)"
        case let .judgePromptPlaceholder(path, placeholder):
            return "\(path): the judge prompt has no \(placeholder) placeholder; add it where the judge should see that text"
        case let .embedderCount(expected, got):
            return "the embedder returned \(got) vectors for \(expected) texts"
        }
    }
}
