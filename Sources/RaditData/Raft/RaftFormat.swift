import Foundation

/// The RAFT text formats: documents in `<DOCUMENT>` blocks before the question, and a
/// chain-of-thought answer quoting the context between `##begin_quote##` and
/// `##end_quote##` with the final answer after `<ANSWER>:`.
public enum RaftFormat {
    public static let beginQuote = "##begin_quote##"
    public static let endQuote = "##end_quote##"
    public static let answerTag = "<ANSWER>:"

    /// `<DOCUMENT>title\ntext</DOCUMENT>` per document (title line omitted when empty), then the question.
    public static func instruction(documents: [InstanceDocument], question: String) -> String {
        documents.map { document(title: $0.title, text: $0.text) + "\n" }.joined() + question
    }

    /// One document block of the RAFT prompt: `<DOCUMENT>title\ntext</DOCUMENT>` (the title
    /// line omitted when empty). The one rendering `radit generate raft` and `radit run`
    /// (`lm.document_format = "raft"`) share.
    public static func document(title: String, text: String) -> String {
        "<DOCUMENT>" + (title.isEmpty ? "" : title + "\n") + text + "</DOCUMENT>"
    }

    /// The CoT answer: it cites the quotes from the oracle, or, with no sentence to quote,
    /// states the answer. RAFT gives every instance of a question this answer, with or
    /// without the oracle among its documents (`RaftNoOracleAnswer.sameAnswer`).
    public static func cotAnswer(answer: String, quotes: [String]) -> String {
        let reason: String
        if !quotes.isEmpty {
            let cited = quotes.map { "\(beginQuote) \($0) \(endQuote)" }.joined(separator: " and ")
            let passage = quotes.count == 1 ? "The relevant passage says" : "The relevant passages say"
            reason = "\(passage) \(cited). Putting this together, the answer is \(answer)."
        } else {
            reason = "One of the documents gives the answer: \(answer)."
        }
        return "##Reason: \(reason) \(answerTag) \(answer)"
    }

    /// Radit's option for instances without the oracle (`RaftNoOracleAnswer.noneOfTheDocuments`):
    /// the reason says no document answers and the model relies on what it learned.
    public static func noneOfTheDocumentsAnswer(answer: String) -> String {
        "##Reason: None of the documents answers the question, so the answer relies on what was learned before: \(answer). \(answerTag) \(answer)"
    }

    /// The text after the last `<ANSWER>:` tag, trimmed; nil when the tag is missing.
    public static func extractAnswer(_ generated: String) -> String? {
        guard let r = generated.range(of: answerTag, options: .backwards) else { return nil }
        return generated[r.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The quoted spans of a CoT answer, in order.
    public static func quotes(in cot: String) -> [String] {
        var out: [String] = []
        var rest = cot[...]
        while let b = rest.range(of: beginQuote), let e = rest[b.upperBound...].range(of: endQuote) {
            out.append(rest[b.upperBound..<e.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[e.upperBound...]
        }
        return out
    }

    /// Checks a CoT answer written by a teacher: the `<ANSWER>:` tag with a non-empty
    /// answer after it, at least one quote, and every quote verbatim in one of `documents`.
    public static func check(_ cot: String, documents: [String]) -> RaftAnswerCheck {
        guard let answer = extractAnswer(cot), !answer.isEmpty else { return .missingAnswerTag }
        let quotes = quotes(in: cot)
        guard !quotes.isEmpty else { return .noQuote }
        if let q = quotes.first(where: { q in q.isEmpty || !documents.contains { $0.contains(q) } }) {
            return .quoteNotInDocuments(q)
        }
        return .valid(answer: answer)
    }
}

/// The verdict on a teacher's CoT answer (`RaftFormat.check`).
public enum RaftAnswerCheck: Equatable, Sendable {
    case valid(answer: String)
    case missingAnswerTag
    case noQuote
    case quoteNotInDocuments(String)

    /// A short reason for counts (`valid` for a kept answer).
    public var reason: String {
        switch self {
        case .valid: return "valid"
        case .missingAnswerTag: return "no_answer_tag"
        case .noQuote: return "no_quote"
        case .quoteNotInDocuments: return "quote_not_in_documents"
        }
    }
}
