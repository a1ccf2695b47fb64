import RaditBase

/// What can be wrong with a safetensors file; each message names the file and the key.
public enum SafetensorsError: RaditError, Equatable {
    case tooSmall(path: String, fileSize: Int)
    case headerTooLong(path: String, headerLength: UInt64, fileSize: Int)
    case badHeader(path: String, reason: String)
    case badTensorEntry(path: String, tensor: String, reason: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case offsetsOutOfBounds(path: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    case sizeMismatch(path: String, tensor: String, shape: [Int], dtype: String, bytes: Int)
    case missingTensor(path: String, tensor: String)
    case duplicateName(tensor: String)
    case writeFailed(path: String, reason: String)

    public var message: String {
        switch self {
        case let .tooSmall(path, size):
            return "\(path): safetensors file has \(size) bytes, fewer than the 8-byte header length; the file is truncated"
        case let .headerTooLong(path, n, size):
            return "\(path): safetensors header length is \(n) bytes but the file has only \(size) bytes; the file is truncated or not safetensors"
        case let .badHeader(path, reason):
            return "\(path): safetensors header is not valid: \(reason)"
        case let .badTensorEntry(path, tensor, reason):
            return "\(path): safetensors entry '\(tensor)' is malformed: \(reason)"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor '\(tensor)' has dtype \(dtype); Radit reads F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL and writes F32, F16 and BF16 (convert the checkpoint to one of these)"
        case let .offsetsOutOfBounds(path, tensor, b, e, size):
            return "\(path): tensor '\(tensor)' data_offsets [\(b), \(e)] lie outside the \(size)-byte data section; the file is truncated or corrupt"
        case let .sizeMismatch(path, tensor, shape, dtype, bytes):
            return "\(path): tensor '\(tensor)' has shape \(shape) of \(dtype) but its data_offsets span \(bytes) bytes"
        case let .missingTensor(path, tensor):
            return "\(path): no tensor named '\(tensor)'; list the names with `SafetensorsFile.tensors`"
        case let .duplicateName(tensor):
            return "safetensors writer: tensor name '\(tensor)' is given twice"
        case let .writeFailed(path, reason):
            return "\(path): cannot write safetensors file: \(reason)"
        }
    }
}
