// `reconstruct` (FAISS's name): the stored vector of an id. R-ft needs it for
// dL/dq = Σ_c dL/ds_c · d_c over the retrieved chunks' document vectors.

extension FlatIndex {
    public func reconstruct(_ id: Int) throws(IndexError) -> [Float] {
        guard id >= 0 && id < count else { throw .idOutOfRange(id: id, count: count) }
        return Array(vectors[(id * dimension)..<((id + 1) * dimension)])
    }
}

extension HNSWIndex {
    public func reconstruct(_ id: Int) throws(IndexError) -> [Float] {
        guard id >= 0 && id < count else { throw .idOutOfRange(id: id, count: count) }
        return Array(vectors[(id * dimension)..<((id + 1) * dimension)])
    }
}
