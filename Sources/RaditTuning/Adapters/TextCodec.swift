import RaditText

/// Text ↔ token ids for an adapter: a real tokenizer, or bytes for from-scratch tiny models.
public protocol TextCodec: Sendable {
    var vocabularySize: Int { get }
    /// Ids of `text`; `special` adds the model's framing tokens (BOS, or [CLS] … [SEP]).
    func encode(_ text: String, special: Bool) -> [Int]
    func decode(_ ids: [Int]) -> String
}

/// A `RaditText.Tokenizer` (tokenizer.json or GGUF metadata) as a codec.
public struct TokenizerCodec: TextCodec {
    public let tokenizer: Tokenizer
    public init(_ tokenizer: Tokenizer) { self.tokenizer = tokenizer }
    public var vocabularySize: Int { tokenizer.vocabularySize }
    public func encode(_ text: String, special: Bool) -> [Int] { tokenizer.encode(text, addSpecialTokens: special).ids }
    public func decode(_ ids: [Int]) -> String { tokenizer.decode(ids) }
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
}
