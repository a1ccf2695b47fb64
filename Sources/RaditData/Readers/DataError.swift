import RaditBase

/// Errors reading datasets; every message names the file, the line (1-based, where the
/// source has lines) and the field, and says how to fix it.
public enum DataError: RaditError, Equatable {
    case unreadable(file: String, reason: String)
    case malformedJSON(file: String, line: Int, detail: String)
    case missingField(file: String, line: Int?, field: String)
    case wrongType(file: String, line: Int?, field: String, expected: String)
    case duplicateID(file: String, line: Int?, field: String, id: String)
    case unknownDocument(file: String, line: Int?, field: String, id: String)
    case unknownQuery(file: String, line: Int?, field: String, id: String)
    case malformedRow(file: String, line: Int, detail: String)
    case unknownFormat(path: String, detail: String)

    public var message: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read (\(reason)); check the path and permissions"
        case let .malformedJSON(file, line, detail):
            return "\(file):\(line): malformed JSON (\(detail)); fix the line or pass --lenient to skip it"
        case let .missingField(file, line, field):
            return "\(Self.place(file, line)): missing field '\(field)'; add it or pass --lenient to skip the record"
        case let .wrongType(file, line, field, expected):
            return "\(Self.place(file, line)): field '\(field)' should be \(expected); fix it or pass --lenient to skip the record"
        case let .duplicateID(file, line, field, id):
            return "\(Self.place(file, line)): duplicate id '\(id)' in field '\(field)'; ids must be unique"
        case let .unknownDocument(file, line, field, id):
            return "\(Self.place(file, line)): field '\(field)' names document '\(id)', which is not in the corpus; fix the qrels or pass --lenient"
        case let .unknownQuery(file, line, field, id):
            return "\(Self.place(file, line)): field '\(field)' names query '\(id)', which is not in the queries file; fix the qrels or pass --lenient"
        case let .malformedRow(file, line, detail):
            return "\(file):\(line): \(detail); fix the row or pass --lenient to skip it"
        case let .unknownFormat(path, detail):
            return "\(path): \(detail); pass --format beir|squad|hotpotqa|nq|folder"
        }
    }

    static func place(_ file: String, _ line: Int?) -> String {
        line.map { "\(file):\($0)" } ?? file
    }
}
