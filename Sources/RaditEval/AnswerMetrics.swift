/// Exact match and token F1 between a predicted answer and gold aliases, as the SQuAD
/// v1.1/v2.0 evaluation scripts compute them, with HotpotQA's rule for yes/no answers.
///
/// Normalisation (SQuAD `normalize_answer`): lowercase, remove ASCII punctuation, remove the
/// whole words a/an/the, squeeze whitespace. F1 counts the multiset overlap of normalised
/// tokens. Scores are the maximum over gold aliases.
public enum AnswerMetrics {
    /// Answers HotpotQA scores as classes: a wrong one gets F1 = 0 even if tokens overlap.
    public static let specialAnswers: Set<String> = ["yes", "no", "noanswer"]

    /// Python's `string.punctuation`, which the SQuAD script strips.
    static let punctuation: Set<Character> = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

    /// SQuAD `normalize_answer`: lower → strip punctuation → drop articles → squeeze spaces.
    public static func normalize(_ text: String) -> String {
        let lowered = text.lowercased()
        let unpunctuated = String(lowered.filter { !punctuation.contains($0) })
        return tokens(ofNormalisedBody: dropArticles(unpunctuated)).joined(separator: " ")
    }

    /// Normalised tokens (what F1 counts).
    public static func normalizedTokens(_ text: String) -> [String] {
        let n = normalize(text)
        return n.isEmpty ? [] : n.split(separator: " ").map(String.init)
    }

    /// 1 when the normalised strings are equal, else 0.
    public static func exactMatch(prediction: String, gold: String) -> Double {
        normalize(prediction) == normalize(gold) ? 1 : 0
    }

    /// Token F1 (SQuAD). When either side normalises to nothing, F1 is 1 if both do and 0
    /// otherwise (the SQuAD v2.0 convention; v1.1 would give 0 for two empty answers).
    /// HotpotQA rule: when either normalised answer is yes/no/noanswer and they differ, 0.
    public static func f1(prediction: String, gold: String) -> Double {
        let p = normalize(prediction)
        let g = normalize(gold)
        if (specialAnswers.contains(p) || specialAnswers.contains(g)) && p != g { return 0 }
        let pt = p.isEmpty ? [] : p.split(separator: " ").map(String.init)
        let gt = g.isEmpty ? [] : g.split(separator: " ").map(String.init)
        if pt.isEmpty || gt.isEmpty { return pt.isEmpty && gt.isEmpty ? 1 : 0 }
        var counts: [String: Int] = [:]
        for t in gt { counts[t, default: 0] += 1 }
        var same = 0
        for t in pt {
            if let c = counts[t], c > 0 {
                same += 1
                counts[t] = c - 1
            }
        }
        if same == 0 { return 0 }
        let precision = Double(same) / Double(pt.count)
        let recall = Double(same) / Double(gt.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// Max EM over gold aliases (0 when there are none).
    public static func exactMatch(prediction: String, golds: [String]) -> Double {
        golds.map { exactMatch(prediction: prediction, gold: $0) }.max() ?? 0
    }

    /// Max F1 over gold aliases (0 when there are none).
    public static func f1(prediction: String, golds: [String]) -> Double {
        golds.map { f1(prediction: prediction, gold: $0) }.max() ?? 0
    }

    /// Python `re.sub(r'\b(a|an|the)\b', ' ', s)`: a run of word characters that is exactly
    /// an article becomes one space; everything else is kept as is.
    static func dropArticles(_ s: String) -> String {
        var out = ""
        var word = ""
        func flush() {
            if word == "a" || word == "an" || word == "the" { out.append(" ") } else { out += word }
            word = ""
        }
        for ch in s {
            if isWordCharacter(ch) { word.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }

    /// Python `" ".join(s.split())`: split on any whitespace run, drop empty pieces.
    static func tokens(ofNormalisedBody s: String) -> [String] {
        s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// Python's `\w` in a Unicode pattern: letters, digits and the underscore.
    static func isWordCharacter(_ ch: Character) -> Bool {
        ch == "_" || ch.isLetter || ch.isNumber
    }
}

/// EM and F1 for one prediction against its gold aliases.
public struct AnswerScore: Sendable, Equatable {
    public var exactMatch: Double
    public var f1: Double

    public init(prediction: String, golds: [String]) {
        exactMatch = AnswerMetrics.exactMatch(prediction: prediction, golds: golds)
        f1 = AnswerMetrics.f1(prediction: prediction, golds: golds)
    }
}
