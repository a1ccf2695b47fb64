import Foundation
import RaditTensor

/// Hierarchical navigable small-world graph (Malkov & Yashunin 2018, arXiv 1603.09320)
/// for approximate search, built as FAISS's `IndexHNSWFlat` builds it. Layer 0 keeps up to
/// 2M links per node, upper layers M; links are chosen with the paper's neighbour-selection
/// heuristic (Alg. 4). Node levels are ⌊−ln(u)·mL⌋, mL = 1/ln M, drawn from the seeded
/// `rng` in insertion order; nodes then go in highest level first, shuffled within a level,
/// in batches (`HNSWBuild`), so a build is bit-for-bit the same whatever `threads` says.
/// Search is Alg. 2: greedy descent, then a beam of width `efSearch`.
public struct HNSWIndex: VectorIndex {
    public let dimension: Int
    public let metric: VectorMetric
    /// Links per node on upper layers (2M on layer 0).
    public let m: Int
    /// Beam width while inserting.
    public let efConstruction: Int
    /// Beam width while searching (raised to k when smaller).
    public var efSearch: Int
    /// Threads for the build and for batched search; the graph does not depend on it.
    public var threads: Int
    /// Refill the slots the heuristic leaves free with the nearest pruned candidates (Alg. 4's
    /// keepPrunedConnections). Off by default, as in FAISS (`keep_max_size_level0`) and
    /// hnswlib: on, every list stays full, which made builds 2.8× slower for no recall gain
    /// at equal distance computations (benchmarks/index, 100k × 384, one-at-a-time build).
    public var keepPrunedConnections: Bool
    /// Share of a full list left free when the heuristic prunes it for a new reverse link
    /// (FAISS's `prune_headroom`, 0.2 by default there and here), so the next reverse links
    /// are appended without pruning again.
    public var pruneHeadroom: Float
    public let seed: UInt64
    public private(set) var rng: RandomSource
    /// (N, D) row-major.
    public private(set) var vectors: [Float] = []
    /// Level of each node.
    public private(set) var levels: [Int32] = []
    /// (N, 2M) layer-0 links, −1 past the last.
    public private(set) var layer0: [Int32] = []
    /// (Σ levels·M) upper links: node i's levels[i] lists of M (level 1 first), −1 past the last.
    public private(set) var upper: [Int32] = []
    /// (N + 1) where each node's upper lists start in `upper`.
    private(set) var upperStart: [Int] = [0]
    public private(set) var entryPoint: Int = -1
    public private(set) var maxLevel: Int = -1

    public var count: Int { levels.count }

    public init(dimension: Int, metric: VectorMetric = .innerProduct, m: Int = 32,
                efConstruction: Int = 40, efSearch: Int = 16, threads: Int = 1, seed: UInt64 = 42,
                keepPrunedConnections: Bool = false, pruneHeadroom: Float = 0.2) {
        precondition(dimension > 0 && m >= 2 && efConstruction >= 1 && efSearch >= 1 && threads >= 1,
                     "HNSWIndex: dimension > 0, M ≥ 2, efConstruction ≥ 1, efSearch ≥ 1, threads ≥ 1")
        precondition(pruneHeadroom >= 0 && pruneHeadroom < 1, "HNSWIndex: pruneHeadroom in [0, 1)")
        self.dimension = dimension
        self.metric = metric
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.threads = threads
        self.keepPrunedConnections = keepPrunedConnections
        self.pruneHeadroom = pruneHeadroom
        self.seed = seed
        self.rng = RandomSource(seed: seed)
    }

    /// Rebuilds an index from its stored parts (the persistence path); checks shapes.
    public init(dimension: Int, metric: VectorMetric, m: Int, efConstruction: Int, efSearch: Int,
                keepPrunedConnections: Bool = false, pruneHeadroom: Float = 0.2, seed: UInt64,
                rng: RandomSource, vectors: [Float], levels: [Int32], layer0: [Int32], upper: [Int32],
                entryPoint: Int, maxLevel: Int) throws(IndexError) {
        self.init(dimension: dimension, metric: metric, m: m, efConstruction: efConstruction, efSearch: efSearch, seed: seed,
                  keepPrunedConnections: keepPrunedConnections, pruneHeadroom: pruneHeadroom)
        let n = levels.count
        var starts = [0]
        starts.reserveCapacity(n + 1)
        for l in levels { starts.append(starts[starts.count - 1] + Int(l) * m) }
        guard vectors.count == n * dimension, layer0.count == n * 2 * m, upper.count == starts[n],
              levels.allSatisfy({ $0 >= 0 }),
              (n == 0 && entryPoint == -1) || (entryPoint >= 0 && entryPoint < n) else {
            throw .invalidSetting(name: "hnsw", value: "\(n) nodes", reason: "stored arrays have inconsistent shapes")
        }
        self.rng = rng
        self.vectors = vectors
        self.levels = levels
        self.layer0 = layer0
        self.upper = upper
        self.upperStart = starts
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }

    // MARK: VectorIndex

    public mutating func add(_ batch: Tensor<Float>) throws(IndexError) {
        if batch.count == 0 { return }
        guard batch.rank == 2, batch.columns == dimension else {
            throw .dimensionMismatch(expected: dimension, got: batch.rank == 2 ? batch.columns : batch.count, what: "added vectors")
        }
        let first = count
        vectors.append(contentsOf: batch.scalars)
        let mL = 1 / Double.log(Double(m))
        var byLevel: [[Int]] = []
        for node in first..<(first + batch.rows) {
            let level = Int((-Double.log(1 - rng.uniform()) * mL).rounded(.down))
            levels.append(Int32(level))
            layer0.append(contentsOf: repeatElement(-1, count: 2 * m))
            upper.append(contentsOf: repeatElement(-1, count: level * m))
            upperStart.append(upper.count)
            while byLevel.count <= level { byLevel.append([]) }
            byLevel[level].append(node)
        }
        // Highest level first; the shuffle keeps the dataset's order out of the batches. Its
        // generator is seeded apart from `rng` (as FAISS's is), from the seed and the first
        // new id, so the levels are the same however the vectors are split into adds.
        var shuffler = RandomSource(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(first + 1)))
        var order: [Int] = []
        order.reserveCapacity(batch.rows)
        for level in byLevel.indices.reversed() {
            shuffler.shuffle(&byLevel[level])
            order += byLevel[level]
        }
        let total = count, workerCount = min(threads, batch.rows)
        let workers = (0..<workerCount).map { _ in HNSWBuildWorker(nodeCount: total, m: m) }
        var ep = entryPoint, top = maxLevel
        let (ef, keep, headroom) = (efConstruction, keepPrunedConnections, pruneHeadroom)
        withGraph { graph in
            HNSWBuild(graph: graph, efConstruction: ef, keepPruned: keep, pruneHeadroom: headroom, workers: workers)
                .insert(order, nodeCount: total, entryPoint: &ep, maxLevel: &top)
        }
        entryPoint = ep
        maxLevel = top
    }

    public func search(_ queries: Tensor<Float>, k: Int) throws(IndexError) -> SearchResult {
        try checkQueries(queries, k: k)
        let nq = queries.count / dimension
        var scores = [Float](repeating: paddingScore(metric), count: nq * k)
        var ids = [Int](repeating: -1, count: nq * k)
        if nq == 0 || k == 0 || entryPoint < 0 { return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids) }
        let ef = max(efSearch, k)
        let workers = min(threads, nq)
        let per = (nq + workers - 1) / workers
        let (total, entry, top, d, negate) = (count, entryPoint, maxLevel, dimension, metric == .l2)
        scores.withUnsafeMutableBufferPointer { sp in
            ids.withUnsafeMutableBufferPointer { ip in
                queries.scalars.withUnsafeBufferPointer { qp in
                    // Each worker writes only its own rows.
                    nonisolated(unsafe) let (outS, outI, qs) = (sp.baseAddress!, ip.baseAddress!, qp.baseAddress!)
                    readGraph { graph in
                        parallel(workers) { w in
                            let scratch = HNSWScratch(nodeCount: total, m: graph.m)
                            for qi in (w * per)..<min(nq, (w + 1) * per) {
                                let q = qs + qi * d
                                var ep = entry
                                var epSim = graph.sim(q, ep)
                                for layer in stride(from: top, to: 0, by: -1) {
                                    (ep, epSim) = graph.greedy(q, entry: ep, entrySim: epSim, layer: layer)
                                }
                                let n = graph.searchLayer(q, entry: ep, entrySim: epSim, ef: ef, layer: 0, scratch: scratch)
                                for j in 0..<min(k, n) {
                                    let s = scratch.found[j]
                                    outS[qi * k + j] = negate ? -s.score : s.score
                                    outI[qi * k + j] = Int(s.node)
                                }
                            }
                        }
                    }
                }
            }
        }
        return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids)
    }

    // MARK: raw views

    /// The graph over this index's buffers, writable (for `add`).
    private mutating func withGraph(_ body: (HNSWGraph) -> Void) {
        let none = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // stands in for an empty `upper`
        defer { none.deallocate() }
        let (d, metric, m) = (dimension, metric, m)
        vectors.withUnsafeBufferPointer { xp in
            levels.withUnsafeBufferPointer { lp in
                upperStart.withUnsafeBufferPointer { sp in
                    layer0.withUnsafeMutableBufferPointer { l0 in
                        upper.withUnsafeMutableBufferPointer { up in
                            body(HNSWGraph(x: xp.baseAddress!, dimension: d, metric: metric, m: m, layer0: l0.baseAddress!,
                                           upper: up.baseAddress ?? none, upperStart: sp.baseAddress!, levels: lp.baseAddress!))
                        }
                    }
                }
            }
        }
    }

    /// The graph over this index's buffers, read-only (for `search`; never written through).
    private func readGraph(_ body: (HNSWGraph) -> Void) {
        let none = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { none.deallocate() }
        vectors.withUnsafeBufferPointer { xp in
            levels.withUnsafeBufferPointer { lp in
                upperStart.withUnsafeBufferPointer { sp in
                    layer0.withUnsafeBufferPointer { l0 in
                        upper.withUnsafeBufferPointer { up in
                            body(HNSWGraph(x: xp.baseAddress!, dimension: dimension, metric: metric, m: m,
                                           layer0: UnsafeMutablePointer(mutating: l0.baseAddress!),
                                           upper: up.baseAddress.map { UnsafeMutablePointer(mutating: $0) } ?? none,
                                           upperStart: sp.baseAddress!, levels: lp.baseAddress!))
                        }
                    }
                }
            }
        }
    }
}
