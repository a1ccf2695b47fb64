import RaditBase

/// What can be wrong with a GGUF file; each message names the file and what to do.
public enum GGUFError: RaditError, Equatable {
    case truncated(path: String, offset: Int, needed: Int, fileSize: Int, reading: String)
    case badMagic(path: String, found: [UInt8])
    case unsupportedVersion(path: String, version: UInt32)
    case unknownValueType(path: String, key: String, rawType: UInt32)
    case unknownTensorType(path: String, tensor: String, rawType: UInt32)
    case badTensorShape(path: String, tensor: String, dims: [Int], reason: String)
    case tensorOutOfBounds(path: String, tensor: String, start: Int, end: Int, fileSize: Int)
    case badAlignment(path: String, alignment: Int)
    case duplicateTensor(path: String, tensor: String)
    case missingTensor(path: String, tensor: String)
    case missingKey(path: String, key: String)
    case wrongKeyType(path: String, key: String, expected: String, found: GGUFValueType)
    case cannotDequantize(path: String, tensor: String, type: GGMLType)

    public var message: String {
        switch self {
        case let .truncated(path, offset, needed, size, reading):
            return "\(path): GGUF file is truncated: reading \(reading) needs \(needed) bytes at offset \(offset) but the file has \(size) bytes; re-download it (`radit models fetch`)"
        case let .badMagic(path, found):
            let hex = found.map { String($0, radix: 16) }.joined(separator: " ")
            return "\(path): not a GGUF file: magic bytes are [\(hex)], expected \"GGUF\" (47 47 55 46); pass a .gguf model file"
        case let .unsupportedVersion(path, version):
            return "\(path): GGUF version \(version) is not supported (Radit reads versions 2 and 3); convert the model with a current llama.cpp"
        case let .unknownValueType(path, key, raw):
            return "\(path): metadata key '\(key)' has unknown value type \(raw) (known: 0...12); the file is corrupt or from a newer GGUF spec"
        case let .unknownTensorType(path, tensor, raw):
            return "\(path): tensor '\(tensor)' has unknown ggml type \(raw); the file is corrupt or uses a type newer than Radit knows"
        case let .badTensorShape(path, tensor, dims, reason):
            return "\(path): tensor '\(tensor)' has invalid dimensions \(dims): \(reason)"
        case let .tensorOutOfBounds(path, tensor, start, end, size):
            return "\(path): tensor '\(tensor)' data spans bytes \(start)..<\(end) but the file has \(size) bytes; the file is truncated or corrupt"
        case let .badAlignment(path, alignment):
            return "\(path): general.alignment = \(alignment) is invalid (must be a positive power of two)"
        case let .duplicateTensor(path, tensor):
            return "\(path): tensor '\(tensor)' is listed twice; the file is corrupt"
        case let .missingTensor(path, tensor):
            return "\(path): no tensor named '\(tensor)'; list the tensors with `GGUFFile.tensors`"
        case let .missingKey(path, key):
            return "\(path): metadata key '\(key)' is missing"
        case let .wrongKeyType(path, key, expected, found):
            return "\(path): metadata key '\(key)' has type \(found), expected \(expected)"
        case let .cannotDequantize(path, tensor, type):
            return "\(path): tensor '\(tensor)' has type \(type.name), which Radit cannot dequantise (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K); re-quantise the model to one of these"
        }
    }
}
