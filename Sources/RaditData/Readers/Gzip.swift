import CZlib

/// gzip (RFC 1952) decompression for dataset files; concatenated members (as `cat a.gz
/// b.gz` or pigz write them) decompress to the concatenation of their contents.
enum Gzip {
    /// Whether `bytes` start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed contents; a truncated or damaged stream is `DataError.corruptGzip`
    /// naming `file`.
    static func decompress(_ input: [UInt8], file: String) throws(DataError) -> [UInt8] {
        guard isCompressed(input) else { throw DataError.corruptGzip(file: file, reason: "not gzip data (no 1f 8b magic number)") }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var stream = z_stream()
        guard radit_inflate_init2(&stream, 15 + 32) == Z_OK else {
            throw DataError.corruptGzip(file: file, reason: "zlib could not start (out of memory)")
        }
        defer { inflateEnd(&stream) }
        var consumed = 0
        while true {
            let remaining = input.count - consumed
            let status: Int32 = input.withUnsafeBufferPointer { src in
                chunk.withUnsafeMutableBufferPointer { dst in
                    stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress! + consumed)
                    stream.avail_in = UInt32(remaining)
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(dst.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
            }
            let produced = chunk.count - Int(stream.avail_out)
            out.append(contentsOf: chunk[0..<produced])
            consumed = input.count - Int(stream.avail_in)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // Another member may follow; trailing zero padding (tape archives) is allowed.
                let rest = input[consumed...]
                if rest.allSatisfy({ $0 == 0 }) { return out }
                guard rest.count >= 2 && rest.first == 0x1F && rest.dropFirst().first == 0x8B else {
                    throw DataError.corruptGzip(file: file, reason: "\(rest.count) bytes of garbage after the gzip stream")
                }
                inflateReset(&stream)
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw DataError.corruptGzip(file: file, reason: "truncated: the stream ends before its end marker (after \(out.count) decompressed bytes)")
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError.corruptGzip(file: file, reason: message)
            }
        }
    }
}
