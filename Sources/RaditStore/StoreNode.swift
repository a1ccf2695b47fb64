import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An object inside an open HDF5 file (group or dataset): its path, and its attributes.
/// Objects keep their file open; the file closes when the last of them goes away or when
/// `StoreFile.close()` is called. Not thread-safe: use one file from one thread.
public class StoreNode {
    let handle: HDF5Handle
    let fileHandle: HDF5Handle
    /// The file's path on disk, as error messages name it.
    public let filePath: String
    /// The absolute path inside the file ("/" for the root group).
    public let path: String
    /// Whether the file was opened for writing.
    public let isWritable: Bool

    init(handle: HDF5Handle, fileHandle: HDF5Handle, filePath: String, path: String, isWritable: Bool) {
        self.handle = handle
        self.fileHandle = fileHandle
        self.filePath = filePath
        self.path = path
        self.isWritable = isWritable
    }

    var location: Location { Location(file: filePath, path: path) }

    /// The open id, or `.closed` once the file was closed.
    func id() throws -> hid_t {
        HDF5Library.prepare()
        guard handle.isOpen else { throw StoreError.closed(file: filePath) }
        return handle.raw
    }

    func requireWritable() throws {
        if !isWritable { throw StoreError.readOnly(file: filePath, path: path) }
    }

    /// Absolute path of `name` relative to this object.
    func childPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return path == "/" ? "/" + name : path + "/" + name
    }

    // MARK: Attributes

    /// Names of this object's attributes, in name order.
    public func attributeNames() throws -> [String] {
        let obj = try id()
        let count = try location.check(radit_H5A_count(obj), "counting attributes")
        var names: [String] = []
        for i in 0..<Int(count) {
            let size = try location.check(
                H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), nil, 0, radit_H5P_DEFAULT()),
                "reading attribute name")
            var buffer = [CChar](repeating: 0, count: Int(size) + 1)
            try location.check(
                H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), &buffer, buffer.count,
                                   radit_H5P_DEFAULT()), "reading attribute name")
            names.append(cString(buffer))
        }
        return names
    }

    public func hasAttribute(_ name: String) throws -> Bool {
        try location.check(H5Aexists(try id(), name), "checking attribute \(name)") > 0
    }

    /// Sets (or replaces) an attribute.
    public func setAttribute(_ name: String, _ value: AttributeValue) throws {
        let obj = try id()
        try requireWritable()
        guard !name.isEmpty else { throw StoreError.invalidName(file: filePath, name: name, reason: "empty attribute name") }
        if try hasAttribute(name) {
            try location.check(H5Adelete(obj, name), "replacing attribute \(name)")
        }
        let op = "writing attribute \(name)"
        let count: Int?
        switch value {
        case .int, .double, .string: count = nil
        case .ints(let v): count = v.count
        case .doubles(let v): count = v.count
        case .strings(let v): count = v.count
        }
        let space = try makeSpace(count.map { [$0] } ?? [], location: location)
        func create(_ type: hid_t) throws -> HDF5Handle {
            let a = try location.check(H5Acreate2(obj, name, type, space.raw, radit_H5P_DEFAULT(), radit_H5P_DEFAULT()), op)
            return HDF5Handle(a, closer: H5Aclose)
        }
        switch value {
        case .int(let v):
            var x = Int64(v)
            let attr = try create(radit_H5T_NATIVE_INT64())
            try location.check(H5Awrite(attr.raw, radit_H5T_NATIVE_INT64(), &x), op)
        case .ints(let v):
            let xs = v.map(Int64.init)
            let attr = try create(radit_H5T_NATIVE_INT64())
            if !xs.isEmpty { try location.check(xs.withUnsafeBytes { H5Awrite(attr.raw, radit_H5T_NATIVE_INT64(), $0.baseAddress) }, op) }
        case .double(let v):
            var x = v
            let attr = try create(radit_H5T_NATIVE_DOUBLE())
            try location.check(H5Awrite(attr.raw, radit_H5T_NATIVE_DOUBLE(), &x), op)
        case .doubles(let v):
            let attr = try create(radit_H5T_NATIVE_DOUBLE())
            if !v.isEmpty { try location.check(v.withUnsafeBytes { H5Awrite(attr.raw, radit_H5T_NATIVE_DOUBLE(), $0.baseAddress) }, op) }
        case .string(let s):
            guard let type = variableStringType() else { throw location.error(op) }
            let attr = try create(type.raw)
            try withCStringArray([s]) { try location.check(H5Awrite(attr.raw, type.raw, $0), op) }
        case .strings(let v):
            guard let type = variableStringType() else { throw location.error(op) }
            let attr = try create(type.raw)
            if !v.isEmpty { try withCStringArray(v) { try location.check(H5Awrite(attr.raw, type.raw, $0), op) } }
        }
    }

    /// The attribute's value, or nil when there is none of that name.
    public func attribute(_ name: String) throws -> AttributeValue? {
        let obj = try id()
        guard try hasAttribute(name) else { return nil }
        let op = "reading attribute \(name)"
        let attr = HDF5Handle(try location.check(H5Aopen(obj, name, radit_H5P_DEFAULT()), op), closer: H5Aclose)
        let space = HDF5Handle(try location.check(H5Aget_space(attr.raw), op), closer: H5Sclose)
        let type = HDF5Handle(try location.check(H5Aget_type(attr.raw), op), closer: H5Tclose)
        let isScalar = H5Sget_simple_extent_type(space.raw) == H5S_SCALAR
        let count = Int(try location.check(H5Sget_simple_extent_npoints(space.raw), op))
        switch H5Tget_class(type.raw) {
        case H5T_INTEGER:
            var xs = [Int64](repeating: 0, count: count)
            if count > 0 { try location.check(xs.withUnsafeMutableBytes { H5Aread(attr.raw, radit_H5T_NATIVE_INT64(), $0.baseAddress) }, op) }
            return isScalar ? .int(Int(xs[0])) : .ints(xs.map { Int($0) })
        case H5T_FLOAT:
            var xs = [Double](repeating: 0, count: count)
            if count > 0 { try location.check(xs.withUnsafeMutableBytes { H5Aread(attr.raw, radit_H5T_NATIVE_DOUBLE(), $0.baseAddress) }, op) }
            return isScalar ? .double(xs[0]) : .doubles(xs)
        case H5T_STRING:
            let strings = try readStringBuffer(count: count, fileType: type.raw, location: location, operation: op) { mem, buf in
                H5Aread(attr.raw, mem, buf)
            }
            return isScalar ? .string(strings[0]) : .strings(strings)
        default:
            throw StoreError.wrongAttributeType(file: filePath, path: path, name: name,
                                                expected: "int, double or string (or an array of them)",
                                                found: describeType(type.raw).description)
        }
    }

    public func removeAttribute(_ name: String) throws {
        let obj = try id()
        try requireWritable()
        guard try hasAttribute(name) else { throw StoreError.missing(file: filePath, path: path + "@" + name, kind: "attribute") }
        try location.check(H5Adelete(obj, name), "removing attribute \(name)")
    }

    /// The attribute, which must exist.
    public func requireAttribute(_ name: String) throws -> AttributeValue {
        guard let value = try attribute(name) else {
            throw StoreError.missing(file: filePath, path: path + "@" + name, kind: "attribute")
        }
        return value
    }

    public func intAttribute(_ name: String) throws -> Int {
        let value = try requireAttribute(name)
        guard case .int(let v) = value else { throw wrongAttribute(name, "int", value) }
        return v
    }

    /// A real-valued attribute; integer attributes are converted.
    public func doubleAttribute(_ name: String) throws -> Double {
        let value = try requireAttribute(name)
        switch value {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: throw wrongAttribute(name, "double", value)
        }
    }

    public func stringAttribute(_ name: String) throws -> String {
        let value = try requireAttribute(name)
        guard case .string(let v) = value else { throw wrongAttribute(name, "string", value) }
        return v
    }

    private func wrongAttribute(_ name: String, _ expected: String, _ found: AttributeValue) -> StoreError {
        .wrongAttributeType(file: filePath, path: path, name: name, expected: expected, found: found.kindName)
    }
}

// MARK: Shared helpers

/// A dataspace: scalar for `[]`, simple otherwise (axis 0 unlimited when `extendible`).
func makeSpace(_ shape: [Int], extendible: Bool = false, location: Location) throws -> HDF5Handle {
    let raw: hid_t
    if shape.isEmpty {
        raw = H5Screate(H5S_SCALAR)
    } else {
        let dims = shape.map { hsize_t($0) }
        var maxDims = dims
        if extendible { maxDims[0] = radit_H5S_UNLIMITED() }
        raw = H5Screate_simple(Int32(shape.count), dims, maxDims)
    }
    return HDF5Handle(try location.check(raw, "creating dataspace \(shapeText(shape))"), closer: H5Sclose)
}

/// Calls `body` with an array of C string pointers valid for its duration.
@discardableResult
func withCStringArray<R>(_ strings: [String], _ body: (UnsafeRawPointer) throws -> R) throws -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeBytes { try body($0.baseAddress!) }
}

/// Reads `count` strings, variable- or fixed-length, through `read(memoryType, buffer)`.
func readStringBuffer(count: Int, fileType: hid_t, location: Location, operation: String,
                      read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
    if count == 0 { return [] }
    let mem = HDF5Handle(try location.check(H5Tget_native_type(fileType, H5T_DIR_DEFAULT), operation), closer: H5Tclose)
    if H5Tis_variable_str(fileType) > 0 {
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try location.check(pointers.withUnsafeMutableBytes { read(mem.raw, $0.baseAddress!) }, operation)
        defer { for p in pointers where p != nil { H5free_memory(p) } }
        return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }
    let size = H5Tget_size(fileType)
    let padding = H5Tget_strpad(fileType)
    var bytes = [UInt8](repeating: 0, count: count * size)
    try location.check(bytes.withUnsafeMutableBytes { read(mem.raw, $0.baseAddress!) }, operation)
    return (0..<count).map { i in
        var field = bytes[(i * size)..<((i + 1) * size)]
        if let nul = field.firstIndex(of: 0) { field = field[..<nul] }
        if padding == H5T_STR_SPACEPAD { while field.last == 0x20 { field = field.dropLast() } }
        return String(decoding: field, as: UTF8.self)
    }
}

func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
