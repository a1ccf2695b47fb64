/// The BM25 tokenizer: maximal runs of word characters (Python `re` `\w`: Unicode letters,
/// numbers and `_`), optionally lowercased, optionally without stop words. Matches
/// `re.findall(r"\w+", text.lower())` in Python, the tokenisation the shared-data
/// reference values use.
public struct WordTokenizer: Sendable, Equatable {
    public var lowercase: Bool
    public var stopWords: Set<String>

    /// Lucene's English stop words (the list bm25s calls "en").
    public static let englishStopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
        "they", "this", "to", "was", "will", "with",
    ]

    public init(lowercase: Bool = true, stopWords: Set<String> = []) {
        self.lowercase = lowercase
        self.stopWords = stopWords
    }

    @inline(__always) static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x80 {
            let b = u.value
            return (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
        }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Calls `body` with each token in order.
    public func forEachToken(_ text: String, _ body: (String) -> Void) {
        var text = text
        // ASCII fast path: most corpora are mostly ASCII; any byte ≥ 0x80 takes the scalar path.
        let done = text.withUTF8 { bytes -> Bool in
            if bytes.contains(where: { $0 >= 0x80 }) { return false }
            var token: [UInt8] = []
            token.reserveCapacity(32)
            func emit() {
                if token.isEmpty { return }
                let s = String(decoding: token, as: UTF8.self)
                if stopWords.isEmpty || !stopWords.contains(s) { body(s) }
                token.removeAll(keepingCapacity: true)
            }
            for var b in bytes {
                if (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F {
                    token.append(b)
                } else if b >= 0x41 && b <= 0x5A {
                    if lowercase { b += 32 }
                    token.append(b)
                } else {
                    emit()
                }
            }
            emit()
            return true
        }
        if !done { slowPath(text, body) }
    }

    private func slowPath(_ text: String, _ body: (String) -> Void) {
        // Lowercase first (as Python's text.lower() does), then split on word characters.
        let source = lowercase ? text.lowercased() : text
        var token = String.UnicodeScalarView()
        func emit() {
            if token.isEmpty { return }
            let s = String(token)
            if stopWords.isEmpty || !stopWords.contains(s) { body(s) }
            token = String.UnicodeScalarView()
        }
        for u in source.unicodeScalars {
            if Self.isWordScalar(u) { token.append(u) } else { emit() }
        }
        emit()
    }

    /// The tokens of `text`, in order.
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        forEachToken(text) { out.append($0) }
        return out
    }
}
