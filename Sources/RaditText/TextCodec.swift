/// Text ↔ token ids for a model: a real tokenizer, or bytes for from-scratch tiny models.
/// A codec never pads (batches pad, and mask what they pad) and never truncates on its own:
/// `encodeFramed` cuts to the length its caller states.
public protocol TextCodec: Sendable {
    var vocabularySize: Int { get }
    /// Ids of `text`; `special` adds the model's framing tokens (BOS, or [CLS] … [SEP]).
    func encode(_ text: String, special: Bool) -> [Int]
    func decode(_ ids: [Int]) -> String
    /// Ids of each text with its framing tokens, the content cut from the right so that at
    /// most `maxLength` ids remain (sentence-transformers' truncation at `max_seq_length`).
    func encodeFramed(_ texts: [String], maxLength: Int) -> [[Int]]
}

/// A `Tokenizer` (tokenizer.json or GGUF metadata) as a codec. The padding and truncation a
/// tokenizer.json may carry (MiniLM's pads every text to 128 `[PAD]`s) are dropped here.
public struct TokenizerCodec: TextCodec {
    public let tokenizer: Tokenizer

    public init(_ tokenizer: Tokenizer) {
        var t = tokenizer
        t.padding = nil
        t.truncation = nil
        self.tokenizer = t
    }

    public var vocabularySize: Int { tokenizer.vocabularySize }
    public func encode(_ text: String, special: Bool) -> [Int] { tokenizer.encode(text, addSpecialTokens: special).ids }
    public func decode(_ ids: [Int]) -> String { tokenizer.decode(ids) }

    public func encodeFramed(_ texts: [String], maxLength: Int) -> [[Int]] {
        precondition(maxLength >= tokenizer.prefixIds.count + tokenizer.suffixIds.count,
                     "encodeFramed: maxLength \(maxLength) leaves no room beside the framing tokens")
        var t = tokenizer
        t.truncation = Truncation(maxLength: maxLength)
        return t.encodeBatch(texts).map(\.ids)
    }
}

/// UTF-8 bytes as ids 3…258, with 0 = pad, 1 = begin ([CLS]/BOS), 2 = end ([SEP]):
/// the vocabulary of the tiny from-scratch models used in tests and smoke runs.
public struct ByteCodec: TextCodec {
    public init() {}
    public var vocabularySize: Int { 259 }

    public func encode(_ text: String, special: Bool) -> [Int] {
        let body = text.utf8.map { Int($0) + 3 }
        return special ? [1] + body + [2] : body
    }

    public func decode(_ ids: [Int]) -> String {
        String(decoding: ids.filter { $0 >= 3 && $0 < 259 }.map { UInt8($0 - 3) }, as: UTF8.self)
    }

    public func encodeFramed(_ texts: [String], maxLength: Int) -> [[Int]] {
        precondition(maxLength >= 2, "encodeFramed: maxLength \(maxLength) leaves no room beside [begin] and [end]")
        return texts.map { [1] + encode($0, special: false).prefix(maxLength - 2) + [2] }
    }
}
