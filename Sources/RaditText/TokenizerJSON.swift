import Foundation

extension Tokenizer {
    /// Builds the pipeline a Hugging Face `tokenizer.json` describes. Supported: models
    /// `WordPiece` and byte-level `BPE`; normaliser `BertNormalizer` or none; pre-tokenisers
    /// `BertPreTokenizer`, `ByteLevel` (no prefix space), `Digits`, `Sequence`;
    /// post-processors `TemplateProcessing`, `BertProcessing`, `ByteLevel`; decoders
    /// `WordPiece`, `ByteLevel`. Anything else is reported by key and type.
    public init(tokenizerJSON url: URL) throws {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(tokenizerJSON: data, path: path)
    }

    public init(tokenizerJSON data: Data, path: String = "tokenizer.json") throws {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TokenizerError.unreadable(path: path, reason: "not a JSON object")
        }
        guard let model = root["model"] as? [String: Any] else { throw TokenizerError.missingKey(path: path, key: "model") }
        let modelType = model["type"] as? String ?? (model["merges"] != nil ? "BPE" : model["vocab"] is [String: Any] ? "WordPiece" : "?")

        var added: [AddedToken] = []
        for case let a as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            guard let content = a["content"] as? String, let id = a["id"] as? Int else {
                throw TokenizerError.badValue(path: path, key: "added_tokens", reason: "each entry needs 'content' and 'id'")
            }
            added.append(AddedToken(content: content, id: id, special: a["special"] as? Bool ?? false))
        }

        let tokenModel: TokenizerModel
        switch modelType {
        case "WordPiece":
            guard let vocab = model["vocab"] as? [String: Int] else { throw TokenizerError.missingKey(path: path, key: "model.vocab") }
            tokenModel = .wordPiece(try WordPieceModel(
                vocab: vocab, unkToken: model["unk_token"] as? String ?? "[UNK]",
                continuingSubwordPrefix: model["continuing_subword_prefix"] as? String ?? "##",
                maxInputCharsPerWord: model["max_input_chars_per_word"] as? Int ?? 100, path: path))
        case "BPE":
            guard let vocab = model["vocab"] as? [String: Int] else { throw TokenizerError.missingKey(path: path, key: "model.vocab") }
            if model["byte_fallback"] as? Bool == true {
                throw TokenizerError.unsupportedStage(path: path, key: "model.byte_fallback", type: "true (SentencePiece-style BPE)")
            }
            var tokens = [String](repeating: "", count: (vocab.values.max() ?? -1) + 1)
            for (t, i) in vocab { tokens[i] = t }
            var merges: [(String, String)] = []
            for (i, m) in (model["merges"] as? [Any] ?? []).enumerated() {
                if let s = m as? String {
                    let parts = s.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2 else { throw TokenizerError.badMerge(path: path, index: i, merge: s) }
                    merges.append((String(parts[0]), String(parts[1])))
                } else if let p = m as? [String], p.count == 2 {
                    merges.append((p[0], p[1]))
                } else {
                    throw TokenizerError.badMerge(path: path, index: i, merge: "\(m)")
                }
            }
            tokenModel = .bpe(try BPEModel(tokens: tokens, merges: merges, path: path))
        default:
            throw TokenizerError.unsupportedModel(path: path, type: modelType)
        }

        var normalizer: BertNormalizer? = nil
        if let n = root["normalizer"] as? [String: Any] {
            let t = n["type"] as? String ?? "?"
            guard t == "BertNormalizer" else { throw TokenizerError.unsupportedStage(path: path, key: "normalizer", type: t) }
            normalizer = BertNormalizer(cleanText: n["clean_text"] as? Bool ?? true,
                                        handleChineseChars: n["handle_chinese_chars"] as? Bool ?? true,
                                        stripAccents: n["strip_accents"] as? Bool,
                                        lowercase: n["lowercase"] as? Bool ?? true)
        }

        func preTokenizer(_ p: [String: Any], _ key: String) throws -> PreTokenizer {
            let t = p["type"] as? String ?? "?"
            switch t {
            case "BertPreTokenizer": return .bert
            case "Digits": return .digits(individualDigits: p["individual_digits"] as? Bool ?? false)
            case "ByteLevel":
                if p["add_prefix_space"] as? Bool == true {
                    throw TokenizerError.unsupportedStage(path: path, key: "\(key).add_prefix_space", type: "true")
                }
                if p["use_regex"] as? Bool == false {
                    throw TokenizerError.unsupportedStage(path: path, key: "\(key).use_regex", type: "false")
                }
                return .byteLevel
            case "Sequence":
                let list = p["pretokenizers"] as? [[String: Any]] ?? []
                return .sequence(try list.enumerated().map { try preTokenizer($1, "\(key).pretokenizers[\($0)]") })
            default: throw TokenizerError.unsupportedStage(path: path, key: key, type: t)
            }
        }
        guard let p = root["pre_tokenizer"] as? [String: Any] else { throw TokenizerError.missingKey(path: path, key: "pre_tokenizer") }
        let pre = try preTokenizer(p, "pre_tokenizer")
        if case .bpe = tokenModel, !Self.containsByteLevel(pre) {
            throw TokenizerError.unsupportedStage(path: path, key: "pre_tokenizer", type: "BPE without ByteLevel")
        }

        func tokenId(_ name: String, _ key: String) throws -> Int {
            if let a = added.first(where: { $0.content.utf8.elementsEqual(name.utf8) }) { return a.id }
            switch tokenModel {
            case .wordPiece(let m): if let i = m.vocab[TokenKey(name)] { return i }
            case .bpe(let m): if let i = m.vocab[TokenKey(name)] { return i }
            }
            throw TokenizerError.unknownToken(path: path, token: name, role: key)
        }

        var prefix: [Int] = [], suffix: [Int] = []
        if let pp = root["post_processor"] as? [String: Any] {
            let t = pp["type"] as? String ?? "?"
            switch t {
            case "TemplateProcessing":
                var seenA = false
                for item in pp["single"] as? [[String: Any]] ?? [] {
                    if let st = item["SpecialToken"] as? [String: Any], let name = st["id"] as? String {
                        let ids = (pp["special_tokens"] as? [String: Any])?[name] as? [String: Any]
                        let resolved = try ids?["ids"] as? [Int] ?? [tokenId(name, "post_processor special")]
                        if seenA { suffix += resolved } else { prefix += resolved }
                    } else if item["Sequence"] != nil {
                        seenA = true
                    }
                }
            case "BertProcessing", "RobertaProcessing":
                if let cls = pp["cls"] as? [Any], let id = cls.last as? Int { prefix = [id] }
                if let sep = pp["sep"] as? [Any], let id = sep.last as? Int { suffix = [id] }
            case "ByteLevel": break
            default: throw TokenizerError.unsupportedStage(path: path, key: "post_processor", type: t)
            }
        }

        var decoder: TokenDecoder
        switch tokenModel {
        case .bpe: decoder = .byteLevel
        case .wordPiece(let m): decoder = .wordPiece(prefix: m.continuingSubwordPrefix, cleanup: true)
        }
        if let d = root["decoder"] as? [String: Any] {
            let t = d["type"] as? String ?? "?"
            switch t {
            case "ByteLevel": decoder = .byteLevel
            case "WordPiece": decoder = .wordPiece(prefix: d["prefix"] as? String ?? "##", cleanup: d["cleanup"] as? Bool ?? true)
            default: throw TokenizerError.unsupportedStage(path: path, key: "decoder", type: t)
            }
        }

        var truncation: Truncation? = nil
        if let t = root["truncation"] as? [String: Any], let n = t["max_length"] as? Int { truncation = Truncation(maxLength: n) }
        var padding: Padding? = nil
        if let p = root["padding"] as? [String: Any] {
            let length: Padding.Length
            if let s = p["strategy"] as? [String: Any], let n = s["Fixed"] as? Int { length = .fixed(n) } else { length = .longest }
            padding = Padding(length: length, padId: p["pad_id"] as? Int ?? 0, padTypeId: p["pad_type_id"] as? Int ?? 0)
        }

        self.init(normalizer: normalizer, preTokenizer: pre, model: tokenModel, addedTokens: added,
                  prefixIds: prefix, suffixIds: suffix, decoder: decoder, truncation: truncation, padding: padding)
    }

    static func containsByteLevel(_ p: PreTokenizer) -> Bool {
        switch p {
        case .byteLevel: return true
        case .sequence(let s): return s.contains(where: containsByteLevel)
        default: return false
        }
    }

    /// A byte-level BPE tokenizer from the pieces GGUF metadata holds (`tokenizer.ggml.*`);
    /// tokens of `specialIds` (GGUF token type 3, control) are matched as special added tokens.
    public static func byteLevelBPE(tokens: [String], merges: [String], specialIds: [Int], userDefinedIds: [Int] = [],
                                    preTokenizer: PreTokenizer, bosId: Int?, eosId: Int?, addBOS: Bool,
                                    path: String) throws -> Tokenizer {
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(merges.count)
        for (i, m) in merges.enumerated() {
            let parts = m.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw TokenizerError.badMerge(path: path, index: i, merge: m) }
            pairs.append((String(parts[0]), String(parts[1])))
        }
        let model = try BPEModel(tokens: tokens, merges: pairs, path: path)
        var added: [AddedToken] = []
        for id in specialIds where id >= 0 && id < tokens.count { added.append(AddedToken(content: tokens[id], id: id, special: true)) }
        for id in userDefinedIds where id >= 0 && id < tokens.count { added.append(AddedToken(content: tokens[id], id: id, special: false)) }
        return Tokenizer(normalizer: nil, preTokenizer: preTokenizer, model: .bpe(model), addedTokens: added,
                         prefixIds: addBOS ? bosId.map { [$0] } ?? [] : [], suffixIds: [], decoder: .byteLevel,
                         bosId: bosId, eosId: eosId)
    }
}
