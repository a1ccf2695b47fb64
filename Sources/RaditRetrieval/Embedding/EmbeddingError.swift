import RaditBase

/// Errors writing, resuming or reading corpus embeddings; each says what to do.
public enum EmbeddingError: RaditError, Equatable {
    case notAPartialFile(path: String)
    case partialFromElsewhere(path: String, found: String)
    case differentEmbedding(path: String, attribute: String)
    case headerTooLong(model: String)
    case cannotCreate(path: String)
    case shortFile(path: String, rows: Int, from: Int)
    case shape(path: String, expected: [Int], found: [Int])

    public var message: String {
        switch self {
        case let .notAPartialFile(path):
            return "\(path) is not a radit partial embedding file; remove it or pass --overwrite"
        case let .partialFromElsewhere(path, found):
            return "\(path) was started with a different model, corpus or settings (\(found)); pass --overwrite to start again"
        case let .differentEmbedding(path, attribute):
            return "\(path) holds embeddings of a different \(attribute == "corpus_sha256" ? "corpus" : "model") (attribute \(attribute)); pass --overwrite to replace it or choose another output"
        case let .headerTooLong(model):
            return "model name too long for the partial-file header: \(model); rename the model folder"
        case let .cannotCreate(path):
            return "cannot create \(path); check the folder exists and is writable"
        case let .shortFile(path, rows, from):
            return "\(path): expected \(rows) rows from row \(from), the file is short; remove it and embed again"
        case let .shape(path, expected, found):
            return "\(path): /embeddings has shape \(found), expected \(expected); remove the file and embed again"
        }
    }
}
