import RaditBase

/// What can be wrong with a tokenizer definition; each message names the file and key.
public enum TokenizerError: RaditError, Equatable {
    case unreadable(path: String, reason: String)
    case unsupportedModel(path: String, type: String)
    case unsupportedStage(path: String, key: String, type: String)
    case missingKey(path: String, key: String)
    case badValue(path: String, key: String, reason: String)
    case unknownToken(path: String, token: String, role: String)
    case badMerge(path: String, index: Int, merge: String)

    public var message: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read tokenizer: \(reason)"
        case let .unsupportedModel(path, type):
            return "\(path): tokenizer model type '\(type)' is not supported; Radit reads 'BPE' (byte-level) and 'WordPiece' tokenizer.json files"
        case let .unsupportedStage(path, key, type):
            return "\(path): \(key) of type '\(type)' is not supported by Radit's tokenizer pipeline"
        case let .missingKey(path, key):
            return "\(path): tokenizer key '\(key)' is missing"
        case let .badValue(path, key, reason):
            return "\(path): tokenizer key '\(key)' is invalid: \(reason)"
        case let .unknownToken(path, token, role):
            return "\(path): the \(role) token '\(token)' is not in the vocabulary"
        case let .badMerge(path, index, merge):
            return "\(path): merge #\(index) '\(merge)' is not two vocabulary tokens separated by a space"
        }
    }
}
