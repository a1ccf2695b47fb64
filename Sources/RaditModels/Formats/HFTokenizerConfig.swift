import Foundation

/// The parts of a Hugging Face `tokenizer_config.json` Radit reads: the BOS/EOS token
/// strings and the chat template (Jinja). A folder without the file has none of them.
public struct HFTokenizerConfig: Sendable, Equatable {
    public var bosToken: String?
    public var eosToken: String?
    public var chatTemplate: String?

    public init(bosToken: String? = nil, eosToken: String? = nil, chatTemplate: String? = nil) {
        self.bosToken = bosToken; self.eosToken = eosToken; self.chatTemplate = chatTemplate
    }

    /// Reads `folder/tokenizer_config.json` when present.
    public static func load(folder: URL) throws -> HFTokenizerConfig {
        let url = folder.appendingPathComponent("tokenizer_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return HFTokenizerConfig() }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw HFConfigError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw HFConfigError.unreadable(path: url.path, reason: "not a JSON object")
        }
        // Token entries are strings or AddedToken objects ({"content": ...}).
        func token(_ key: String) -> String? {
            if let s = root[key] as? String { return s }
            return (root[key] as? [String: Any])?["content"] as? String
        }
        var template = root["chat_template"] as? String
        if template == nil, let named = root["chat_template"] as? [[String: Any]] {
            template = named.first { $0["name"] as? String == "default" }?["template"] as? String
        }
        return HFTokenizerConfig(bosToken: token("bos_token"), eosToken: token("eos_token"), chatTemplate: template)
    }
}
