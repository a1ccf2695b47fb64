import Foundation

/// DPR's answer-string match (`has_answer` in facebookresearch/DPR
/// `dpr/data/qa_validation.py`): text and answer are NFD-normalised, split by DPR's
/// SimpleTokenizer (runs of letters/numbers/marks, or any single non-space,
/// non-control character), lowercased, and the answer's token sequence must occur
/// contiguously in the passage's.
public enum AnswerMatch {
    /// DPR SimpleTokenizer tokens, uncased, of NFD-normalised text.
    public static func tokens(_ text: String) -> [String] {
        let nfd = text.decomposedStringWithCanonicalMapping
        var out: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty { out.append(String(word).lowercased()); word = String.UnicodeScalarView() }
        }
        for u in nfd.unicodeScalars {
            switch u.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber,
                 .nonspacingMark, .spacingMark, .enclosingMark:
                word.append(u)
            case .spaceSeparator, .lineSeparator, .paragraphSeparator,
                 .control, .format, .surrogate, .privateUse, .unassigned:
                flush()
            default:
                flush()
                out.append(String(u).lowercased())
            }
        }
        flush()
        return out
    }

    /// True when any answer's tokens occur contiguously in the text's tokens.
    public static func hasAnswer(_ text: String, answers: [String]) -> Bool {
        hasAnswer(tokens: tokens(text), answerTokens: answers.map(tokens))
    }

    /// Same, on pre-tokenised text and answers (tokenise once when checking many passages).
    public static func hasAnswer(tokens t: [String], answerTokens: [[String]]) -> Bool {
        for a in answerTokens where !a.isEmpty && a.count <= t.count {
            for i in 0...(t.count - a.count) where t[i] == a[0] {
                var match = true
                for j in 1..<a.count where t[i + j] != a[j] { match = false; break }
                if match { return true }
            }
        }
        return false
    }
}
