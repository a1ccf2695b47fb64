import CHDF5

/// Element type of a dataset or attribute as Radit names it (numpy names).
public enum DType: Hashable, Sendable, CustomStringConvertible {
    case float32, float64, int32, int64, uint8
    /// Variable-length (or, when read from other tools, fixed-length) UTF-8 strings.
    case string
    /// Any other HDF5 type, described (readable by `radit inspect`, not by the typed API).
    case other(String)

    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .string: return "string"
        case .other(let text): return text
        }
    }
}

/// The numeric element types the store reads and writes.
public protocol StoreScalar: Sendable {
    static var dtype: DType { get }
}

extension Float: StoreScalar { public static var dtype: DType { .float32 } }
extension Double: StoreScalar { public static var dtype: DType { .float64 } }
extension Int32: StoreScalar { public static var dtype: DType { .int32 } }
extension Int64: StoreScalar { public static var dtype: DType { .int64 } }
extension UInt8: StoreScalar { public static var dtype: DType { .uint8 } }

/// The in-memory HDF5 type of a numeric dtype (HDF5 owns these ids; never close them).
func nativeType(_ dtype: DType) -> hid_t {
    switch dtype {
    case .float32: return radit_H5T_NATIVE_FLOAT()
    case .float64: return radit_H5T_NATIVE_DOUBLE()
    case .int32: return radit_H5T_NATIVE_INT32()
    case .int64: return radit_H5T_NATIVE_INT64()
    case .uint8: return radit_H5T_NATIVE_UINT8()
    case .string, .other: preconditionFailure("nativeType(\(dtype)): not a numeric dtype")
    }
}

/// A variable-length UTF-8 string type, owned by the returned handle.
func variableStringType() -> HDF5Handle? {
    let t = H5Tcopy(radit_H5T_C_S1())
    guard t >= 0 else { return nil }
    let handle = HDF5Handle(t, closer: H5Tclose)
    guard H5Tset_size(t, radit_H5T_VARIABLE()) >= 0, H5Tset_cset(t, H5T_CSET_UTF8) >= 0 else { return nil }
    return handle
}

/// Names the dtype of a stored HDF5 type id.
func describeType(_ type: hid_t) -> DType {
    let size = H5Tget_size(type)
    switch H5Tget_class(type) {
    case H5T_FLOAT:
        switch size {
        case 4: return .float32
        case 8: return .float64
        default: return .other("float\(size * 8)")
        }
    case H5T_INTEGER:
        let signed = H5Tget_sign(type) != H5T_SGN_NONE
        switch (signed, size) {
        case (true, 4): return .int32
        case (true, 8): return .int64
        case (false, 1): return .uint8
        default: return .other("\(signed ? "int" : "uint")\(size * 8)")
        }
    case H5T_STRING:
        return .string
    case H5T_COMPOUND: return .other("compound")
    case H5T_ENUM: return .other("enum")
    case H5T_VLEN: return .other("vlen")
    case H5T_ARRAY: return .other("array")
    case H5T_OPAQUE: return .other("opaque")
    case H5T_REFERENCE: return .other("reference")
    case H5T_BITFIELD: return .other("bitfield")
    default: return .other("unknown")
    }
}
