import Foundation
import RaditText

extension LlamaModel {
    /// Writes a folder `transformers` loads with `AutoModelForCausalLM` and `AutoTokenizer`
    /// (and Radit with `LlamaBundle(path:)`): the weights with LoRA merged and `config.json`
    /// (`exportHuggingFace(to:tokenizerJSON:)`), `tokenizer.json` written from `tokenizer`,
    /// `tokenizer_config.json` (BOS/EOS tokens and the chat template, Jinja as the model
    /// ships it) and `generation_config.json` (BOS/EOS ids). The live model is unchanged.
    public func exportHuggingFace(to folder: URL, tokenizer: Tokenizer, chatTemplate: String?) throws {
        try exportHuggingFace(to: folder, tokenizerJSON: nil)
        try tokenizer.huggingFaceJSON().write(to: folder.appendingPathComponent("tokenizer.json"), options: .atomic)
        let bos = tokenizer.bosId ?? config.bosToken
        let eos = tokenizer.eosId ?? config.eosToken
        var tokenizerConfig: [String: Any] = [
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": config.maxPositions,
            "clean_up_tokenization_spaces": false,
        ]
        if let bos { tokenizerConfig["bos_token"] = tokenizer.token(bos) }
        if let eos { tokenizerConfig["eos_token"] = tokenizer.token(eos) }
        if let chatTemplate { tokenizerConfig["chat_template"] = chatTemplate }
        var generation: [String: Any] = ["_from_model_config": false]
        if let bos { generation["bos_token_id"] = bos }
        if let eos { generation["eos_token_id"] = eos }
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try JSONSerialization.data(withJSONObject: tokenizerConfig, options: options)
            .write(to: folder.appendingPathComponent("tokenizer_config.json"), options: .atomic)
        try JSONSerialization.data(withJSONObject: generation, options: options)
            .write(to: folder.appendingPathComponent("generation_config.json"), options: .atomic)
    }
}
