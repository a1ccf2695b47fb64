import RaditIndex
import RaditTensor

/// The index layer's exact `FlatIndex` (inner product) as the engine's ChunkIndex.
public final class FlatChunkIndex: ChunkIndex {
    public let flat: FlatIndex

    public init(_ flat: FlatIndex) { self.flat = flat }

    /// An inner-product index over the (Nd, D) chunk embeddings.
    public convenience init(embeddings: Tensor<Float>) throws {
        self.init(try FlatIndex(dimension: embeddings.columns, metric: .innerProduct, vectors: embeddings.scalars))
    }

    public var count: Int { flat.count }

    public func vector(_ id: Int) -> [Float] {
        Array(flat.vectors[id * flat.dimension..<(id + 1) * flat.dimension])
    }

    public func search(_ queries: Tensor<Float>, k: Int) throws -> (scores: Tensor<Float>, ids: [[Int]]) {
        let r = try flat.search(queries, k: k)
        let ids = (0..<r.queryCount).map { r.row($0) }
        return (Tensor(shape: [r.queryCount, r.k], scalars: r.scores), ids)
    }
}
