/// Token id sequences padded into one (B, T) batch with a key padding mask.
public struct BertBatch: Sendable, Equatable {
    /// (B, T) token ids, padding = `padId`.
    public var ids: [Int32]
    /// (B, T) 1 = token, 0 = padding.
    public var mask: [UInt8]
    public var batch: Int
    public var length: Int

    /// Pads `sequences` (already tokenised, with [CLS]/[SEP]) to the longest one. Throws when
    /// an id is outside the vocabulary or a sequence exceeds the position table.
    public init(_ sequences: [[Int]], vocabSize: Int, maxPositions: Int, padId: Int32 = 0) throws {
        batch = sequences.count
        length = sequences.map(\.count).max() ?? 0
        ids = [Int32](repeating: padId, count: batch * length)
        mask = [UInt8](repeating: 0, count: batch * length)
        for (b, seq) in sequences.enumerated() {
            if seq.count > maxPositions {
                throw BertError.sequenceTooLong(sequence: b, length: seq.count, limit: maxPositions)
            }
            for (t, id) in seq.enumerated() {
                guard id >= 0 && id < vocabSize else {
                    throw BertError.tokenOutOfRange(sequence: b, position: t, id: id, vocabSize: vocabSize)
                }
                ids[b * length + t] = Int32(id)
                mask[b * length + t] = 1
            }
        }
    }
}
