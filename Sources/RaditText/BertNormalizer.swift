import Foundation

/// BERT's text normaliser (the `BertNormalizer` of tokenizer.json), applied in its order:
/// clean text (drop NUL, U+FFFD and control characters; every whitespace becomes a space),
/// pad CJK ideographs with spaces, strip accents (NFD, then drop Mn), lowercase.
public struct BertNormalizer: Sendable, Equatable {
    public var cleanText: Bool
    public var handleChineseChars: Bool
    /// nil follows `lowercase`, as in the original BERT.
    public var stripAccents: Bool?
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// Normalises `input` into `out` (cleared first).
    public func normalize(_ input: ArraySlice<Unicode.Scalar>, into out: inout [Unicode.Scalar]) {
        out.removeAll(keepingCapacity: true)
        var ascii = true
        for s in input {
            if cleanText {
                if s.value == 0 || s.value == 0xFFFD || UnicodeClass.isBertControl(s) { continue }
                if UnicodeClass.isWhitespace(s) { out.append(" "); continue }
            }
            if handleChineseChars && UnicodeClass.isChinese(s) {
                out.append(" "); out.append(s); out.append(" ")
                ascii = false
                continue
            }
            if s.value >= 0x80 { ascii = false }
            out.append(s)
        }
        if stripAccents ?? lowercase, !ascii {
            // NFD decomposes only non-ASCII text; ASCII is already in NFD.
            var text = String.UnicodeScalarView()
            text.append(contentsOf: out)
            let nfd = String(text).decomposedStringWithCanonicalMapping
            out.removeAll(keepingCapacity: true)
            for s in nfd.unicodeScalars where !UnicodeClass.isNonspacingMark(s) { out.append(s) }
        }
        if lowercase {
            if ascii {
                for i in out.indices where out[i].value >= 0x41 && out[i].value <= 0x5A {
                    out[i] = Unicode.Scalar(out[i].value + 32)!
                }
            } else {
                var lowered: [Unicode.Scalar] = []
                lowered.reserveCapacity(out.count)
                for s in out {
                    if s.value < 0x80 {
                        lowered.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
                    } else if s.properties.changesWhenLowercased {
                        lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                    } else {
                        lowered.append(s)
                    }
                }
                out = lowered
            }
        }
    }
}
