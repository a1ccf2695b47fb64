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
    /// A `.gz` file (or one with the gzip magic number) that does not decompress.
    case corruptGzip(file: String, reason: String)
    /// A file in a text folder that Radit cannot turn into text (unknown extension, binary
    /// content, a PDF poppler cannot read).
    case unsupportedFile(file: String, reason: String)
    /// A folder read as text that holds a dataset file (it would be indexed as prose).
    case datasetInTextFolder(folder: String, file: String)
    /// An external tool (pdftotext) is not installed.
    case missingTool(tool: String, file: String)
    case emptyCorpus(path: String)
    case noQuestions(path: String, format: String)

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
        case let .corruptGzip(file, reason):
            return "\(file): corrupt gzip data (\(reason)); re-download or re-compress the file (`gzip -t` checks it)"
        case let .unsupportedFile(file, reason):
            return "\(file): \(reason); remove it from the folder or pass --lenient to skip it (skips are counted and reported)"
        case let .datasetInTextFolder(folder, file):
            return "\(folder): holds the dataset file '\(file)', so it is not read as a folder of text documents; pass the dataset (the file, or --format beir|squad|hotpotqa|nq) or move the file out of the folder"
        case let .missingTool(tool, file):
            return "\(file): reading it needs '\(tool)', which is not installed; run scripts/bootstrap.sh (it installs poppler-utils)"
        case let .emptyCorpus(path):
            return "\(path): the corpus is empty (no documents were read); check the path and format, or the skipped files listed with --lenient"
        case let .noQuestions(path, format):
            return "\(path): the \(format) dataset has no questions, and this command needs them; pass a dataset with questions (BEIR queries.jsonl + qrels, SQuAD, HotpotQA or NQ)"
        }
    }

    static func place(_ file: String, _ line: Int?) -> String {
        line.map { "\(file):\($0)" } ?? file
    }
}
