import Foundation
import RaditBase
import RaditTensor

/// Writes Float32 tensors as a safetensors file other tools (PyTorch, vLLM, llama.cpp's
/// converter) read; converting to F16/BF16 rounds to nearest even like PyTorch.
public enum SafetensorsWriter {
    /// Writes `tensors` (names unique, in the given order) to `url` atomically
    /// (`AtomicFileWrite`: temporary file, fsync, rename).
    public static func write(_ tensors: [(name: String, tensor: Tensor<Float>)], dtype: SafetensorsDType = .f32,
                             metadata: [String: String] = [:], to url: URL) throws {
        guard dtype.isWritable else { throw SafetensorsError.unsupportedDType(path: url.path, tensor: "*", dtype: dtype.rawValue) }
        var seen = Set<String>()
        var entries: [String] = []
        var offset = 0
        for (name, t) in tensors {
            guard seen.insert(name).inserted else { throw SafetensorsError.duplicateName(tensor: name) }
            let size = t.count * dtype.byteCount
            entries.append("\(jsonQuoted(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(metadata[$0]!))" }.joined(separator: ",")
            entries.insert("\"__metadata__\":{\(m)}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for (_, t) in tensors {
            for v in t.scalars {
                switch dtype {
                case .f32: withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
                case .f16: withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out.append(contentsOf: $0) }
                case .bf16: withUnsafeBytes(of: bf16Bits(v).littleEndian) { out.append(contentsOf: $0) }
                default: break
                }
            }
        }
        do throws(FileSystemError) { try AtomicFileWrite.write(Data(out), to: url) } catch {
            throw SafetensorsError.writeFailed(path: url.path, reason: error.message)
        }
    }

    /// Float32 → bfloat16 with round-to-nearest-even; NaN stays a quiet NaN.
    public static func bf16Bits(_ v: Float) -> UInt16 {
        let b = v.bitPattern
        if v.isNaN { return UInt16(truncatingIfNeeded: (b >> 16) | 0x40) }
        let rounded = UInt64(b) + 0x7FFF + UInt64((b >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }
}
