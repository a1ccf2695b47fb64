/// The tokenisation model: byte-level BPE or WordPiece.
public enum TokenizerModel: Sendable {
    case bpe(BPEModel)
    case wordPiece(WordPieceModel)

    public var idToToken: [String] {
        switch self {
        case .bpe(let m): return m.idToToken
        case .wordPiece(let m): return m.idToToken
        }
    }
}

/// A tokenizer as a pipeline of small typed stages, chosen from tokenizer.json or GGUF
/// metadata: added tokens → normaliser → pre-tokeniser → model → post-processor
/// (special tokens around the sequence) → truncation/padding; `decode` runs the decoder.
public struct Tokenizer: Sendable {
    public let normalizer: BertNormalizer?
    public let preTokenizer: PreTokenizer
    public let model: TokenizerModel
    public let addedTokens: [AddedToken]
    /// Ids the post-processor puts before and after a single sequence ([CLS] … [SEP]).
    public let prefixIds: [Int]
    public let suffixIds: [Int]
    public let decoder: TokenDecoder
    public var truncation: Truncation?
    public var padding: Padding?
    /// Ids of the vocabulary's beginning/end-of-sequence tokens, when it names them.
    public var bosId: Int?
    public var eosId: Int?
    private let matcher: AddedTokenMatcher
    private let specialIds: Set<Int>
    private let vocabCount: Int

    public init(normalizer: BertNormalizer?, preTokenizer: PreTokenizer, model: TokenizerModel, addedTokens: [AddedToken],
                prefixIds: [Int] = [], suffixIds: [Int] = [], decoder: TokenDecoder,
                truncation: Truncation? = nil, padding: Padding? = nil, bosId: Int? = nil, eosId: Int? = nil) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.addedTokens = addedTokens
        self.prefixIds = prefixIds
        self.suffixIds = suffixIds
        self.decoder = decoder
        self.truncation = truncation
        self.padding = padding
        self.bosId = bosId
        self.eosId = eosId
        matcher = AddedTokenMatcher(addedTokens)
        specialIds = Set(addedTokens.filter(\.special).map(\.id))
        vocabCount = max(model.idToToken.count, (addedTokens.map(\.id).max() ?? -1) + 1)
    }

    /// Size of the id space (vocabulary plus added tokens).
    public var vocabularySize: Int { vocabCount }

    /// The token string of an id ("" for an id outside the vocabulary).
    public func token(_ id: Int) -> String {
        if let a = addedTokens.first(where: { $0.id == id }) { return a.content }
        let table = model.idToToken
        return id >= 0 && id < table.count ? table[id] : ""
    }

    /// The id of a token string, including added tokens.
    public func id(of token: String) -> Int? {
        if let a = addedTokens.first(where: { $0.content.utf8.elementsEqual(token.utf8) }) { return a.id }
        switch model {
        case .bpe(let m): return m.vocab[TokenKey(token)]
        case .wordPiece(let m): return m.vocab[TokenKey(token)]
        }
    }

    /// Token ids of `text` without special tokens, truncation or padding.
    public func tokenize(_ text: String) -> [Int] {
        var out: [Int] = []
        var cache: [[UInt8]: [Int]] = [:]
        tokenize(text, into: &out, cache: &cache)
        return out
    }

    /// Encodes one text; `addSpecialTokens` applies the post-processor ([CLS]/[SEP] for BERT).
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> Encoding {
        var cache: [[UInt8]: [Int]] = [:]
        var e = encodeOne(text, addSpecialTokens: addSpecialTokens, cache: &cache)
        if let p = padding, case .fixed(let n) = p.length { pad(&e, to: n, p) }
        return e
    }

    /// Encodes a batch; with `.longest` padding every encoding gets the batch's longest length.
    public func encodeBatch(_ texts: [String], addSpecialTokens: Bool = true) -> [Encoding] {
        var cache: [[UInt8]: [Int]] = [:]
        var out = texts.map { encodeOne($0, addSpecialTokens: addSpecialTokens, cache: &cache) }
        if let p = padding {
            let n: Int
            switch p.length {
            case .fixed(let f): n = f
            case .longest: n = out.map(\.count).max() ?? 0
            }
            for i in out.indices { pad(&out[i], to: n, p) }
        }
        return out
    }

    /// Text of `ids`; special tokens are left out when `skipSpecialTokens`.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if skipSpecialTokens && specialIds.contains(id) { continue }
            tokens.append(token(id))
        }
        return decoder.decode(tokens)
    }

    // MARK: pipeline

    private func encodeOne(_ text: String, addSpecialTokens: Bool, cache: inout [[UInt8]: [Int]]) -> Encoding {
        var ids: [Int] = []
        tokenize(text, into: &ids, cache: &cache)
        let pre = addSpecialTokens ? prefixIds : [], post = addSpecialTokens ? suffixIds : []
        if let t = truncation {
            let room = max(0, t.maxLength - pre.count - post.count)
            if ids.count > room { ids.removeLast(ids.count - room) }
        }
        let all = pre + ids + post
        var special = [Int](repeating: 0, count: all.count)
        for i in 0..<pre.count { special[i] = 1 }
        for i in 0..<post.count { special[all.count - 1 - i] = 1 }
        return Encoding(ids: all, typeIds: [Int](repeating: 0, count: all.count),
                        attentionMask: [Int](repeating: 1, count: all.count), specialTokensMask: special)
    }

    private func pad(_ e: inout Encoding, to n: Int, _ p: Padding) {
        let k = n - e.count
        guard k > 0 else { return }
        e.ids += [Int](repeating: p.padId, count: k)
        e.typeIds += [Int](repeating: p.padTypeId, count: k)
        e.attentionMask += [Int](repeating: 0, count: k)
        e.specialTokensMask += [Int](repeating: 1, count: k)
    }

    private func tokenize(_ text: String, into out: inout [Int], cache: inout [[UInt8]: [Int]]) {
        let scalars = Array(text.unicodeScalars)
        var normalized: [Unicode.Scalar] = []
        matcher.split(scalars, text: { range in
            let s: [Unicode.Scalar]
            if let n = normalizer {
                n.normalize(scalars[range], into: &normalized)
                s = normalized
            } else {
                s = Array(scalars[range])
            }
            let pieces = preTokenizer.split(s, [0..<s.count])
            switch model {
            case .bpe(let m):
                var bytes: [UInt8] = []
                for r in pieces {
                    bytes.removeAll(keepingCapacity: true)
                    for c in s[r] { appendUTF8(c, to: &bytes) }
                    if let hit = cache[bytes] { out.append(contentsOf: hit); continue }
                    var ids: [Int] = []
                    m.encode(bytes: bytes, into: &ids)
                    if cache.count < 100_000 { cache[bytes] = ids }
                    out.append(contentsOf: ids)
                }
            case .wordPiece(let m):
                for r in pieces { m.encode(s[r], into: &out) }
            }
        }, token: { out.append($0) })
    }
}

@inline(__always)
func appendUTF8(_ c: Unicode.Scalar, to bytes: inout [UInt8]) {
    let v = c.value
    if v < 0x80 {
        bytes.append(UInt8(v))
    } else if v < 0x800 {
        bytes.append(UInt8(0xC0 | (v >> 6))); bytes.append(UInt8(0x80 | (v & 0x3F)))
    } else if v < 0x10000 {
        bytes.append(UInt8(0xE0 | (v >> 12))); bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F))); bytes.append(UInt8(0x80 | (v & 0x3F)))
    } else {
        bytes.append(UInt8(0xF0 | (v >> 18))); bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
        bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F))); bytes.append(UInt8(0x80 | (v & 0x3F)))
    }
}
