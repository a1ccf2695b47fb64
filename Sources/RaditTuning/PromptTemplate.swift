import Foundation

/// How (chunk c, question x) becomes a prompt, and how the answer y follows it.
/// RA-DIT's default: `Background: {c}\n\nQuestion: {x}\nAnswer: {y}`.
public struct PromptTemplate: Sendable, Equatable, Hashable {
    /// Template with context; `{c}` and `{x}` are replaced.
    public var withContext: String
    /// Template without context (closed-book); `{x}` is replaced.
    public var closedBook: String
    /// Put between the prompt and the answer (the space after "Answer:").
    public var answerPrefix: String
    /// Joins chunks when several go into one prompt (`concat` mode).
    public var chunkSeparator: String
    /// The tag after which a generated answer starts (`Answer:`, or RAFT's `<ANSWER>:`).
    public var answerTag: String

    public init(withContext: String = "Background: {c}\n\nQuestion: {x}\nAnswer:",
                closedBook: String = "Question: {x}\nAnswer:",
                answerPrefix: String = " ", chunkSeparator: String = "\n\n",
                answerTag: String = "Answer:") {
        self.withContext = withContext
        self.closedBook = closedBook
        self.answerPrefix = answerPrefix
        self.chunkSeparator = chunkSeparator
        self.answerTag = answerTag
    }

    public func prompt(question x: String, chunk c: String) -> String {
        withContext.replacingOccurrences(of: "{c}", with: c).replacingOccurrences(of: "{x}", with: x)
    }

    public func prompt(question x: String, chunks: [String]) -> String {
        prompt(question: x, chunk: chunks.joined(separator: chunkSeparator))
    }

    public func closedBookPrompt(question x: String) -> String {
        closedBook.replacingOccurrences(of: "{x}", with: x)
    }

    public func pair(question x: String, chunk c: String, answer y: String) -> PromptAnswer {
        PromptAnswer(prompt: prompt(question: x, chunk: c), answer: answerPrefix + y)
    }

    /// A stable identity of everything that changes the scored text (part of cache keys).
    public var identity: String {
        [withContext, closedBook, answerPrefix, chunkSeparator].map { "\($0.utf8.count):\($0)" }.joined()
    }

    /// The answer in generated text: what follows the last answer tag if there is one,
    /// up to the end of that line, trimmed.
    public func extractAnswer(_ generated: String) -> String {
        var text = Substring(generated)
        if !answerTag.isEmpty, let r = generated.range(of: answerTag, options: .backwards) {
            text = generated[r.upperBound...]
        }
        let line = text.drop(while: { $0.isWhitespace }).prefix(while: { $0 != "\n" })
        return String(line).trimmingCharacters(in: .whitespaces)
    }
}
