/// Dequantisation of ggml block formats to Float32, operation for operation as ggml's
/// `dequantize_row_*` and the `gguf` package's numpy twins do it, so results are
/// bit-identical (every product and sum is a single Float32 operation in the same order).
public enum GGMLDequantize {
    /// Converts `src` (whole blocks of `type`) into `dst` (`blocks × blockSize` floats).
    public static func run(type: GGMLType, from src: UnsafeRawBufferPointer, to dst: UnsafeMutableBufferPointer<Float>) {
        precondition(src.count / type.typeSize * type.blockSize == dst.count && src.count % type.typeSize == 0,
                     "GGMLDequantize: \(src.count) bytes of \(type.name) do not fill \(dst.count) floats")
        let nb = src.count / type.typeSize
        switch type {
        case .f32:
            for i in 0..<dst.count { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f16:
            for i in 0..<dst.count { dst[i] = half(src, 2 * i) }
        case .bf16:
            for i in 0..<dst.count {
                dst[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        case .q8_0:
            for b in 0..<nb {
                let o = b * 34
                let d = half(src, o)
                for j in 0..<32 { dst[32 * b + j] = Float(Int8(bitPattern: src[o + 2 + j])) * d }
            }
        case .q4_0:
            for b in 0..<nb {
                let o = b * 18
                let d = half(src, o)
                for j in 0..<16 {
                    let q = src[o + 2 + j]
                    dst[32 * b + j] = d * Float(Int(q & 0x0F) - 8)
                    dst[32 * b + j + 16] = d * Float(Int(q >> 4) - 8)
                }
            }
        case .q4_1:
            for b in 0..<nb {
                let o = b * 20
                let d = half(src, o), m = half(src, o + 2)
                for j in 0..<16 {
                    let q = src[o + 4 + j]
                    dst[32 * b + j] = d * Float(q & 0x0F) + m
                    dst[32 * b + j + 16] = d * Float(q >> 4) + m
                }
            }
        case .q4_K:
            for b in 0..<nb {
                let o = b * 144
                let d = half(src, o), dmin = half(src, o + 2)
                let scales = o + 4, qs = o + 16
                var y = 256 * b
                for j in 0..<4 {
                    let (sc1, m1) = scaleMinK4(2 * j, src, scales)
                    let (sc2, m2) = scaleMinK4(2 * j + 1, src, scales)
                    let d1 = d * Float(sc1), mm1 = dmin * Float(m1)
                    let d2 = d * Float(sc2), mm2 = dmin * Float(m2)
                    let q = qs + 32 * j
                    for l in 0..<32 { dst[y + l] = d1 * Float(src[q + l] & 0x0F) - mm1 }
                    for l in 0..<32 { dst[y + 32 + l] = d2 * Float(src[q + l] >> 4) - mm2 }
                    y += 64
                }
            }
        case .q6_K:
            for b in 0..<nb {
                let o = b * 210
                var ql = o, qh = o + 128, sc = o + 192
                let d = half(src, o + 208)
                var y = 256 * b
                for _ in 0..<2 {
                    for l in 0..<32 {
                        let i = l / 16
                        let h = src[qh + l]
                        let q1 = Int((src[ql + l] & 0xF) | ((h & 3) << 4)) - 32
                        let q2 = Int((src[ql + l + 32] & 0xF) | (((h >> 2) & 3) << 4)) - 32
                        let q3 = Int((src[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32
                        let q4 = Int((src[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32
                        dst[y + l] = d * Float(Int8(bitPattern: src[sc + i])) * Float(q1)
                        dst[y + l + 32] = d * Float(Int8(bitPattern: src[sc + i + 2])) * Float(q2)
                        dst[y + l + 64] = d * Float(Int8(bitPattern: src[sc + i + 4])) * Float(q3)
                        dst[y + l + 96] = d * Float(Int8(bitPattern: src[sc + i + 6])) * Float(q4)
                    }
                    y += 128; ql += 64; qh += 32; sc += 8
                }
            }
        default:
            preconditionFailure("GGMLDequantize: \(type.name) is not supported; callers check canDequantize")
        }
    }

    @inline(__always)
    static func half(_ p: UnsafeRawBufferPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
    }

    /// ggml's `get_scale_min_k4`: 6-bit scale and min number `j` of a Q4_K block.
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ p: UnsafeRawBufferPointer, _ q: Int) -> (UInt8, UInt8) {
        if j < 4 { return (p[q + j] & 63, p[q + j + 4] & 63) }
        return ((p[q + j + 4] & 0xF) | ((p[q + j - 4] >> 6) << 4), (p[q + j + 4] >> 4) | ((p[q + j] >> 6) << 4))
    }
}
