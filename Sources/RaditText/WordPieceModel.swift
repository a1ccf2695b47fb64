/// WordPiece (BERT): each word is split greedily into the longest vocabulary entries,
/// continuation pieces carrying the `##` prefix; a word that cannot be split, or longer
/// than `maxInputCharsPerWord`, becomes the unknown token.
public struct WordPieceModel: Sendable {
    public let vocab: [TokenKey: Int]
    public let idToToken: [String]
    public let unkId: Int
    public let continuingSubwordPrefix: String
    public let maxInputCharsPerWord: Int

    public init(vocab: [String: Int], unkToken: String, continuingSubwordPrefix: String = "##",
                maxInputCharsPerWord: Int = 100, path: String) throws {
        var keyed: [TokenKey: Int] = [:]
        for (t, i) in vocab { keyed[TokenKey(t)] = i }
        self.vocab = keyed
        var ids = [String](repeating: "", count: (vocab.values.max() ?? -1) + 1)
        for (t, i) in vocab { ids[i] = t }
        idToToken = ids
        guard let unk = keyed[TokenKey(unkToken)] else { throw TokenizerError.unknownToken(path: path, token: unkToken, role: "unknown") }
        unkId = unk
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// Appends the ids of one word.
    public func encode(_ word: ArraySlice<Unicode.Scalar>, into out: inout [Int]) {
        if word.count > maxInputCharsPerWord { out.append(unkId); return }
        let mark = out.count
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var found = -1
            while start < end {
                var piece = String.UnicodeScalarView()
                if start > word.startIndex { piece.append(contentsOf: continuingSubwordPrefix.unicodeScalars) }
                piece.append(contentsOf: word[start..<end])
                if let id = vocab[TokenKey(String(piece))] { found = id; break }
                end -= 1
            }
            if found < 0 {
                out.removeLast(out.count - mark)
                out.append(unkId)
                return
            }
            out.append(found)
            start = end
        }
    }
}
