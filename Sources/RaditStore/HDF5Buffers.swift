import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Moving data between Swift arrays and HDF5 buffers: dataspaces for shapes, C string
// arrays for variable-length strings, and reading strings of either HDF5 string kind.

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
