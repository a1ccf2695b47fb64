import RaditBase

/// What can go wrong building RAFT or RA-IT instances.
public enum RaftError: RaditError, Equatable {
    case invalidOption(name: String, value: String, reason: String)
    case embedderShape(expectedRows: Int, got: [Int])
    case tooFewChunks(questionID: String, needed: Int, available: Int)
    case badTemplate(template: String, reason: String)

    public var message: String {
        switch self {
        case let .invalidOption(name, value, reason):
            return "option `\(name)` = \(value): \(reason)."
        case let .embedderShape(rows, got):
            return "the embedding function returned shape \(got) for \(rows) texts; it must return (\(rows), D)."
        case let .tooFewChunks(q, needed, available):
            return "question \(q): needs \(needed) non-gold chunks but the corpus has \(available); lower the distractor count or use a larger corpus."
        case let .badTemplate(template, reason):
            return "prompt template \(template.debugDescription): \(reason). Use {c} for the background, {x} for the question and end with {y} for the answer."
        }
    }
}
