import Foundation

/// Errors writing a tokenizer as Hugging Face `tokenizer.json`.
public enum TokenizerExportError: Error, Equatable, CustomStringConvertible {
    case unsupported(String)

    public var description: String {
        switch self {
        case let .unsupported(what): return "cannot write this tokenizer as tokenizer.json: \(what)"
        }
    }
}

extension Tokenizer {
    /// The tokenizer as a Hugging Face `tokenizer.json` (format 1.0) that the `tokenizers`
    /// library loads into the same pipeline: byte-level BPE with its vocabulary, merges in
    /// rank order, added tokens, the pre-tokeniser (ByteLevel, optionally after Digits),
    /// the framing tokens as a `TemplateProcessing` post-processor, and the ByteLevel
    /// decoder. Written for tokenizers built from GGUF metadata (SmolLM2) and the byte
    /// vocabulary of tiny models; WordPiece tokenizers are copied from their own file.
    public func huggingFaceJSON() throws -> Data {
        guard case .bpe(let bpe) = model else {
            throw TokenizerExportError.unsupported("only byte-level BPE tokenizers are written (copy a WordPiece tokenizer.json as it is)")
        }
        guard normalizer == nil else { throw TokenizerExportError.unsupported("a BPE tokenizer with a normaliser") }
        func pre(_ p: PreTokenizer) throws -> Any {
            switch p {
            case .byteLevel:
                return ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true] as [String: Any]
            case .digits(let individual):
                return ["type": "Digits", "individual_digits": individual] as [String: Any]
            case .sequence(let stages):
                return ["type": "Sequence", "pretokenizers": try stages.map(pre)] as [String: Any]
            case .bert:
                throw TokenizerExportError.unsupported("a BERT pre-tokeniser on a BPE model")
            }
        }
        var vocab: [String: Int] = [:]
        for (id, t) in bpe.idToToken.enumerated() where vocab[t] == nil { vocab[t] = id }
        let added: [[String: Any]] = addedTokens.sorted { $0.id < $1.id }.map {
            ["id": $0.id, "content": $0.content, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": $0.special]
        }
        func special(_ id: Int) -> (name: String, entry: [String: Any]) {
            let name = token(id)
            return (name, ["id": name, "ids": [id], "tokens": [name]])
        }
        var postProcessor: Any = NSNull()
        if !prefixIds.isEmpty || !suffixIds.isEmpty {
            var single: [[String: Any]] = prefixIds.map { ["SpecialToken": ["id": token($0), "type_id": 0]] }
            single.append(["Sequence": ["id": "A", "type_id": 0]])
            single += suffixIds.map { ["SpecialToken": ["id": token($0), "type_id": 0]] }
            var pair = single
            pair += [["Sequence": ["id": "B", "type_id": 1]]]
            pair += suffixIds.map { ["SpecialToken": ["id": token($0), "type_id": 1]] }
            var specials: [String: Any] = [:]
            for id in prefixIds + suffixIds { let s = special(id); specials[s.name] = s.entry }
            postProcessor = ["type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": specials] as [String: Any]
        }
        let root: [String: Any] = [
            "version": "1.0",
            "truncation": NSNull(),
            "padding": NSNull(),
            "added_tokens": added,
            "normalizer": NSNull(),
            "pre_tokenizer": try pre(preTokenizer),
            "post_processor": postProcessor,
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true] as [String: Any],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                "vocab": vocab, "merges": bpe.orderedMerges.map { [$0.0, $0.1] },
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
