/// Byte-level byte-pair encoding (GPT-2, SmolLM2): a piece's UTF-8 bytes become the
/// byte-level characters of `ByteLevel`, then the merge of lowest rank is applied until
/// none applies. Bytes missing from the vocabulary are dropped (no unknown token), as the
/// `tokenizers` BPE model does when `unk_token` is null.
public struct BPEModel: Sendable {
    public let vocab: [TokenKey: Int]
    public let idToToken: [String]
    /// (left id << 32 | right id) → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]
    /// Vocabulary id of each byte's character, -1 when absent.
    let byteIds: [Int32]

    /// `merges` are "left right" strings in rank order (tokenizer.json's older form and
    /// GGUF's `tokenizer.ggml.merges`). `path` names the source in errors.
    public init(tokens: [String], merges: [(String, String)], path: String) throws {
        var vocab: [TokenKey: Int] = [:]
        vocab.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where vocab[TokenKey(t)] == nil { vocab[TokenKey(t)] = i }
        self.vocab = vocab
        self.idToToken = tokens
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocab[TokenKey(a)], let ib = vocab[TokenKey(b)], let merged = vocab[TokenKey(a + b)] else {
                throw TokenizerError.badMerge(path: path, index: rank, merge: "\(a) \(b)")
            }
            let key = UInt64(ia) << 32 | UInt64(ib)
            if table[key] == nil { table[key] = (Int32(rank), Int32(merged)) }
        }
        self.merges = table
        byteIds = ByteLevel.byteToScalar.map { s in vocab[TokenKey(String(Character(s)))].map(Int32.init) ?? -1 }
    }

    /// The merges as (left, right) token pairs in rank order, as tokenizer.json lists them.
    public var orderedMerges: [(String, String)] {
        merges.sorted { $0.value.rank < $1.value.rank }.map { key, _ in
            (idToToken[Int(key >> 32)], idToToken[Int(key & 0xFFFF_FFFF)])
        }
    }

    /// Appends the ids of one pre-tokenised piece given as UTF-8 bytes.
    public func encode(bytes: [UInt8], into out: inout [Int]) {
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count)
        for b in bytes {
            let id = byteIds[Int(b)]
            if id >= 0 { symbols.append(id) }
        }
        while symbols.count > 1 {
            var bestRank = Int32.max
            var bestAt = -1
            for i in 0..<(symbols.count - 1) {
                if let m = merges[UInt64(symbols[i]) << 32 | UInt64(symbols[i + 1])], m.rank < bestRank {
                    bestRank = m.rank
                    bestAt = i
                }
            }
            if bestAt < 0 { break }
            // Merge every non-overlapping occurrence of the best pair, left to right.
            let left = symbols[bestAt], right = symbols[bestAt + 1]
            let merged = merges[UInt64(left) << 32 | UInt64(right)]!.id
            var w = 0
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
                    symbols[w] = merged
                    i += 2
                } else {
                    symbols[w] = symbols[i]
                    i += 1
                }
                w += 1
            }
            symbols.removeLast(symbols.count - w)
        }
        for s in symbols { out.append(Int(s)) }
    }
}
