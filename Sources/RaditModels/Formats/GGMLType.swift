/// Tensor element types of ggml/GGUF (the numbering of ggml.h's `ggml_type`).
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_XXS = 16, iq2_XS = 17, iq3_XXS = 18, iq1_S = 19, iq4_NL = 20, iq3_S = 21, iq2_S = 22
    case iq4_XS = 23, i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_M = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35

    /// Elements per block (1 for plain scalars).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_NL: return 32
        default: return 256
        }
    }

    /// Bytes per block.
    public var typeSize: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8: return 1
        case .i64, .f64: return 8
        case .q4_0: return 2 + 16
        case .q4_1: return 2 + 2 + 16
        case .q5_0: return 2 + 4 + 16
        case .q5_1: return 2 + 2 + 4 + 16
        case .q8_0: return 2 + 32
        case .q8_1: return 4 + 4 + 32
        case .q2_K: return 256 / 16 + 256 / 4 + 2 + 2
        case .q3_K: return 256 / 8 + 256 / 4 + 12 + 2
        case .q4_K: return 2 + 2 + 12 + 256 / 2
        case .q5_K: return 2 + 2 + 12 + 256 / 8 + 256 / 2
        case .q6_K: return 256 / 2 + 256 / 4 + 256 / 16 + 2
        case .q8_K: return 4 + 256 + 2 * 256 / 16
        case .iq2_XXS: return 2 + 256 / 4
        case .iq2_XS: return 2 + 256 / 4 + 256 / 32
        case .iq3_XXS: return 2 + 256 / 4 + 256 / 8
        case .iq1_S: return 2 + 256 / 8 + 256 / 16
        case .iq4_NL: return 2 + 16
        case .iq3_S: return 2 + 256 / 4 + 256 / 8 + 256 / 32 + 4
        case .iq2_S: return 2 + 256 / 4 + 256 / 16
        case .iq4_XS: return 2 + 2 + 256 / 2 + 256 / 64
        case .iq1_M: return 256 / 8 + 256 / 16 + 256 / 32
        case .tq1_0: return 2 + 4 * 13
        case .tq2_0: return 2 + 64
        }
    }

    /// Whether `GGUFFile.dequantize` converts this type to Float32.
    public var canDequantize: Bool {
        switch self {
        case .f32, .f16, .bf16, .q4_0, .q4_1, .q8_0, .q4_K, .q6_K: return true
        default: return false
        }
    }

    /// The name llama.cpp and the `gguf` package print ("Q4_1", "F32", ...).
    public var name: String {
        switch self {
        case .f32: return "F32"
        case .f16: return "F16"
        case .bf16: return "BF16"
        case .f64: return "F64"
        case .i8: return "I8"
        case .i16: return "I16"
        case .i32: return "I32"
        case .i64: return "I64"
        default: return String(describing: self).uppercased()
        }
    }
}
