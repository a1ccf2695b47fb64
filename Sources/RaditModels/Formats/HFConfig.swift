import Foundation
import RaditBase

/// Errors reading a Hugging Face `config.json`.
public enum HFConfigError: RaditError, Equatable {
    case unreadable(path: String, reason: String)
    case wrongModelType(path: String, found: String, expected: [String])

    public var message: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read config.json: \(reason)"
        case let .wrongModelType(path, found, expected):
            return "\(path): model_type is '\(found)', expected one of \(expected); point Radit at a model of that family"
        }
    }
}

/// Decodes a `config.json` with snake_case keys; keys Radit does not use are ignored
/// (HF configs carry many), missing required keys name themselves in the error.
func decodeHFConfig<C: Decodable>(_ type: C.Type, url: URL) throws -> C {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw HFConfigError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    do { return try decoder.decode(C.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
        throw HFConfigError.unreadable(path: url.path, reason: "required key '\(snakeCase(key.stringValue))' is missing")
    } catch let DecodingError.typeMismatch(_, ctx) {
        throw HFConfigError.unreadable(path: url.path, reason: "key '\(ctx.codingPath.map { snakeCase($0.stringValue) }.joined(separator: "."))' has the wrong type")
    } catch {
        throw HFConfigError.unreadable(path: url.path, reason: "\(error)")
    }
}

/// The two keys of a `config.json` that name the model family.
struct HFModelFamily: Decodable {
    var modelType: String?
    var architectures: [String]?
}

/// `rmsNormEps` → `rms_norm_eps`, to name keys as the file spells them.
func snakeCase(_ s: String) -> String {
    var out = ""
    for c in s {
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
    }
    return out
}

/// `config.json` of a BERT-family encoder (all-MiniLM-L6-v2 and kin).
public struct BertConfig: Codable, Sendable, Equatable {
    public var modelType: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: String
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    public var padTokenId: Int?
    public var positionEmbeddingType: String?

    public static func load(url: URL) throws -> BertConfig {
        let c = try decodeHFConfig(BertConfig.self, url: url)
        let known = ["bert", "roberta", "xlm-roberta", "distilbert", "mpnet"]
        guard known.contains(c.modelType) else { throw HFConfigError.wrongModelType(path: url.path, found: c.modelType, expected: known) }
        return c
    }
}

/// `config.json` of a Llama-family decoder in HF layout.
public struct LlamaHFConfig: Codable, Sendable, Equatable {
    public var modelType: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int?
    public var rmsNormEps: Double
    public var ropeTheta: Double?
    public var maxPositionEmbeddings: Int?
    public var tieWordEmbeddings: Bool?
    public var bosTokenId: Int?
    public var eosTokenId: Int?

    /// `model_type` values read as Llama-family models (Qwen2 is not one: its q/k/v biases
    /// have no slot here).
    public static let families = ["llama", "mistral"]

    /// Checks the family (`model_type`, else `architectures`) before anything else, so a
    /// folder of another model says so instead of naming a Llama key it lacks.
    public static func load(url: URL) throws -> LlamaHFConfig {
        let family = try decodeHFConfig(HFModelFamily.self, url: url)
        let type = family.modelType ?? family.architectures?.first.map { $0.lowercased() } ?? ""
        guard families.contains(where: { type == $0 || type.hasPrefix($0 + "for") }) else {
            let found = ([family.modelType].compactMap { $0 } + (family.architectures ?? [])).joined(separator: ", ")
            throw LlamaError.unsupportedArchitecture(file: url.path, found: found.isEmpty ? "no model_type" : found)
        }
        return try decodeHFConfig(LlamaHFConfig.self, url: url)
    }
}
