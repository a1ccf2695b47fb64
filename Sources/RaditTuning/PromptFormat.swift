import Foundation
import RaditData

/// How a chunk appears in a prompt (`lm.document_format`).
public enum DocumentFormat: String, Sendable, CaseIterable, Codable {
    /// `Chunk.indexedText`: the title, a space, the text (what the retriever embeds).
    case text
    /// RAFT's block, `<DOCUMENT>title\ntext</DOCUMENT>` (`RaftFormat.document`).
    case raft
}

/// How (chunk c, question x) become a prompt and answer y its completion: the data
/// layer's one-chunk `PromptTemplate` (RA-DIT's `Background: {c}\n\nQuestion: {x}\nAnswer: {y}`),
/// plus what inference needs: a closed-book template, how several chunks are joined
/// (`concat` mode) and the tag answers are read after.
public struct PromptFormat: Sendable, Equatable {
    public var template: RaditData.PromptTemplate
    /// Without context: `{x}` and a final `{y}`.
    public var closedBook: String
    public var chunkSeparator: String
    /// Generated answers are read after the last occurrence of this tag (`Answer:`, or
    /// RAFT's `<ANSWER>:`).
    public var answerTag: String
    /// How each chunk is written into `{c}`.
    public var documents: DocumentFormat

    /// The defaults live in the config schema (`lm.*`).
    public init(template: RaditData.PromptTemplate, closedBook: String, chunkSeparator: String, answerTag: String,
                documents: DocumentFormat) {
        self.template = template
        self.closedBook = closedBook
        self.chunkSeparator = chunkSeparator
        self.answerTag = answerTag
        self.documents = documents
    }

    /// The text a prompt shows for `chunk` (the one chunk-text rule of prompts).
    public func chunkText(_ chunk: Chunk) -> String {
        switch documents {
        case .text: return chunk.indexedText
        case .raft: return RaftFormat.document(title: chunk.title, text: chunk.text)
        }
    }

    public func prompt(question x: String, chunk c: String) -> String {
        template.prompt(background: c, question: x)
    }

    public func prompt(question x: String, chunks: [String]) -> String {
        prompt(question: x, chunk: chunks.joined(separator: chunkSeparator))
    }

    /// The closed-book prompt: the text before `{y}` with `{x}` replaced, trailing spaces
    /// left to the completion as in the one-chunk template.
    public func closedBookPrompt(question x: String) -> String {
        var head = closedBook.hasSuffix("{y}") ? String(closedBook.dropLast(3)) : closedBook
        while head.last == " " { head.removeLast() }
        return head.replacingOccurrences(of: "{x}", with: x)
    }

    public func pair(question x: String, chunk c: String, answer y: String) -> PromptAnswer {
        PromptAnswer(prompt: prompt(question: x, chunk: c), answer: template.completion(answer: y))
    }

    /// The completion text for answer `y` (the template's space, then y).
    public func completion(_ y: String) -> String { template.completion(answer: y) }

    /// A stable identity of everything that changes the scored text (part of cache keys).
    public var identity: String {
        // The document format joins the identity only when it is not the original one, so
        // score caches written before it existed stay valid.
        [template.text, closedBook, chunkSeparator].map { "\($0.utf8.count):\($0)" }.joined()
            + (documents == .text ? "" : "documents=\(documents.rawValue)")
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
