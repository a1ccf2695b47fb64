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

extension ByteCodec {
    /// The same mapping as a `Tokenizer`: byte-level BPE without merges, byte b ↔ id b + 3
    /// (its byte-level character), `<pad>` = 0, `<s>` = 1 and `</s>` = 2 framing every text.
    /// It lets tiny models export with a tokenizer.json other tools load. (A text holding
    /// the literal string `<s>` encodes differently: the tokenizer matches it as a token.)
    public static func tokenizer() -> Tokenizer {
        let tokens = ["<pad>", "<s>", "</s>"] + ByteLevel.byteToScalar.map { String(Character($0)) }
        let model = try? BPEModel(tokens: tokens, merges: [], path: "ByteCodec")
        return Tokenizer(normalizer: nil, preTokenizer: .byteLevel, model: .bpe(model!),
                         addedTokens: [AddedToken(content: "<pad>", id: 0, special: true),
                                       AddedToken(content: "<s>", id: 1, special: true),
                                       AddedToken(content: "</s>", id: 2, special: true)],
                         prefixIds: [1], suffixIds: [2], decoder: .byteLevel, bosId: 1, eosId: 2)
    }
}
