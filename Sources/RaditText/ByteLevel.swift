/// GPT-2's reversible map from bytes to printable characters, so that byte-level BPE
/// vocabularies are strings: printable Latin-1 bytes map to themselves, the other 68 bytes
/// to U+0100 onward in order ("Ġ" is the space byte 0x20).
public enum ByteLevel {
    /// `byteToScalar[b]`.
    public static let byteToScalar: [Unicode.Scalar] = {
        var printable = Set<Int>()
        for r in [33...126, 161...172, 174...255] { for b in r { printable.insert(b) } }
        var out = [Unicode.Scalar](repeating: " ", count: 256)
        var next = 0
        for b in 0..<256 {
            if printable.contains(b) { out[b] = Unicode.Scalar(UInt32(b))! } else {
                out[b] = Unicode.Scalar(UInt32(256 + next))!
                next += 1
            }
        }
        return out
    }()

    /// The inverse of `byteToScalar`.
    public static let scalarToByte: [UInt32: UInt8] = {
        var m: [UInt32: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { m[s.value] = UInt8(b) }
        return m
    }()

    /// A byte-level token string back to its bytes; nil when a character is outside the map
    /// (added tokens are then taken as their UTF-8, as the `tokenizers` decoder does).
    public static func bytes(of token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = scalarToByte[s.value] else { return nil }
            out.append(b)
        }
        return out
    }

    /// Splits `s[range]` with GPT-2's pattern
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
    /// scanned by hand (first alternative that matches at each position, as the regex
    /// engine does), appending the matched ranges to `out`.
    public static func splitGPT2(_ s: [Unicode.Scalar], _ range: Range<Int>, into out: inout [Range<Int>]) {
        var i = range.lowerBound
        let n = range.upperBound
        while i < n {
            let c = s[i]
            // Contractions, case-sensitive.
            if c == "'" && i + 1 < n {
                let a = s[i + 1]
                if a == "s" || a == "t" || a == "m" || a == "d" { out.append(i..<(i + 2)); i += 2; continue }
                if i + 2 < n {
                    let b = s[i + 2]
                    if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") {
                        out.append(i..<(i + 3)); i += 3; continue
                    }
                }
            }
            // Optional single space before a letter, number or "other" run.
            var j = i
            if c == " " && i + 1 < n && !UnicodeClass.isWhitespace(s[i + 1]) { j = i + 1 }
            let d = s[j]
            if !UnicodeClass.isWhitespace(d) {
                var k = j + 1
                if UnicodeClass.isLetter(d) {
                    while k < n && UnicodeClass.isLetter(s[k]) { k += 1 }
                } else if UnicodeClass.isNumber(d) {
                    while k < n && UnicodeClass.isNumber(s[k]) { k += 1 }
                } else {
                    while k < n && !UnicodeClass.isWhitespace(s[k]) && !UnicodeClass.isLetter(s[k]) && !UnicodeClass.isNumber(s[k]) { k += 1 }
                }
                out.append(i..<k)
                i = k
                continue
            }
            // A whitespace run: `\s+(?!\S)` leaves the last one for the next token when a
            // non-space follows; a single space before a non-space falls to `\s+`.
            var k = i + 1
            while k < n && UnicodeClass.isWhitespace(s[k]) { k += 1 }
            if k < n && k - i >= 2 { k -= 1 }
            out.append(i..<k)
            i = k
        }
    }
}
