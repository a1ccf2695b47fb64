import Foundation
import RaditBase
import RaditTensor

/// Element types of safetensors that Radit reads (all convert to Float32; integers
/// exactly up to 2^24) and writes (F32, F16, BF16).
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    public var byteCount: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// Types the writer produces.
    public var isWritable: Bool { self == .f32 || self == .f16 || self == .bf16 }
}

/// One entry of a safetensors header. `shape` is row-major as written (PyTorch order).
public struct SafetensorsTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Byte range inside the data section (after the 8-byte length and the header).
    public let dataRange: Range<Int>
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A Hugging Face safetensors file, memory-mapped; tensors are converted to Float32 one at
/// a time on request.
public final class SafetensorsFile: @unchecked Sendable {
    public let path: String
    /// Entries in data order.
    public let tensors: [SafetensorsTensorInfo]
    /// The free-form `__metadata__` map.
    public let metadata: [String: String]
    private let file: MappedFile
    private let dataStart: Int
    private let index: [String: Int]

    public convenience init(url: URL) throws {
        try self.init(file: MappedFile(url: url))
    }

    public init(file: MappedFile) throws {
        self.file = file
        path = file.path
        guard file.count >= 8 else { throw SafetensorsError.tooSmall(path: path, fileSize: file.count) }
        let n = UInt64(littleEndian: file.bytes.loadUnaligned(as: UInt64.self))
        guard n <= UInt64(file.count - 8) else {
            throw SafetensorsError.headerTooLong(path: path, headerLength: n, fileSize: file.count)
        }
        let header = Data(file.bytes[8..<(8 + Int(n))])
        dataStart = 8 + Int(n)
        let dataSize = file.count - dataStart
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: header) } catch {
            throw SafetensorsError.badHeader(path: path, reason: "the \(n)-byte header is not JSON (\(error.localizedDescription))")
        }
        guard let root = json as? [String: Any] else {
            throw SafetensorsError.badHeader(path: path, reason: "the header is not a JSON object")
        }
        var meta: [String: String] = [:]
        var infos: [SafetensorsTensorInfo] = []
        for (name, value) in root {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else {
                    throw SafetensorsError.badHeader(path: path, reason: "__metadata__ is not an object")
                }
                for (k, v) in m { meta[k] = v as? String ?? "\(v)" }
                continue
            }
            guard let entry = value as? [String: Any] else {
                throw SafetensorsError.badTensorEntry(path: path, tensor: name, reason: "not an object")
            }
            guard let dtypeName = entry["dtype"] as? String else {
                throw SafetensorsError.badTensorEntry(path: path, tensor: name, reason: "missing string 'dtype'")
            }
            guard let shapeAny = entry["shape"] as? [Any], let shape = Self.ints(shapeAny), shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError.badTensorEntry(path: path, tensor: name, reason: "'shape' is not a list of non-negative integers")
            }
            guard let offAny = entry["data_offsets"] as? [Any], let off = Self.ints(offAny), off.count == 2, off[0] >= 0, off[0] <= off[1] else {
                throw SafetensorsError.badTensorEntry(path: path, tensor: name, reason: "'data_offsets' is not [begin, end] with begin ≤ end")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw SafetensorsError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
            }
            guard off[1] <= dataSize else {
                throw SafetensorsError.offsetsOutOfBounds(path: path, tensor: name, begin: off[0], end: off[1], dataSize: dataSize)
            }
            guard let bytes = checkedProduct(shape + [dtype.byteCount]), bytes == off[1] - off[0] else {
                throw SafetensorsError.sizeMismatch(path: path, tensor: name, shape: shape, dtype: dtypeName, bytes: off[1] - off[0])
            }
            infos.append(SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataRange: off[0]..<off[1]))
        }
        infos.sort { ($0.dataRange.lowerBound, $0.name) < ($1.dataRange.lowerBound, $1.name) }
        tensors = infos
        metadata = meta
        var idx: [String: Int] = [:]
        for (i, t) in infos.enumerated() { idx[t.name] = i }
        index = idx
    }

    private static func ints(_ a: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in a {
            guard let n = v as? NSNumber, let i = Int(exactly: n.doubleValue) else { return nil }
            out.append(i)
        }
        return out
    }

    public func info(_ name: String) throws -> SafetensorsTensorInfo {
        guard let i = index[name] else { throw SafetensorsError.missingTensor(path: path, tensor: name) }
        return tensors[i]
    }

    /// One tensor converted to Float32 (row-major, `info(name).shape`).
    public func floats(_ name: String) throws -> [Float] {
        let t = try info(name)
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[(dataStart + t.dataRange.lowerBound)..<(dataStart + t.dataRange.upperBound)])
        var out = [Float](repeating: 0, count: t.elementCount)
        out.withUnsafeMutableBufferPointer { dst in
            switch t.dtype {
            case .f32: GGMLDequantize.run(type: .f32, from: raw, to: dst)
            case .f16: GGMLDequantize.run(type: .f16, from: raw, to: dst)
            case .bf16: GGMLDequantize.run(type: .bf16, from: raw, to: dst)
            case .f64: for i in 0..<dst.count { dst[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .i64: for i in 0..<dst.count { dst[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .i32: for i in 0..<dst.count { dst[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .i16: for i in 0..<dst.count { dst[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .i8: for i in 0..<dst.count { dst[i] = Float(Int8(bitPattern: raw[i])) }
            case .u8, .bool: for i in 0..<dst.count { dst[i] = Float(raw[i]) }
            }
        }
        return out
    }

    public func tensor(_ name: String) throws -> Tensor<Float> {
        Tensor(shape: try info(name).shape, scalars: try floats(name))
    }
}
