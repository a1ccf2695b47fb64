import RaditBase
import RaditText

/// Errors building a tokenizer from GGUF metadata.
public enum GGUFTokenizerError: RaditError, Equatable {
    case unsupportedModel(path: String, model: String)
    case unsupportedPreTokenizer(path: String, pre: String)

    public var message: String {
        switch self {
        case let .unsupportedModel(path, model):
            return "\(path): tokenizer.ggml.model = '\(model)' is not supported; Radit builds 'gpt2' (byte-level BPE) tokenizers from GGUF, or pass a tokenizer.json"
        case let .unsupportedPreTokenizer(path, pre):
            return "\(path): tokenizer.ggml.pre = '\(pre)' names a pre-tokeniser regex Radit does not implement (known: smollm, starcoder, refact, gpt-2, default); pass the model's tokenizer.json instead"
        }
    }
}

extension GGUFFile {
    /// The byte-level BPE tokenizer stored in `tokenizer.ggml.*`: tokens, merges, token
    /// types (3 = control → special added token, 4 = user-defined → added token), BOS/EOS
    /// ids and `add_bos_token`; the pre-tokeniser follows `tokenizer.ggml.pre` as llama.cpp
    /// maps it ("smollm": each digit alone, then GPT-2's regex).
    public func tokenizer() throws -> Tokenizer {
        let model = try string("tokenizer.ggml.model")
        guard model == "gpt2" else { throw GGUFTokenizerError.unsupportedModel(path: path, model: model) }
        let pre = metadata["tokenizer.ggml.pre"]?.string ?? "default"
        let preTokenizer: PreTokenizer
        switch pre {
        case "smollm", "starcoder", "refact", "codeshell", "exaone", "minerva", "command-r":
            preTokenizer = .sequence([.digits(individualDigits: true), .byteLevel])
        case "gpt-2", "default", "gpt2":
            preTokenizer = .byteLevel
        default:
            throw GGUFTokenizerError.unsupportedPreTokenizer(path: path, pre: pre)
        }
        let tokens = try strings("tokenizer.ggml.tokens")
        let merges = try strings("tokenizer.ggml.merges")
        let types = metadata["tokenizer.ggml.token_type"] != nil ? try ints("tokenizer.ggml.token_type") : []
        let special = types.indices.filter { types[$0] == 3 }
        let userDefined = types.indices.filter { types[$0] == 4 }
        return try Tokenizer.byteLevelBPE(
            tokens: tokens, merges: merges, specialIds: special, userDefinedIds: userDefined,
            preTokenizer: preTokenizer,
            bosId: metadata["tokenizer.ggml.bos_token_id"]?.int, eosId: metadata["tokenizer.ggml.eos_token_id"]?.int,
            addBOS: metadata["tokenizer.ggml.add_bos_token"]?.bool ?? false, path: path)
    }
}
