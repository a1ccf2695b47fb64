/// Tokens matched in the raw text before normalisation (`added_tokens` of tokenizer.json,
/// control tokens of GGUF): leftmost match wins, the longest at that position.
public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int
    /// Special tokens are skipped by `decode(skipSpecialTokens: true)`.
    public var special: Bool
    public init(content: String, id: Int, special: Bool) {
        self.content = content
        self.id = id
        self.special = special
    }
}

struct AddedTokenMatcher: Sendable {
    let tokens: [AddedToken]
    /// First scalar → (scalars, id), longest first.
    private let byFirst: [UInt32: [([Unicode.Scalar], Int)]]

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens
        var m: [UInt32: [([Unicode.Scalar], Int)]] = [:]
        for t in tokens {
            let s = Array(t.content.unicodeScalars)
            guard let f = s.first else { continue }
            m[f.value, default: []].append((s, t.id))
        }
        for k in m.keys { m[k]!.sort { $0.0.count > $1.0.count } }
        byFirst = m
    }

    /// Calls `text(range)` for stretches between added tokens and `token(id)` for each match.
    func split(_ s: [Unicode.Scalar], text: (Range<Int>) -> Void, token: (Int) -> Void) {
        if byFirst.isEmpty { if !s.isEmpty { text(0..<s.count) }; return }
        var start = 0
        var i = 0
        while i < s.count {
            if let candidates = byFirst[s[i].value] {
                var matched: (Int, Int)? = nil
                for (c, id) in candidates where i + c.count <= s.count {
                    var ok = true
                    for k in 1..<max(c.count, 1) where s[i + k] != c[k] { ok = false; break }
                    if ok { matched = (c.count, id); break }
                }
                if let (len, id) = matched {
                    if start < i { text(start..<i) }
                    token(id)
                    i += len
                    start = i
                    continue
                }
            }
            i += 1
        }
        if start < s.count { text(start..<s.count) }
    }
}
