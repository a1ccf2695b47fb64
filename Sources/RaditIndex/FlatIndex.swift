import Dispatch
import RaditTensor

/// Exact search (FAISS `IndexFlatIP` / `IndexFlatL2`): scores come from sgemm over
/// query blocks × database blocks and stream through per-query heaps, so memory stays
/// (queryBlock × databaseBlock) whatever the corpus size. For L2 the block computes
/// 2q·x − ‖x‖² (larger is closer) and reports ‖q‖² − that, clamped at 0 as FAISS does.
public struct FlatIndex: VectorIndex {
    public let dimension: Int
    public let metric: VectorMetric
    /// Queries per sgemm block.
    public var queryBlock: Int
    /// Stored vectors per sgemm block.
    public var databaseBlock: Int
    /// Threads for the heap pass over a block's rows (sgemm uses the BLAS pool).
    public var threads: Int
    /// (N, D) row-major.
    public private(set) var vectors: [Float] = []
    /// (N) ‖x‖², kept for L2.
    public private(set) var squaredNorms: [Float] = []

    public var count: Int { dimension == 0 ? 0 : vectors.count / dimension }

    public init(dimension: Int, metric: VectorMetric = .innerProduct,
                queryBlock: Int = 256, databaseBlock: Int = 4096, threads: Int = 1) {
        precondition(dimension > 0, "FlatIndex: dimension must be > 0")
        precondition(queryBlock > 0 && databaseBlock > 0 && threads > 0, "FlatIndex: block sizes and threads must be > 0")
        self.dimension = dimension
        self.metric = metric
        self.queryBlock = queryBlock
        self.databaseBlock = databaseBlock
        self.threads = threads
    }

    /// Rebuilds an index from stored vectors (the persistence path).
    public init(dimension: Int, metric: VectorMetric, vectors: [Float]) throws(IndexError) {
        guard dimension > 0, vectors.count % dimension == 0 else {
            throw .invalidSetting(name: "vectors", value: "\(vectors.count) values",
                                  reason: "not a multiple of the dimension \(dimension)")
        }
        self.init(dimension: dimension, metric: metric)
        self.vectors = vectors
        self.squaredNorms = Self.norms(vectors, dimension)
    }

    static func norms(_ v: [Float], _ d: Int) -> [Float] {
        v.withUnsafeBufferPointer { p in
            (0..<(v.count / d)).map { i in dot(d, p.baseAddress! + i * d, p.baseAddress! + i * d) }
        }
    }

    public mutating func add(_ batch: Tensor<Float>) throws(IndexError) {
        if batch.count == 0 { return }
        guard batch.rank == 2, batch.columns == dimension else {
            throw .dimensionMismatch(expected: dimension, got: batch.rank == 2 ? batch.columns : batch.count, what: "added vectors")
        }
        vectors.append(contentsOf: batch.scalars)
        squaredNorms.append(contentsOf: Self.norms(batch.scalars, dimension))
    }

    public func search(_ queries: Tensor<Float>, k: Int) throws(IndexError) -> SearchResult {
        try checkQueries(queries, k: k)
        let nq = queries.count / dimension
        var scores = [Float](repeating: paddingScore(metric), count: nq * k)
        var ids = [Int](repeating: -1, count: nq * k)
        if nq == 0 || k == 0 { return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids) }
        let n = count
        let d = dimension
        let qb = min(queryBlock, nq)
        let db = min(databaseBlock, max(n, 1))
        var block = [Float](repeating: 0, count: qb * db) // (qb, db)
        queries.scalars.withUnsafeBufferPointer { qp in
            vectors.withUnsafeBufferPointer { xp in
                squaredNorms.withUnsafeBufferPointer { np in
                    scores.withUnsafeMutableBufferPointer { sp in
                        ids.withUnsafeMutableBufferPointer { ip in
                            block.withUnsafeMutableBufferPointer { bp in
                                searchBlocks(q: qp.baseAddress!, nq: nq, x: xp.baseAddress, n: n, d: d, norms: np.baseAddress,
                                             k: k, qb: qb, db: db, block: bp.baseAddress!,
                                             outScores: sp.baseAddress!, outIDs: ip.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids)
    }

    private func searchBlocks(q: UnsafePointer<Float>, nq: Int, x: UnsafePointer<Float>?, n: Int, d: Int,
                              norms: UnsafePointer<Float>?, k: Int, qb: Int, db: Int,
                              block: UnsafeMutablePointer<Float>,
                              outScores: UnsafeMutablePointer<Float>, outIDs: UnsafeMutablePointer<Int>) {
        let l2 = metric == .l2
        let sizes = UnsafeMutablePointer<Int>.allocate(capacity: qb) // heap fill per query row
        defer { sizes.deallocate() }
        for q0 in stride(from: 0, to: nq, by: qb) {
            let qn = min(qb, nq - q0)
            sizes.initialize(repeating: 0, count: qn)
            if let x {
                for x0 in stride(from: 0, to: n, by: db) {
                    let xn = min(db, n - x0)
                    // (qn, xn) = Q[q0..] · X[x0..]ᵀ, times 2 for L2.
                    if qn == 1 {
                        gemv(.none, m: xn, n: d, alpha: l2 ? 2 : 1, a: x + x0 * d, lda: d, x: q + q0 * d, y: block)
                    } else {
                        gemm(.none, .transposed, m: qn, n: xn, k: d, alpha: l2 ? 2 : 1,
                             a: q + q0 * d, lda: d, b: x + x0 * d, ldb: d, c: block, ldc: xn)
                    }
                    // Rows r0..<r1 of the block stream into their queries' heaps.
                    // Rows are disjoint per thread, so sharing the heaps is safe.
                    nonisolated(unsafe) let pushRows = { (r0: Int, r1: Int) in
                        for i in r0..<r1 {
                            var heap = RowTopK(scores: outScores + (q0 + i) * k, ids: outIDs + (q0 + i) * k, k: k)
                            heap.size = sizes[i]
                            let row = block + i * xn
                            var t = heap.threshold
                            if l2, let norms {
                                for j in 0..<xn {
                                    let s = row[j] - norms[x0 + j]
                                    if s >= t { heap.push(s, x0 + j); t = heap.threshold }
                                }
                            } else {
                                for j in 0..<xn where row[j] >= t {
                                    heap.push(row[j], x0 + j)
                                    t = heap.threshold
                                }
                            }
                            sizes[i] = heap.size
                        }
                    }
                    if threads > 1 && qn >= 2 * threads {
                        let per = (qn + threads - 1) / threads
                        DispatchQueue.concurrentPerform(iterations: threads) { t in
                            let r0 = t * per, r1 = min(qn, r0 + per)
                            if r0 < r1 { pushRows(r0, r1) }
                        }
                    } else {
                        pushRows(0, qn)
                    }
                }
            }
            for i in 0..<qn {
                var heap = RowTopK(scores: outScores + (q0 + i) * k, ids: outIDs + (q0 + i) * k, k: k)
                heap.size = sizes[i]
                heap.finish(padScore: paddingScore(metric))
                if l2 {
                    // ‖q − x‖² = ‖q‖² − (2q·x − ‖x‖²)
                    let qq = dot(d, q + (q0 + i) * d, q + (q0 + i) * d)
                    for j in 0..<heap.size { outScores[(q0 + i) * k + j] = max(0, qq - outScores[(q0 + i) * k + j]) }
                }
            }
        }
    }
}
