import Foundation

/// Question id → the sentences (verbatim from the gold chunks) that support its answer.
/// SynthKB and HotpotQA carry them; for SQuAD-like data `answerSentence` finds the
/// sentence holding the answer span.
public typealias SupportingSentences = [String: [String]]

public enum SentenceLocator {
    /// Sentences of `text`, trimmed, each a verbatim substring: a sentence ends at `.`, `!`
    /// or `?` followed by white space (abbreviations may split early; the quote stays verbatim).
    public static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if ".!?".contains(text[i]), next == text.endIndex || text[next].isWhitespace {
                let s = text[start..<next].trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { out.append(s) }
                start = next
            }
            i = next
        }
        let rest = text[start...].trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    /// The first sentence of `text` containing one of `answers` (exact case first, then
    /// case-insensitive); nil when none does.
    public static func answerSentence(in text: String, answers: [String]) -> String? {
        let all = sentences(text)
        let forms = answers.filter { !$0.isEmpty }
        if let s = all.first(where: { s in forms.contains { s.contains($0) } }) { return s }
        return all.first { s in forms.contains { s.lowercased().contains($0.lowercased()) } }
    }
}

/// Supporting sentences from an official HotpotQA file: `supporting_facts` `[title, i]`
/// resolved against `context`.
public enum HotpotQASupport {
    private struct Row: Decodable {
        var _id: String
        var supporting_facts: [Fact]?
        var context: [Paragraph]
    }
    private struct Fact: Decodable {
        var title: String
        var index: Int
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            title = try c.decode(String.self)
            index = try c.decode(Int.self)
        }
    }
    private struct Paragraph: Decodable {
        var title: String
        var sentences: [String]
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            title = try c.decode(String.self)
            sentences = try c.decode([String].self)
        }
    }

    public static func read(file: String) throws -> SupportingSentences {
        // Through the readers' file access, so a gzipped file reads as its plain twin.
        let data: Data
        do throws(DataError) { data = Data(try readFileBytes(file)) } catch {
            throw DataFileError.cannotRead(path: file, reason: error.message)
        }
        let rows: [Row]
        do { rows = try JSONDecoder().decode([Row].self, from: data) } catch {
            throw DataFileError.cannotRead(path: file, reason: "not HotpotQA JSON: \(error)")
        }
        var out: SupportingSentences = [:]
        for r in rows {
            let byTitle = Dictionary(r.context.map { ($0.title, $0.sentences) }, uniquingKeysWith: { a, _ in a })
            out[r._id] = (r.supporting_facts ?? []).compactMap { f in
                guard let s = byTitle[f.title], s.indices.contains(f.index) else { return nil }
                let t = s[f.index].trimmingCharacters(in: .whitespacesAndNewlines)
                return t.isEmpty ? nil : t
            }
        }
        return out
    }
}
