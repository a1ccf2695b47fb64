import Dispatch
import Foundation
import RaditSIMD
import RaditTensor

/// Hierarchical navigable small-world graph (Malkov & Yashunin 2018, arXiv 1603.09320)
/// for approximate search. Layer 0 keeps up to 2M links per node, upper layers M; links
/// are chosen with the paper's neighbour-selection heuristic (Alg. 4, as FAISS and
/// hnswlib do), and with `keepPrunedConnections` the slots the heuristic leaves free are
/// refilled with the nearest pruned candidates (Alg. 4's keepPrunedConnections), so no
/// node loses reachability when its neighbours' lists shrink. Node levels are
/// ⌊−ln(u)·mL⌋, mL = 1/ln M, drawn from a seeded `RandomSource` in insertion order.
/// With `deterministic` (or one thread) nodes are inserted one after another and a build
/// is bit-for-bit reproducible; otherwise `threads` workers insert concurrently under
/// per-node locks (hnswlib's scheme): same levels, a graph of the same quality, link
/// order depending on scheduling.
public struct HNSWIndex: VectorIndex {
    public let dimension: Int
    public let metric: VectorMetric
    /// Links per node on upper layers (2M on layer 0).
    public let m: Int
    /// Beam width while inserting.
    public let efConstruction: Int
    /// Beam width while searching (raised to k when smaller).
    public var efSearch: Int
    /// Threads for the build (unless `deterministic`) and for batched search.
    public var threads: Int
    /// Serial, bit-for-bit reproducible build whatever `threads` says.
    public var deterministic: Bool
    /// Refill links the heuristic prunes with the nearest pruned candidates.
    public var keepPrunedConnections: Bool
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
                efConstruction: Int = 40, efSearch: Int = 16, threads: Int = 1, seed: UInt64 = 42,
                deterministic: Bool = false, keepPrunedConnections: Bool = true) {
        precondition(dimension > 0 && m >= 2 && efConstruction >= 1 && efSearch >= 1 && threads >= 1,
                     "HNSWIndex: dimension > 0, M ≥ 2, efConstruction ≥ 1, efSearch ≥ 1, threads ≥ 1")
        self.dimension = dimension
        self.metric = metric
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.threads = threads
        self.deterministic = deterministic
        self.keepPrunedConnections = keepPrunedConnections
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

    // MARK: VectorIndex

    public mutating func add(_ batch: Tensor<Float>) throws(IndexError) {
        if batch.count == 0 { return }
        guard batch.rank == 2, batch.columns == dimension else {
            throw .dimensionMismatch(expected: dimension, got: batch.rank == 2 ? batch.columns : batch.count, what: "added vectors")
        }
        let first = count
        vectors.append(contentsOf: batch.scalars)
        let mL = 1 / Double.log(Double(m))
        for _ in 0..<batch.rows {
            let level = Int((-Double.log(1 - rng.uniform()) * mL).rounded(.down))
            levels.append(Int32(level))
            layer0.append(contentsOf: repeatElement(-1, count: capacity0))
            upper.append([Int32](repeating: -1, count: level * m))
        }
        let workers = deterministic ? 1 : min(threads, batch.rows)
        let graph = HNSWBuild(self, concurrent: workers > 1)
        defer { graph.release() }
        var next = first
        if graph.entryPoint < 0 {
            graph.entryPoint = first
            graph.maxLevel = Int(levels[first])
            next += 1
        }
        let end = count, start = next
        if workers > 1 {
            // Interleaved static assignment keeps insertion roughly in index order.
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var visited = VisitedSet(count: end)
                var node = start + w
                while node < end {
                    graph.insert(node, visited: &visited)
                    node += workers
                }
            }
        } else {
            var visited = VisitedSet(count: end)
            for node in start..<end { graph.insert(node, visited: &visited) }
        }
        graph.store(into: &self)
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
                        layer0.withUnsafeBufferPointer { lp in
                            nonisolated(unsafe) let qs = qp.baseAddress!
                            nonisolated(unsafe) let links = FrozenLinks(layer0: lp.baseAddress!, capacity0: capacity0, m: m, upper: upper)
                            nonisolated(unsafe) let x = xp.baseAddress!
                            // Each worker writes only its own rows.
                            nonisolated(unsafe) let work = { (w: Int) in
                                var visited = VisitedSet(count: count)
                                let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: capacity0)
                                defer { scratch.deallocate() }
                                let walk = HNSWWalk(links: links, x: x, dimension: dimension, metric: metric, scratch: scratch)
                                for qi in (w * per)..<min(nq, (w + 1) * per) {
                                    let q = qs + qi * dimension
                                    var ep = entryPoint
                                    var epSim = walk.sim(q, ep)
                                    if maxLevel > 0 {
                                        for layer in stride(from: maxLevel, through: 1, by: -1) {
                                            (ep, epSim) = walk.greedy(q, entry: ep, entrySim: epSim, layer: layer)
                                        }
                                    }
                                    let found = walk.searchLayer(q, entry: ep, entrySim: epSim, ef: ef, layer: 0, visited: &visited)
                                    for (j, (s, node)) in found.prefix(k).enumerated() {
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
        }
        return SearchResult(queryCount: nq, k: k, scores: scores, ids: ids)
    }
}

// MARK: graph walking

/// Read access to adjacency lists for the search primitives.
protocol HNSWLinks {
    /// Copies `node`'s links on `layer` into `out` (room for 2M); returns how many.
    func neighbors(_ node: Int, _ layer: Int, into out: UnsafeMutablePointer<Int32>) -> Int
}

/// The finished graph, read without locks.
struct FrozenLinks: HNSWLinks {
    let layer0: UnsafePointer<Int32>
    let capacity0: Int, m: Int
    let upper: [[Int32]]

    @inline(__always) func neighbors(_ node: Int, _ layer: Int, into out: UnsafeMutablePointer<Int32>) -> Int {
        if layer == 0 { return copyLinks(layer0 + node * capacity0, capacity0, out) }
        return upper[node].withUnsafeBufferPointer { copyLinks($0.baseAddress! + (layer - 1) * m, m, out) }
    }
}

/// Copies a −1-terminated list of at most `cap` links; returns its length.
@inline(__always) func copyLinks(_ list: UnsafePointer<Int32>, _ cap: Int, _ out: UnsafeMutablePointer<Int32>) -> Int {
    var n = 0
    while n < cap, list[n] >= 0 { out[n] = list[n]; n += 1 }
    return n
}

/// Greedy descent and beam search over any `HNSWLinks`; `scratch` holds 2M ids.
struct HNSWWalk<L: HNSWLinks> {
    let links: L
    let x: UnsafePointer<Float>
    let dimension: Int
    let metric: VectorMetric
    let scratch: UnsafeMutablePointer<Int32>

    @inline(__always) func sim(_ q: UnsafePointer<Float>, _ node: Int) -> Float {
        similarity(metric, q, x + node * dimension, dimension)
    }

    /// Greedy walk on one layer from `entry` to a local optimum.
    func greedy(_ q: UnsafePointer<Float>, entry: Int, entrySim: Float, layer: Int) -> (Int, Float) {
        var best = entry, bestSim = entrySim
        var changed = true
        while changed {
            changed = false
            let n = links.neighbors(best, layer, into: scratch)
            for j in 0..<n {
                let nb = Int(scratch[j])
                let s = sim(q, nb)
                if s > bestSim { bestSim = s; best = nb; changed = true }
            }
        }
        return (best, bestSim)
    }

    /// Beam search of width `ef` on one layer; returns (similarity, node) best first.
    /// Unvisited neighbours' vectors are prefetched before their distances are computed.
    func searchLayer(_ q: UnsafePointer<Float>, entry: Int, entrySim: Float, ef: Int, layer: Int,
                     visited: inout VisitedSet) -> [(Float, Int)] {
        visited.reset()
        _ = visited.insert(entry)
        var candidates = ScoredHeap(maxOnTop: true)  // best first
        var results = ScoredHeap(maxOnTop: false)    // worst first
        candidates.push(entrySim, entry)
        results.push(entrySim, entry)
        let bytes = min(dimension * 4, 256)
        while let (cs, c) = candidates.pop() {
            if results.count >= ef && cs < results.topScore { break }
            let n = links.neighbors(c, layer, into: scratch)
            var fresh = 0
            for j in 0..<n {
                let nb = Int(scratch[j])
                if visited.insert(nb) {
                    scratch[fresh] = Int32(nb)
                    fresh += 1
                    radit_prefetch(x + nb * dimension, bytes)
                }
            }
            for j in 0..<fresh {
                let nb = Int(scratch[j])
                let s = sim(q, nb)
                if results.count < ef || s > results.topScore {
                    candidates.push(s, nb)
                    results.push(s, nb)
                    if results.count > ef { _ = results.pop() }
                }
            }
        }
        return results.sortedBestFirst()
    }
}

/// Alg. 4 (no extension): walk `candidates` (best first) and keep one only if it is closer
/// to the base than to every link kept so far; with `keepPruned`, fill what is left of
/// `max` with the nearest pruned candidates.
func selectNeighbors(_ candidates: [(Float, Int)], max: Int, keepPruned: Bool, metric: VectorMetric,
                     x: UnsafePointer<Float>, dimension: Int) -> [Int] {
    if candidates.count <= max { return candidates.map(\.1) }
    var kept: [Int] = []
    var pruned: [Int] = []
    kept.reserveCapacity(max)
    for (s, c) in candidates {
        if kept.count == max { break }
        var good = true
        for r in kept where similarity(metric, x + c * dimension, x + r * dimension, dimension) > s {
            good = false
            break
        }
        if good { kept.append(c) } else if keepPruned { pruned.append(c) }
    }
    if keepPruned {
        for c in pruned where kept.count < max { kept.append(c) }
    }
    return kept
}

// MARK: building

/// One `add`: the graph in raw buffers, per-node mutexes when workers insert concurrently.
/// Safe to share between the workers: every adjacency list is read and written only under
/// its node's mutex, the entry point under `global`, and vectors and levels are read-only.
final class HNSWBuild: HNSWLinks, @unchecked Sendable {
    let dimension: Int, m: Int, capacity0: Int, efConstruction: Int
    let metric: VectorMetric
    let keepPruned: Bool
    let x: UnsafeMutablePointer<Float>
    let levels: [Int32]
    let layer0: UnsafeMutablePointer<Int32>
    let upper: UnsafeMutablePointer<Int32>
    let upperOffset: [Int]
    let locks: UnsafeMutablePointer<pthread_mutex_t>?
    let global: UnsafeMutablePointer<pthread_mutex_t>?
    let count: Int
    var entryPoint: Int
    var maxLevel: Int

    init(_ index: HNSWIndex, concurrent: Bool) {
        dimension = index.dimension; m = index.m; capacity0 = index.capacity0
        efConstruction = index.efConstruction; metric = index.metric; keepPruned = index.keepPrunedConnections
        count = index.count
        levels = index.levels
        entryPoint = index.entryPoint; maxLevel = index.maxLevel
        x = .allocate(capacity: max(1, index.vectors.count))
        x.initialize(from: index.vectors, count: index.vectors.count)
        layer0 = .allocate(capacity: max(1, index.layer0.count))
        layer0.initialize(from: index.layer0, count: index.layer0.count)
        var offsets = [Int](repeating: 0, count: count + 1)
        for i in 0..<count { offsets[i + 1] = offsets[i] + index.upper[i].count }
        upperOffset = offsets
        upper = .allocate(capacity: max(1, offsets[count]))
        for i in 0..<count { (upper + offsets[i]).initialize(from: index.upper[i], count: index.upper[i].count) }
        if concurrent {
            locks = .allocate(capacity: count + 1)
            for i in 0...count { pthread_mutex_init(locks! + i, nil) }
            global = locks! + count
        } else {
            locks = nil
            global = nil
        }
    }

    func release() {
        if let locks {
            for i in 0...count { pthread_mutex_destroy(locks + i) }
            locks.deallocate()
        }
        x.deallocate(); layer0.deallocate(); upper.deallocate()
    }

    /// Writes the links and entry point back into `index`.
    func store(into index: inout HNSWIndex) {
        index.setGraph(layer0: Array(UnsafeBufferPointer(start: layer0, count: count * capacity0)),
                       upper: (0..<count).map { Array(UnsafeBufferPointer(start: upper + upperOffset[$0],
                                                                          count: upperOffset[$0 + 1] - upperOffset[$0])) },
                       entryPoint: entryPoint, maxLevel: maxLevel)
    }

    @inline(__always) func lock(_ node: Int) { if let locks { pthread_mutex_lock(locks + node) } }
    @inline(__always) func unlock(_ node: Int) { if let locks { pthread_mutex_unlock(locks + node) } }

    @inline(__always) func list(_ node: Int, _ layer: Int) -> (UnsafeMutablePointer<Int32>, Int) {
        layer == 0 ? (layer0 + node * capacity0, capacity0) : (upper + upperOffset[node] + (layer - 1) * m, m)
    }

    func neighbors(_ node: Int, _ layer: Int, into out: UnsafeMutablePointer<Int32>) -> Int {
        lock(node)
        defer { unlock(node) }
        let (l, cap) = list(node, layer)
        return copyLinks(l, cap, out)
    }

    @inline(__always) func sim(_ a: Int, _ b: Int) -> Float {
        similarity(metric, x + a * dimension, x + b * dimension, dimension)
    }

    func insert(_ node: Int, visited: inout VisitedSet) {
        let level = Int(levels[node])
        if let global { pthread_mutex_lock(global) }
        var ep = entryPoint
        let top = maxLevel
        // A node that raises the top level holds the global lock until it is the entry point.
        let holding = level > top
        if let global, !holding { pthread_mutex_unlock(global) }
        let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: capacity0 + 1)
        defer { scratch.deallocate() }
        let walk = HNSWWalk(links: self, x: UnsafePointer(x), dimension: dimension, metric: metric, scratch: scratch)
        let q = UnsafePointer(x + node * dimension)
        var epSim = walk.sim(q, ep)
        if top > level {
            for layer in stride(from: top, to: level, by: -1) {
                (ep, epSim) = walk.greedy(q, entry: ep, entrySim: epSim, layer: layer)
            }
        }
        for layer in stride(from: min(level, top), through: 0, by: -1) {
            let w = walk.searchLayer(q, entry: ep, entrySim: epSim, ef: efConstruction, layer: layer, visited: &visited)
            let cap = layer == 0 ? capacity0 : m
            let links = selectNeighbors(w, max: cap, keepPruned: keepPruned, metric: metric, x: x, dimension: dimension)
            lock(node)
            let (l, _) = list(node, layer)
            for j in 0..<cap { l[j] = j < links.count ? Int32(links[j]) : -1 }
            unlock(node)
            for nb in links { link(nb, to: node, layer: layer) }
            (epSim, ep) = w[0]
        }
        if holding {
            entryPoint = node
            maxLevel = level
            if let global { pthread_mutex_unlock(global) }
        }
    }

    /// Adds the reverse link nb → node, shrinking nb's list with the heuristic when full.
    func link(_ nb: Int, to node: Int, layer: Int) {
        lock(nb)
        defer { unlock(nb) }
        let (l, cap) = list(nb, layer)
        var n = 0
        while n < cap, l[n] >= 0 {
            if Int(l[n]) == node { return }
            n += 1
        }
        if n < cap {
            l[n] = Int32(node)
            return
        }
        var scored = [(Float, Int)]()
        scored.reserveCapacity(cap + 1)
        for j in 0..<cap { scored.append((sim(nb, Int(l[j])), Int(l[j]))) }
        scored.append((sim(nb, node), node))
        scored.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let shrunk = selectNeighbors(scored, max: cap, keepPruned: keepPruned, metric: metric, x: x, dimension: dimension)
        for j in 0..<cap { l[j] = j < shrunk.count ? Int32(shrunk[j]) : -1 }
    }
}

extension HNSWIndex {
    mutating func setGraph(layer0: [Int32], upper: [[Int32]], entryPoint: Int, maxLevel: Int) {
        self.layer0 = layer0
        self.upper = upper
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
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
