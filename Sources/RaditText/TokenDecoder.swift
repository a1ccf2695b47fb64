/// Turns tokens back into text (tokenizer.json's `decoder`).
public enum TokenDecoder: Sendable, Equatable {
    /// Byte-level: characters back to bytes, then UTF-8 with U+FFFD for invalid sequences.
    case byteLevel
    /// WordPiece: strip the continuation prefix, join the rest with spaces, optionally
    /// undo the tokenisation spaces before punctuation (per token, as `tokenizers` does).
    case wordPiece(prefix: String, cleanup: Bool)

    public func decode(_ tokens: [String]) -> String {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for t in tokens {
                if let b = ByteLevel.bytes(of: t) { bytes.append(contentsOf: b) } else { bytes.append(contentsOf: t.utf8) }
            }
            return String(decoding: bytes, as: UTF8.self)
        case let .wordPiece(prefix, cleanup):
            var out = ""
            for (i, t) in tokens.enumerated() {
                var piece: String
                if i != 0 {
                    if t.unicodeScalars.starts(with: prefix.unicodeScalars) {
                        piece = String(String.UnicodeScalarView(t.unicodeScalars.dropFirst(prefix.unicodeScalars.count)))
                    } else {
                        piece = " " + t
                    }
                } else {
                    piece = t
                }
                if cleanup { piece = Self.cleanup(piece) }
                out += piece
            }
            return out
        }
    }

    static func cleanup(_ s: String) -> String {
        guard s.utf8.contains(0x20) else { return s }
        var r = s
        for (a, b) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                       (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            r = r.replacingAll(a, with: b)
        }
        return r
    }
}

extension String {
    /// Replaces every non-overlapping occurrence, left to right (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.unicodeScalars)
        let s = Array(unicodeScalars)
        guard !t.isEmpty, s.count >= t.count else { return self }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && s[i] == t[0] && Array(s[i..<(i + t.count)]) == t {
                out.append(contentsOf: replacement.unicodeScalars)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }
}
