/// One stage that splits normalised text into pieces (tokenizer.json's `pre_tokenizer`).
public enum PreTokenizer: Sendable, Equatable {
    /// BERT: split on whitespace (dropped) and isolate each punctuation character.
    case bert
    /// Isolate digits: each one alone (`individualDigits`) or runs of them.
    case digits(individualDigits: Bool)
    /// GPT-2 byte-level pre-tokenisation with its regex (no prefix space).
    case byteLevel
    /// Stages applied one after another to every piece.
    indirect case sequence([PreTokenizer])

    /// Splits every range of `pieces` over `s` and returns the finer ranges.
    public func split(_ s: [Unicode.Scalar], _ pieces: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(pieces.count * 2)
        switch self {
        case .sequence(let stages):
            var current = pieces
            for stage in stages { current = stage.split(s, current) }
            return current
        case .byteLevel:
            for r in pieces { ByteLevel.splitGPT2(s, r, into: &out) }
        case .digits(let individual):
            for r in pieces {
                var start = r.lowerBound
                var i = r.lowerBound
                while i < r.upperBound {
                    if UnicodeClass.isNumber(s[i]) {
                        if start < i { out.append(start..<i) }
                        var k = i + 1
                        if !individual { while k < r.upperBound && UnicodeClass.isNumber(s[k]) { k += 1 } }
                        out.append(i..<k)
                        i = k
                        start = k
                    } else {
                        i += 1
                    }
                }
                if start < r.upperBound { out.append(start..<r.upperBound) }
            }
        case .bert:
            for r in pieces {
                var start = r.lowerBound
                for i in r {
                    let c = s[i]
                    if UnicodeClass.isWhitespace(c) {
                        if start < i { out.append(start..<i) }
                        start = i + 1
                    } else if UnicodeClass.isBertPunctuation(c) {
                        if start < i { out.append(start..<i) }
                        out.append(i..<(i + 1))
                        start = i + 1
                    }
                }
                if start < r.upperBound { out.append(start..<r.upperBound) }
            }
        }
        return out
    }
}
