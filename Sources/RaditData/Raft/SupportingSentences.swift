import Foundation

/// Question id → the sentences (verbatim from the gold chunks) that support its answer.
/// SynthKB and HotpotQA carry them; for SQuAD-like data `answerSentence` finds the
/// sentence holding the answer span.
public typealias SupportingSentences = [String: [String]]

public enum SentenceLocator {
    /// Words that end with a period without ending a sentence (titles, "e.g.", months,
    /// "St.", "No."), compared lower-cased without the period.
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt", "sgt", "capt", "cpt",
        "maj", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "messrs", "mme", "mlle", "fr", "br",
        "v", "vs", "etc", "e.g", "i.e", "cf", "al", "approx", "ca", "c", "inc", "ltd", "co", "corp", "bros", "no", "nos",
        "vol", "vols", "pp", "p", "fig", "figs", "ed", "eds", "dept", "univ", "assn", "est", "op", "ch",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    /// Sentences of `text`, trimmed, each a verbatim substring: a sentence ends at `.`, `!`
    /// or `?` followed by white space, except after an initial ("John C. Messenger"), an
    /// abbreviation ("Dr.", "e.g.", "U.S.") or before a lower-case word.
    public static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if ".!?".contains(text[i]), next == text.endIndex || text[next].isWhitespace,
               text[i] != "." || endsSentence(text, period: i) {
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

    /// Whether the period at `i` (followed by white space or the end) ends a sentence.
    static func endsSentence(_ text: String, period i: String.Index) -> Bool {
        // The word before the period: back to white space or an opening bracket/quote.
        var j = i
        while j > text.startIndex {
            let p = text.index(before: j)
            if text[p].isWhitespace || "([\"'“‘".contains(text[p]) { break }
            j = p
        }
        let word = text[j..<i]
        if word.count == 1, word.first!.isUppercase { return false }            // an initial: "C."
        if word.contains("."), word.allSatisfy({ $0.isLetter || $0 == "." }) { return false } // "U.S", "e.g"
        if abbreviations.contains(word.lowercased()) { return false }
        // The next word: a sentence does not start in lower case.
        if let n = text[text.index(after: i)...].first(where: { !$0.isWhitespace }), n.isLowercase { return false }
        return true
    }

    /// The sentence(s) of `text` holding one of `answers` (exact case first, then
    /// case-insensitive): the first sentence that contains it whole, or else the run of
    /// sentences its first occurrence spans (a boundary the splitter put inside the answer);
    /// nil when no answer occurs in `text`.
    public static func answerSentence(in text: String, answers: [String]) -> String? {
        let all = sentences(text)
        let forms = answers.filter { !$0.isEmpty }
        if let s = all.first(where: { s in forms.contains { s.contains($0) } }) { return s }
        if let s = all.first(where: { s in forms.contains { s.lowercased().contains($0.lowercased()) } }) { return s }
        for options in [String.CompareOptions(), .caseInsensitive] {
            for form in forms {
                guard let r = text.range(of: form, options: options) else { continue }
                return spanningSentences(text, all, covering: r)
            }
        }
        return nil
    }

    /// The verbatim text from the start of the sentence holding `r.lowerBound` to the end
    /// of the sentence holding `r.upperBound`.
    static func spanningSentences(_ text: String, _ all: [String], covering r: Range<String.Index>) -> String? {
        var cursor = text.startIndex
        var first: String.Index?
        for s in all {
            guard let found = text.range(of: s, range: cursor..<text.endIndex) else { return nil }
            cursor = found.upperBound
            if first == nil, found.upperBound > r.lowerBound { first = found.lowerBound }
            if let f = first, found.upperBound >= r.upperBound { return String(text[f..<found.upperBound]) }
        }
        return nil
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
