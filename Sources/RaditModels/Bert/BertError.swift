import RaditBase

/// What can go wrong loading or feeding a BERT encoder; each message names the file,
/// key or input and how to fix it.
public enum BertError: RaditError, Equatable {
    case missingFile(path: String, what: String)
    case badConfig(path: String, key: String, reason: String)
    case missingTensor(name: String, path: String)
    case tensorShape(name: String, path: String, expected: [Int], found: [Int])
    case tokenOutOfRange(sequence: Int, position: Int, id: Int, vocabSize: Int)
    case sequenceTooLong(sequence: Int, length: Int, limit: Int)

    public var message: String {
        switch self {
        case .missingFile(let path, let what):
            return "\(path): \(what) not found; point --model at a folder with config.json, model.safetensors and tokenizer.json (run `make models` for the default)"
        case .badConfig(let path, let key, let reason):
            return "\(path): key '\(key)': \(reason)"
        case .missingTensor(let name, let path):
            return "\(path): tensor '\(name)' is missing; is this a BERT checkpoint matching its config.json?"
        case .tensorShape(let name, let path, let expected, let found):
            return "\(path): tensor '\(name)' has shape \(found) but config.json implies \(expected)"
        case .tokenOutOfRange(let s, let p, let id, let v):
            return "sequence \(s), position \(p): token id \(id) outside the vocabulary 0..<\(v); the tokenizer does not match the model"
        case .sequenceTooLong(let s, let n, let limit):
            return "sequence \(s) has \(n) tokens but the model has \(limit) positions; truncate it (maxLength) before encoding"
        }
    }
}
