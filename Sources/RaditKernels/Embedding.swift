import RaditTensor

/// Embedding lookup: `out (N, C) = table[ids[n]]`, table (V, C), ids (N) in `0..<V`.
@inlinable
public func embeddingForward<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, ids: UnsafePointer<Int32>, table: UnsafePointer<S>,
    count: Int, vocab: Int, dim: Int
) {
    for n in 0..<count {
        let id = Int(ids[n])
        precondition(id >= 0 && id < vocab, "embeddingForward: id \(id) at \(n) outside 0..<\(vocab)")
        (out + n * dim).update(from: table + id * dim, count: dim)
    }
}

/// Backward of `embeddingForward`: scatter-add `dTable[ids[n]] += dOut[n]`; repeated ids add up.
@inlinable
public func embeddingBackward<S: BLASScalar>(
    dTable: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, ids: UnsafePointer<Int32>,
    count: Int, vocab: Int, dim: Int
) {
    for n in 0..<count {
        let id = Int(ids[n])
        precondition(id >= 0 && id < vocab, "embeddingBackward: id \(id) at \(n) outside 0..<\(vocab)")
        axpy(dim, alpha: 1, x: dOut + n * dim, y: dTable + id * dim)
    }
}

/// Naive twin of `embeddingForward`.
@inlinable
public func embeddingForwardNaive<S: BLASScalar>(
    out: UnsafeMutablePointer<S>, ids: UnsafePointer<Int32>, table: UnsafePointer<S>,
    count: Int, vocab: Int, dim: Int
) {
    for n in 0..<count {
        let id = Int(ids[n])
        precondition(id >= 0 && id < vocab, "embeddingForwardNaive: id \(id) outside 0..<\(vocab)")
        for c in 0..<dim { out[n * dim + c] = table[id * dim + c] }
    }
}

/// Naive twin of `embeddingBackward`.
@inlinable
public func embeddingBackwardNaive<S: BLASScalar>(
    dTable: UnsafeMutablePointer<S>, dOut: UnsafePointer<S>, ids: UnsafePointer<Int32>,
    count: Int, vocab: Int, dim: Int
) {
    for n in 0..<count {
        let id = Int(ids[n])
        precondition(id >= 0 && id < vocab, "embeddingBackwardNaive: id \(id) outside 0..<\(vocab)")
        for c in 0..<dim { dTable[id * dim + c] += dOut[n * dim + c] }
    }
}
