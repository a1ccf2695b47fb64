import Foundation
import RaditText

extension BertEncoder {
    /// Writes a sentence-transformers model folder that `SentenceTransformer(folder)`
    /// loads as Radit computes it (Transformer → mean Pooling → Normalize): `config.json`
    /// and `model.safetensors` (`save(directory:)`), `modules.json`,
    /// `sentence_bert_config.json` (`max_seq_length`), `1_Pooling/config.json`,
    /// `2_Normalize/`, `config_sentence_transformers.json`, and the tokenizer:
    /// - a WordPiece model's own `tokenizerFolder` files (`tokenizer.json`, `vocab.txt`,
    ///   `tokenizer_config.json`, `special_tokens_map.json` when present), with the
    ///   tokenizer.json's fixed padding removed and its truncation set to `maxSeqLength`;
    /// - otherwise `tokenizer` written as tokenizer.json (the byte vocabulary of tiny models).
    public func exportSentenceTransformers(to folder: URL, tokenizer: Tokenizer, tokenizerFolder: URL?,
                                           maxSeqLength: Int) throws {
        try save(directory: folder)
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func writeJSON(_ object: Any, _ name: String) throws {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: object, options: options).write(to: url, options: .atomic)
        }
        try writeJSON([
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
            ["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"],
        ], "modules.json")
        try writeJSON([
            "word_embedding_dimension": config.hiddenSize,
            "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false,
            "pooling_mode_mean_sqrt_len_tokens": false, "pooling_mode_weightedmean_tokens": false,
            "pooling_mode_lasttoken": false, "include_prompt": true,
        ] as [String: Any], "1_Pooling/config.json")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("2_Normalize"), withIntermediateDirectories: true)
        try writeJSON(["prompts": [String: String](), "default_prompt_name": NSNull(), "similarity_fn_name": "cosine"] as [String: Any],
                      "config_sentence_transformers.json")

        let truncation: [String: Any] = ["direction": "Right", "max_length": maxSeqLength, "strategy": "LongestFirst", "stride": 0]
        let sourceJSON = tokenizerFolder?.appendingPathComponent("tokenizer.json")
        if case .wordPiece = tokenizer.model, let sourceJSON, FileManager.default.fileExists(atPath: sourceJSON.path) {
            let data = try Data(contentsOf: sourceJSON)
            guard var root = (try JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw BertError.missingFile(path: sourceJSON.path, what: "a tokenizer.json object")
            }
            root["padding"] = NSNull()  // Radit and sentence-transformers pad per batch, never to a fixed length.
            root["truncation"] = truncation
            try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])
                .write(to: folder.appendingPathComponent("tokenizer.json"), options: .atomic)
            for name in ["vocab.txt", "special_tokens_map.json"] {
                let src = tokenizerFolder!.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: src.path) else { continue }
                try Data(contentsOf: src).write(to: folder.appendingPathComponent(name), options: .atomic)
            }
            var tc: [String: Any] = [:]
            let srcConfig = tokenizerFolder!.appendingPathComponent("tokenizer_config.json")
            if let d = try? Data(contentsOf: srcConfig), let o = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any] { tc = o }
            tc["tokenizer_class"] = tc["tokenizer_class"] ?? "BertTokenizer"
            tc["do_lower_case"] = tc["do_lower_case"] ?? (tokenizer.normalizer?.lowercase ?? true)
            for (k, v) in ["unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"] {
                tc[k] = tc[k] ?? v
            }
            tc["model_max_length"] = maxSeqLength
            try writeJSON(tc, "tokenizer_config.json")
        } else {
            guard case .bpe = tokenizer.model else {
                throw BertError.missingFile(path: sourceJSON?.path ?? "tokenizer.json", what: "the WordPiece tokenizer.json to copy")
            }
            try tokenizer.huggingFaceJSON().write(to: folder.appendingPathComponent("tokenizer.json"), options: .atomic)
            var tc: [String: Any] = ["tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": maxSeqLength]
            if let pad = tokenizer.addedTokens.first(where: { $0.id == (config.padTokenId ?? 0) }) { tc["pad_token"] = pad.content }
            try writeJSON(tc, "tokenizer_config.json")
        }
        try writeJSON(["max_seq_length": maxSeqLength, "do_lower_case": false] as [String: Any], "sentence_bert_config.json")
    }
}

extension BertEncoder {
    /// Refuses a sentence-transformers folder whose pipeline Radit would not compute as
    /// written. Radit's encoder is Transformer → mean Pooling → Normalize; a folder whose
    /// `modules.json` names another pooling (CLS, max, last token…), an extra module (Dense…)
    /// or no Normalize would otherwise be embedded differently from
    /// `SentenceTransformer(folder)`, silently. A folder without `modules.json` (a plain
    /// transformers folder, or the default all-MiniLM-L6-v2 as `make models` fetches it) is
    /// taken as mean pooling, as sentence-transformers loads such a folder, and normalised.
    public static func checkSentenceTransformersPipeline(directory: URL) throws {
        let modulesURL = directory.appendingPathComponent("modules.json")
        guard let data = FileManager.default.contents(atPath: modulesURL.path) else { return }
        guard let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw BertError.badConfig(path: modulesURL.path, key: "modules", reason: "expected a JSON array of modules ({\"type\": …, \"path\": …})")
        }
        let types = modules.map { ($0["type"] as? String ?? "").split(separator: ".").last.map(String.init) ?? "" }
        let supported = ["Transformer", "Pooling", "Normalize"]
        if let other = types.firstIndex(where: { !supported.contains($0) }) {
            throw BertError.badConfig(path: modulesURL.path, key: "[\(other)].type",
                                      reason: "module \(String(describing: modules[other]["type"] ?? "(none)")) is not part of Radit's encoder (Transformer → mean Pooling → Normalize); its embeddings would differ from sentence-transformers'. Use a model whose pipeline is exactly those three modules")
        }
        guard let pooling = types.firstIndex(of: "Pooling") else {
            throw BertError.badConfig(path: modulesURL.path, key: "type", reason: "no Pooling module; Radit pools by mean over the tokens, as sentence_transformers.models.Pooling with pooling_mode_mean_tokens does")
        }
        let poolingURL = directory.appendingPathComponent(modules[pooling]["path"] as? String ?? "1_Pooling").appendingPathComponent("config.json")
        guard let poolingData = FileManager.default.contents(atPath: poolingURL.path),
              let config = (try? JSONSerialization.jsonObject(with: poolingData)) as? [String: Any] else {
            throw BertError.badConfig(path: poolingURL.path, key: "pooling_mode_mean_tokens", reason: "the Pooling module's config.json is missing or not a JSON object")
        }
        for (key, value) in config.sorted(by: { $0.key < $1.key }) where key.hasPrefix("pooling_mode_") {
            let on = (value as? Bool) ?? ((value as? NSNumber)?.boolValue ?? false)
            if on != (key == "pooling_mode_mean_tokens") {
                throw BertError.badConfig(path: poolingURL.path, key: key,
                                          reason: "is \(on); Radit's encoder pools by the mean of the tokens only (pooling_mode_mean_tokens = true, every other pooling_mode_* false), so this model's embeddings would differ from sentence-transformers'")
            }
        }
        guard types.contains("Normalize") else {
            throw BertError.badConfig(path: modulesURL.path, key: "type",
                                      reason: "no Normalize module: this model's embeddings are compared unnormalised (dot product), Radit L2-normalises them (cosine), which ranks differently")
        }
    }
}
