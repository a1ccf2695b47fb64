import RaditBase

/// What can go wrong building, loading or running a Llama model; messages say how to fix it.
public enum LlamaError: RaditError, Equatable {
    case invalidConfig(String)
    case missingWeight(file: String, name: String)
    case unusedWeights(file: String, names: [String])
    case weightShape(file: String, name: String, expected: [Int], found: [Int])
    case unsupportedArchitecture(file: String, found: String)
    case tokenOutOfRange(token: Int, vocab: Int)
    case emptySequence(index: Int)
    case emptyPrompt(index: Int)
    case sequenceTooLong(length: Int, limit: Int)
    case loraNotEnabled
    case loraMerged

    public var message: String {
        switch self {
        case .invalidConfig(let why): return "invalid Llama config: \(why)"
        case let .missingWeight(file, name): return "\(file): weight '\(name)' is missing; the file is not a complete Llama checkpoint"
        case let .unusedWeights(file, names):
            let shown = names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", … (\(names.count) in all)" : "")
            return "\(file): weights \(shown) have no place in a Llama model (e.g. Qwen2's q/k/v biases); loading without them would compute another model, so this checkpoint is not supported"
        case let .weightShape(file, name, e, f): return "\(file): weight '\(name)' has shape \(f), the config expects \(e); the config and weights disagree"
        case let .unsupportedArchitecture(file, found):
            return "\(file): '\(found)' is not a Llama-family model; give a Llama-family GGUF file "
                + "(general.architecture llama) or HF folder (config.json model_type \(LlamaHFConfig.families.joined(separator: ", ")))"
        case let .tokenOutOfRange(t, v): return "token id \(t) is outside the vocabulary 0..<\(v); the tokenizer does not match the model"
        case .emptySequence(let i): return "sequence \(i) is empty; every sequence needs at least one token"
        case .emptyPrompt(let i): return "pair \(i) has an empty prompt; the first answer token needs a preceding token (prepend BOS)"
        case let .sequenceTooLong(n, limit): return "sequence of \(n) tokens exceeds the limit of \(limit); shorten the prompt or raise the limit"
        case .loraNotEnabled: return "LoRA is not enabled on this model; call enableLoRA(_:) first"
        case .loraMerged: return "LoRA weights are merged into the base; unmerge before training or saving LoRA-only state"
        }
    }
}
