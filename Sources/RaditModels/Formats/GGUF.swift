import Foundation
import RaditBase
import RaditTensor

/// Where one tensor lives in a GGUF file.
///
/// GGUF lists dimensions fastest-first (`dims[0]` = ne[0] = the contiguous axis, the
/// columns of a matrix). `shape` is the reverse, row-major like numpy and `Tensor`:
/// a weight with dims [576, 49152] has shape [49152, 576] = [rows, cols] = [out, in].
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: fastest-varying first.
    public let dims: [Int]
    public let type: GGMLType
    /// Offset of the data from the start of the data section.
    public let offset: Int
    /// Row-major shape (reversed `dims`).
    public var shape: [Int] { dims.reversed() }
    public var elementCount: Int { dims.reduce(1, *) }
    public var byteCount: Int { elementCount / type.blockSize * type.typeSize }
}

/// A GGUF model file (llama.cpp), memory-mapped: parsing reads the header, metadata and
/// tensor table; tensor data is touched only when a tensor is read.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensor table in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, 32 when absent.
    public let alignment: Int
    /// Absolute offset of the data section.
    public let dataOffset: Int
    private let file: MappedFile
    private let index: [String: Int]

    /// Opens and memory-maps `url`.
    public convenience init(url: URL) throws {
        try self.init(file: MappedFile(url: url))
    }

    /// Parses bytes already in memory or mapped.
    public init(file: MappedFile) throws {
        self.file = file
        path = file.path
        var r = GGUFReader(bytes: file.bytes, path: file.path)
        let magic = try r.bytes(4, "magic")
        guard magic == [0x47, 0x47, 0x55, 0x46] else { throw GGUFError.badMagic(path: path, found: magic) }
        version = try r.u32("version")
        guard version == 2 || version == 3 else { throw GGUFError.unsupportedVersion(path: path, version: version) }
        let tensorCount = try r.count("tensor count")
        let kvCount = try r.count("metadata count")
        var keys: [String] = []
        var meta: [String: GGUFValue] = [:]
        for _ in 0..<kvCount {
            let key = try r.string("metadata key")
            let raw = try r.u32("type of '\(key)'")
            guard let type = GGUFValueType(rawValue: raw) else {
                throw GGUFError.unknownValueType(path: path, key: key, rawType: raw)
            }
            meta[key] = try r.value(type, key: key)
            keys.append(key)
        }
        metadataKeys = keys
        metadata = meta
        var align = 32
        if let a = meta["general.alignment"] {
            guard let v = a.int, v > 0, v & (v - 1) == 0 else { throw GGUFError.badAlignment(path: path, alignment: a.int ?? -1) }
            align = v
        }
        alignment = align
        var infos: [GGUFTensorInfo] = []
        var idx: [String: Int] = [:]
        for _ in 0..<tensorCount {
            let name = try r.string("tensor name")
            let nDims = Int(try r.u32("dimension count of '\(name)'"))
            guard (1...4).contains(nDims) else {
                throw GGUFError.badTensorShape(path: path, tensor: name, dims: [nDims], reason: "GGUF tensors have 1 to 4 dimensions")
            }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try r.u64("dimensions of '\(name)'")
                guard d <= UInt64(Int32.max) else {
                    throw GGUFError.badTensorShape(path: path, tensor: name, dims: dims + [Int(truncatingIfNeeded: d)], reason: "dimension too large")
                }
                dims.append(Int(d))
            }
            let rawType = try r.u32("type of '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw GGUFError.unknownTensorType(path: path, tensor: name, rawType: rawType)
            }
            let offset = try r.u64("offset of '\(name)'")
            guard dims[0] % type.blockSize == 0 else {
                throw GGUFError.badTensorShape(path: path, tensor: name, dims: dims,
                    reason: "ne[0] = \(dims[0]) is not a multiple of the \(type.name) block size \(type.blockSize)")
            }
            // Checked: four corrupt dimensions multiply past Int.max, which unchecked
            // arithmetic would wrap into a small or negative size.
            guard let elements = checkedProduct(dims), elements / type.blockSize * type.typeSize <= file.count else {
                throw GGUFError.badTensorShape(path: path, tensor: name, dims: dims,
                    reason: "its \(type.name) data would be larger than the \(file.count)-byte file")
            }
            guard offset <= UInt64(Int.max / 2) else {
                throw GGUFError.tensorOutOfBounds(path: path, tensor: name, start: Int.max, end: Int.max, fileSize: file.count)
            }
            guard idx[name] == nil else { throw GGUFError.duplicateTensor(path: path, tensor: name) }
            idx[name] = infos.count
            infos.append(GGUFTensorInfo(name: name, dims: dims, type: type, offset: Int(offset)))
        }
        let start = (r.position + align - 1) / align * align
        dataOffset = start
        for t in infos {
            let s = start + t.offset
            let e = s + t.byteCount
            guard e <= file.count else {
                throw GGUFError.tensorOutOfBounds(path: path, tensor: t.name, start: s, end: e, fileSize: file.count)
            }
        }
        tensors = infos
        index = idx
    }

    public func tensorInfo(_ name: String) throws -> GGUFTensorInfo {
        guard let i = index[name] else { throw GGUFError.missingTensor(path: path, tensor: name) }
        return tensors[i]
    }

    /// The raw (possibly quantised) bytes of one tensor, valid while `self` lives.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let t = try tensorInfo(name)
        let s = dataOffset + t.offset
        return try body(UnsafeRawBufferPointer(rebasing: file.bytes[s..<(s + t.byteCount)]))
    }

    /// One tensor dequantised to Float32, in file (row-major) order; reads only its bytes.
    public func dequantize(_ name: String) throws -> [Float] {
        let t = try tensorInfo(name)
        guard t.type.canDequantize else { throw GGUFError.cannotDequantize(path: path, tensor: name, type: t.type) }
        var out = [Float](repeating: 0, count: t.elementCount)
        try withRawBytes(name) { raw in
            out.withUnsafeMutableBufferPointer { dst in
                GGMLDequantize.run(type: t.type, from: raw, to: dst)
            }
        }
        return out
    }

    /// One tensor dequantised into a `Tensor` with the row-major `shape` (reversed dims).
    public func tensor(_ name: String) throws -> Tensor<Float> {
        let t = try tensorInfo(name)
        return Tensor(shape: t.shape, scalars: try dequantize(name))
    }

    // MARK: typed metadata access

    public func value(_ key: String) throws -> GGUFValue {
        guard let v = metadata[key] else { throw GGUFError.missingKey(path: path, key: key) }
        return v
    }

    public func int(_ key: String) throws -> Int {
        let v = try value(key)
        guard let i = v.int else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "integer", found: v.type) }
        return i
    }

    public func double(_ key: String) throws -> Double {
        let v = try value(key)
        guard let d = v.double else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "number", found: v.type) }
        return d
    }

    public func string(_ key: String) throws -> String {
        let v = try value(key)
        guard let s = v.string else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "string", found: v.type) }
        return s
    }

    public func bool(_ key: String) throws -> Bool {
        let v = try value(key)
        guard let b = v.bool else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "bool", found: v.type) }
        return b
    }

    public func strings(_ key: String) throws -> [String] {
        let v = try value(key)
        guard let a = v.array else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "array of strings", found: v.type) }
        return try a.map { e in
            guard let s = e.string else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "array of strings", found: e.type) }
            return s
        }
    }

    public func ints(_ key: String) throws -> [Int] {
        let v = try value(key)
        guard let a = v.array else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "array of integers", found: v.type) }
        return try a.map { e in
            guard let i = e.int else { throw GGUFError.wrongKeyType(path: path, key: key, expected: "array of integers", found: e.type) }
            return i
        }
    }
}

/// A bounds-checked little-endian cursor over the file's bytes.
struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var position = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    mutating func need(_ n: Int, _ what: String) throws {
        guard n >= 0, position <= bytes.count - n else {
            throw GGUFError.truncated(path: path, offset: position, needed: n, fileSize: bytes.count, reading: what)
        }
    }

    mutating func load<T: FixedWidthInteger>(_: T.Type, _ what: String) throws -> T {
        try need(MemoryLayout<T>.size, what)
        let v = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func bytes(_ n: Int, _ what: String) throws -> [UInt8] {
        try need(n, what)
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    mutating func u32(_ what: String) throws -> UInt32 { try load(UInt32.self, what) }
    mutating func u64(_ what: String) throws -> UInt64 { try load(UInt64.self, what) }

    /// A 64-bit count that must fit the remaining bytes (each item needs at least one byte),
    /// so a corrupt count fails as truncation instead of a huge allocation.
    mutating func count(_ what: String) throws -> Int {
        let at = position
        let n = try u64(what)
        guard n <= UInt64(bytes.count - position) else {
            throw GGUFError.truncated(path: path, offset: at, needed: Int(clamping: n), fileSize: bytes.count, reading: "\(what) (\(n) items)")
        }
        return Int(n)
    }

    mutating func string(_ what: String) throws -> String {
        let n = try count("length of \(what)")
        try need(n, what)
        defer { position += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)]), as: UTF8.self)
    }

    mutating func value(_ type: GGUFValueType, key: String) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try load(UInt8.self, key))
        case .int8: return .int8(try load(Int8.self, key))
        case .uint16: return .uint16(try load(UInt16.self, key))
        case .int16: return .int16(try load(Int16.self, key))
        case .uint32: return .uint32(try load(UInt32.self, key))
        case .int32: return .int32(try load(Int32.self, key))
        case .uint64: return .uint64(try load(UInt64.self, key))
        case .int64: return .int64(try load(Int64.self, key))
        case .float32: return .float32(Float(bitPattern: try load(UInt32.self, key)))
        case .float64: return .float64(Double(bitPattern: try load(UInt64.self, key)))
        case .bool: return .bool(try load(UInt8.self, key) != 0)
        case .string: return .string(try string(key))
        case .array:
            let raw = try u32("element type of '\(key)'")
            guard let et = GGUFValueType(rawValue: raw) else {
                throw GGUFError.unknownValueType(path: path, key: key, rawType: raw)
            }
            let n = try count("length of array '\(key)'")
            var items: [GGUFValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(et, key: key)) }
            return .array(elementType: et, items)
        }
    }
}
