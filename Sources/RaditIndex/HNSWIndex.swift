import Dispatch
import RaditTensor

/// Hierarchical navigable small-world graph (Malkov & Yashunin 2018, arXiv 1603.09320)
/// for approximate search. Layer 0 keeps up to 2M links per node, upper layers M; links
/// are chosen with the paper's neighbour-selection heuristic (Alg. 4, as FAISS and
/// hnswlib do). Node levels are ⌊−ln(u)·mL⌋, mL = 1/ln M, drawn from a seeded
/// `RandomSource`, and insertion is sequential, so a build is deterministic.
public struct HNSWIndex: VectorIndex {
    public let dimension: Int
    public let metric: VectorMetric
    /// Links per node on upper layers (2M on layer 0).
    public let m: Int
    /// Beam width while inserting.
    public let efConstruction: Int
    /// Beam width while searching (raised to k when smaller).
    public var efSearch: Int
    /// Threads for batched search (queries are independent).
    public var threads: Int
    public let seed: UInt64
    public private(set) var rng: RandomSource
    /// (N, D) row-major.
    public private(set) var vectors: [Float] = []
    /// Level of each node.
    public private(set) var levels: [Int32] = []
    /// (N, 2M) layer-0 links, −1 past the last.
    public private(set) var layer0: [Int32] = []
    /// Per node: levels[i] × M upper links (level 1 first), −1 past the last.
    public private(set) var upper: [[Int32]] = []
    public private(set) var entryPoint: Int = -1
    public private(set) var maxLevel: Int = -1

    public var count: Int { levels.count }
    var capacity0: Int { 2 * m }

    public init(dimension: Int, metric: VectorMetric = .innerProduct, m: Int = 32,
                efConstruction: Int = 40, efSearch: Int = 16, threads: Int = 1, seed: UInt64 = 42) {
        precondition(dimension > 0 && m >= 2 && efConstruction >= 1 && efSearch >= 1 && threads >= 1,
                     "HNSWIndex: dimension > 0, M ≥ 2, efConstruction ≥ 1, efSearch ≥ 1, threads ≥ 1")
        self.dimension = dimension
        self.metric = metric
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.threads = threads
        self.seed = seed
        self.rng = RandomSource(seed: seed)
    }

    /// Rebuilds an index from its stored parts (the persistence path); checks shapes.
    public init(dimension: Int, metric: VectorMetric, m: Int, efConstruction: Int, efSearch: Int, seed: UInt64,
                rng: RandomSource, vectors: [Float], levels: [Int32], layer0: [Int32], upper: [[Int32]],
                entryPoint: Int, maxLevel: Int) throws(IndexError) {
        self.init(dimension: dimension, metric: metric, m: m, efConstruction: efConstruction, efSearch: efSearch, seed: seed)
        let n = levels.count
        guard vectors.count == n * dimension, layer0.count == n * 2 * m, upper.count == n,
              zip(upper, levels).allSatisfy({ $0.count == Int($1) * m }),
              (n == 0 && entryPoint == -1) || (entryPoint >= 0 && entryPoint < n) else {
            throw .invalidSetting(name: "hnsw", value: "\(n) nodes", reason: "stored arrays have inconsistent shapes")
        }
        self.rng = rng
        self.vectors = vectors
        self.levels = levels
        self.layer0 = layer0
        self.upper = upper
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }

    // MARK: links

    @inline(__always) func sim(_ a: UnsafePointer<Float>, _ node: Int, _ x: UnsafePointer<Float>) -> Float {
        similarity(metric, a, x + node * dimension, dimension)
    }

    /// Calls `body` on each neighbour of `node` at `layer`.
    @inline(__always) func forEachNeighbor(_ node: Int, _ layer: Int, _ body: (Int) -> Void) {
        if layer == 0 {
            layer0.withUnsafeBufferPointer { l in
                let base = node * capacity0
                for j in 0..<capacity0 {
                    let v = l[base + j]
                    if v < 0 { break }
                    body(Int(v))
                }
            }
        } else {
            upper[node].withUnsafeBufferPointer { u in
                let base = (layer - 1) * m
                for j in 0..<m {
                    let v = u[base + j]
                    if v < 0 { break }
                    body(Int(v))
                }
            }
        }
    }

    func neighbors(_ node: Int, _ layer: Int) -> [Int] {
        var out: [Int] = []
        forEachNeighbor(node, layer) { out.append($0) }
        return out
    }

    mutating func setNeighbors(_ node: Int, _ layer: Int, _ list: [Int]) {
        if layer == 0 {
            let base = node * capacity0
            for j in 0..<capacity0 { layer0[base + j] = j < list.count ? Int32(list[j]) : -1 }
        } else {
            let base = (layer - 1) * m
            for j in 0..<m { upper[node][base + j] = j < list.count ? Int32(list[j]) : -1 }
        }
    }

    // MARK: search primitives

    /// Greedy walk on one layer from `entry` to a local optimum.
    func greedy(_ q: UnsafePointer<Float>, _ x: UnsafePointer<Float>, entry: Int, entrySim: Float, layer: Int) -> (Int, Float) {
        var best = entry, bestSim = entrySim
        var changed = true
        while changed {
            changed = false
            forEachNeighbor(best, layer) { nb in
                let s = sim(q, nb, x)
                if s > bestSim { bestSim = s; best = nb; changed = true }
            }
        }
        return (best, bestSim)
    }

    /// Beam search of width `ef` on one layer; returns (similarity, node) best first.
    func searchLayer(_ q: UnsafePointer<Float>, _ x: UnsafePointer<Float>, entry: Int, entrySim: Float,
                     ef: Int, layer: Int, visited: inout VisitedSet) -> [(Float, Int)] {
        visited.reset()
        _ = visited.insert(entry)
        var candidates = ScoredHeap(maxOnTop: true)  // best first
        var results = ScoredHeap(maxOnTop: false)    // worst first
        candidates.push(entrySim, entry)
        results.push(entrySim, entry)
        while let (cs, c) = candidates.pop() {
            if results.count >= ef && cs < results.topScore { break }
            forEachNeighbor(c, layer) { nb in
                if visited.insert(nb) {
                    let s = sim(q, nb, x)
                    if results.count < ef || s > results.topScore {
                        candidates.push(s, nb)
                        results.push(s, nb)
                        if results.count > ef { _ = results.pop() }
                    }
                }
            }
        }
        return results.sortedBestFirst()
    }

    /// Alg. 4 (no extension, no kept pruned links): walk candidates best first and keep one
    /// only if it is closer to the base than to every link kept so far.
    func selectNeighbors(_ candidates: [(Float, Int)], max: Int, _ x: UnsafePointer<Float>) -> [Int] {
        if candidates.count <= max { return candidates.map(\.1) }
        var kept: [Int] = []
        for (s, c) in candidates {
            var good = true
            for r in kept where similarity(metric, x + c * dimension, x + r * dimension, dimension) > s {
                good = false
                break
            }
            if good {
                kept.append(c)
                if kept.count == max { break }
            }
        }
        return kept
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
        var visited = VisitedSet(count: first + batch.rows)
        for i in 0..<batch.rows {
            let level = Int((-Double.log(1 - rng.uniform()) * mL).rounded(.down))
            levels.append(Int32(level))
            layer0.append(contentsOf: repeatElement(-1, count: capacity0))
            upper.append([Int32](repeating: -1, count: level * m))
            insert(first + i, level: level, visited: &visited)
        }
    }

    mutating func insert(_ node: Int, level: Int, visited: inout VisitedSet) {
        if entryPoint < 0 {
            entryPoint = node
            maxLevel = level
            return
        }
        // Copy the query vector: `vectors` is read through a pointer while links change.
        let query = Array(vectors[(node * dimension)..<((node + 1) * dimension)])
        let plan: [(layer: Int, links: [Int])] = query.withUnsafeBufferPointer { qp in
            vectors.withUnsafeBufferPointer { xp in
                let q = qp.baseAddress!, x = xp.baseAddress!
                var ep = entryPoint
                var epSim = sim(q, ep, x)
                if maxLevel > level {
                    for layer in stride(from: maxLevel, to: level, by: -1) {
                        (ep, epSim) = greedy(q, x, entry: ep, entrySim: epSim, layer: layer)
                    }
                }
                var plan: [(Int, [Int])] = []
                for layer in stride(from: min(level, maxLevel), through: 0, by: -1) {
                    let w = searchLayer(q, x, entry: ep, entrySim: epSim, ef: efConstruction, layer: layer, visited: &visited)
                    plan.append((layer, selectNeighbors(w, max: layer == 0 ? capacity0 : m, x)))
                    (epSim, ep) = w[0]
                }
                return plan
            }
        }
        for (layer, links) in plan {
            setNeighbors(node, layer, links)
            for nb in links { link(nb, to: node, layer: layer) }
        }
        if level > maxLevel {
            maxLevel = level
            entryPoint = node
        }
    }

    /// Adds the reverse link nb → node, shrinking nb's list with the heuristic when full.
    mutating func link(_ nb: Int, to node: Int, layer: Int) {
        var list = neighbors(nb, layer)
        let cap = layer == 0 ? capacity0 : m
        if list.count < cap {
            list.append(node)
            setNeighbors(nb, layer, list)
            return
        }
        list.append(node)
        let shrunk: [Int] = vectors.withUnsafeBufferPointer { xp in
            let x = xp.baseAddress!
            let scored = list.map { (similarity(metric, x + nb * dimension, x + $0 * dimension, dimension), $0) }
                .sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            return selectNeighbors(scored, max: cap, x)
        }
        setNeighbors(nb, layer, shrunk)
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
        scores.withUnsafeMutableBufferPointer { sp in
            ids.withUnsafeMutableBufferPointer { ip in
                nonisolated(unsafe) let outS = sp.baseAddress!, outI = ip.baseAddress!
                queries.scalars.withUnsafeBufferPointer { qp in
                    vectors.withUnsafeBufferPointer { xp in
                        nonisolated(unsafe) let qs = qp.baseAddress!, x = xp.baseAddress!
                        // Each worker writes only its own rows.
                        nonisolated(unsafe) let work = { (w: Int) in
                            var visited = VisitedSet(count: count)
                            for qi in (w * per)..<min(nq, (w + 1) * per) {
                                let q = qs + qi * dimension
                                var ep = entryPoint
                                var epSim = sim(q, ep, x)
                                if maxLevel > 0 {
                                    for layer in stride(from: maxLevel, through: 1, by: -1) {
                                        (ep, epSim) = greedy(q, x, entry: ep, entrySim: epSim, layer: layer)
                                    }
                                }
                                let w = searchLayer(q, x, entry: ep, entrySim: epSim, ef: ef, layer: 0, visited: &visited)
                                for (j, (s, node)) in w.prefix(k).enumerated() {
                                    outS[qi * k + j] = metric == .l2 ? -s : s
                                    outI[qi * k + j] = node
                                }
                            }
                        }
                        if workers > 1 {
                            DispatchQueue.concurrentPerform(iterations: workers) { work($0) }
                        } else {
                            work(0)
                        }
                    }
                }
            }
        }
        return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids)
    }
}

/// Marks visited nodes with a generation stamp, so clearing is O(1).
struct VisitedSet {
    var stamps: [UInt32]
    var current: UInt32 = 0

    init(count: Int) { stamps = [UInt32](repeating: 0, count: count) }

    mutating func reset() {
        current &+= 1
        if current == 0 {
            for i in stamps.indices { stamps[i] = 0 }
            current = 1
        }
    }

    /// True when `i` was not yet visited (and marks it).
    @inline(__always) mutating func insert(_ i: Int) -> Bool {
        if stamps[i] == current { return false }
        stamps[i] = current
        return true
    }
}

/// A binary heap of (score, node) with either the largest or the smallest score on top.
struct ScoredHeap {
    var scores: [Float] = []
    var nodes: [Int] = []
    let maxOnTop: Bool

    init(maxOnTop: Bool) { self.maxOnTop = maxOnTop }

    var count: Int { scores.count }
    var topScore: Float { scores[0] }

    @inline(__always) func above(_ a: Float, _ b: Float) -> Bool { maxOnTop ? a > b : a < b }

    mutating func push(_ s: Float, _ n: Int) {
        scores.append(s)
        nodes.append(n)
        var i = scores.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            if above(scores[i], scores[p]) {
                scores.swapAt(i, p); nodes.swapAt(i, p); i = p
            } else { break }
        }
    }

    mutating func pop() -> (Float, Int)? {
        guard let s0 = scores.first else { return nil }
        let n0 = nodes[0]
        let ls = scores.removeLast(), ln = nodes.removeLast()
        if !scores.isEmpty {
            var i = 0
            let c = scores.count
            while true {
                let l = 2 * i + 1
                if l >= c { break }
                var best = l
                if l + 1 < c && above(scores[l + 1], scores[l]) { best = l + 1 }
                if above(scores[best], ls) {
                    scores[i] = scores[best]; nodes[i] = nodes[best]; i = best
                } else { break }
            }
            scores[i] = ls; nodes[i] = ln
        }
        return (s0, n0)
    }

    /// All items, best (largest score) first; ties by lower node.
    func sortedBestFirst() -> [(Float, Int)] {
        zip(scores, nodes).map { ($0, $1) }.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    }
}
