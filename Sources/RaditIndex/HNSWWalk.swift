import RaditSIMD

// Walking an HNSW graph: greedy descent, beam search (Malkov & Yashunin 2018, Alg. 1–2) and
// the neighbour-selection heuristic (Alg. 4), over raw buffers and one worker's reusable
// scratch, so neither an insert nor a query allocates.

/// A (similarity, node) pair; larger similarity is closer.
struct ScoredNode {
    var score: Float
    var node: Int32

    /// Total order used everywhere: higher score first, ties to the lower id.
    @inline(__always) func isBetter(than o: ScoredNode) -> Bool {
        score > o.score || (score == o.score && node < o.node)
    }
}

/// The graph as raw buffers, shared by the workers of a build or a search. Layer-0 lists
/// hold up to 2M links, upper lists M, each −1 past its last link.
struct HNSWGraph: @unchecked Sendable {
    // @unchecked: the pointers are read by many workers at once; the build writes a list
    // only in phases where no other worker reads or writes that list (HNSWBuild).
    let x: UnsafePointer<Float>                // (N, D)
    let dimension: Int
    let metric: VectorMetric
    let m: Int
    let layer0: UnsafeMutablePointer<Int32>    // (N, 2M)
    let upper: UnsafeMutablePointer<Int32>     // (Σ levels·M), node i's level-1 list at upperStart[i]
    let upperStart: UnsafePointer<Int>         // (N + 1)
    let levels: UnsafePointer<Int32>           // (N)

    @inline(__always) func capacity(_ layer: Int) -> Int { layer == 0 ? 2 * m : m }

    @inline(__always) func list(_ node: Int, _ layer: Int) -> UnsafeMutablePointer<Int32> {
        layer == 0 ? layer0 + node * 2 * m : upper + upperStart[node] + (layer - 1) * m
    }

    @inline(__always) func vector(_ node: Int) -> UnsafePointer<Float> { x + node * dimension }

    @inline(__always) func sim(_ q: UnsafePointer<Float>, _ node: Int) -> Float {
        similarity(metric, q, x + node * dimension, dimension)
    }

    /// Greedy walk on one layer from `entry` to a local optimum (Alg. 2 with ef = 1); the
    /// neighbours' vectors are prefetched before their similarities are computed.
    func greedy(_ q: UnsafePointer<Float>, entry: Int, entrySim: Float, layer: Int) -> (Int, Float) {
        var best = entry, bestSim = entrySim
        var changed = true
        while changed {
            changed = false
            let links = list(best, layer), cap = capacity(layer)
            var n = 0
            while n < cap, links[n] >= 0 {
                radit_prefetch(x + Int(links[n]) * dimension, min(dimension * 4, 256))
                n += 1
            }
            for j in 0..<n {
                let nb = Int(links[j])
                let s = sim(q, nb)
                if s > bestSim { bestSim = s; best = nb; changed = true }
            }
        }
        return (best, bestSim)
    }

    /// Beam search of width `ef` on one layer (Alg. 2); leaves the found nodes best first in
    /// `scratch.found` and returns how many. Unvisited neighbours' vectors are prefetched
    /// before their similarities are computed.
    func searchLayer(_ q: UnsafePointer<Float>, entry: Int, entrySim: Float, ef: Int, layer: Int,
                     scratch: HNSWScratch) -> Int {
        scratch.beginVisit()
        _ = scratch.visit(entry)
        scratch.reserveResults(ef + 1)
        var candidates = scratch.candidates, results = scratch.results
        defer { scratch.candidates = candidates; scratch.results = results }
        candidates.removeAll()
        results.removeAll()
        let first = ScoredNode(score: entrySim, node: Int32(entry))
        candidates.push(first)
        results.push(first)
        let cap = capacity(layer), fresh = scratch.ids
        let bytes = min(dimension * 4, 256)
        while candidates.count > 0 {
            let c = candidates.pop()
            if results.count >= ef && c.score < results.top.score { break }
            let links = list(Int(c.node), layer)
            var nFresh = 0, j = 0
            while j < cap, links[j] >= 0 {
                let nb = links[j]
                if scratch.visit(Int(nb)) {
                    fresh[nFresh] = nb
                    nFresh += 1
                    radit_prefetch(x + Int(nb) * dimension, bytes)
                }
                j += 1
            }
            func consider(_ score: Float, _ node: Int32) {
                let s = ScoredNode(score: score, node: node)
                if results.count < ef || s.isBetter(than: results.top) {
                    candidates.push(s)
                    results.push(s)
                    if results.count > ef { _ = results.pop() }
                }
            }
            // Four neighbours per distance call (the query's loads shared), in list order.
            var i = 0
            var four: (Float, Float, Float, Float) = (0, 0, 0, 0)
            while i + 4 <= nFresh {
                withUnsafeMutableBytes(of: &four) { raw in
                    similarity4(metric, raw.baseAddress!.assumingMemoryBound(to: Float.self), q,
                                vector(Int(fresh[i])), vector(Int(fresh[i + 1])), vector(Int(fresh[i + 2])), vector(Int(fresh[i + 3])),
                                dimension)
                }
                consider(four.0, fresh[i]); consider(four.1, fresh[i + 1])
                consider(four.2, fresh[i + 2]); consider(four.3, fresh[i + 3])
                i += 4
            }
            while i < nFresh {
                consider(sim(q, Int(fresh[i])), fresh[i])
                i += 1
            }
        }
        // The results heap pops worst first: fill `found` from the back.
        let n = results.count
        var i = n
        while results.count > 0 {
            i -= 1
            scratch.found[i] = results.pop()
        }
        return n
    }

    /// Alg. 4 without extension: walk `candidates` (best first) and keep one only if it is
    /// closer to the base than to every link kept so far, stopping at `max`; with
    /// `keepPruned`, fill up to `fillTo` with the nearest pruned candidates. Fewer than `max`
    /// candidates are all kept, as FAISS and hnswlib do. Writes the links to `out` and
    /// returns how many; `spare` holds room for `count` ids.
    func selectNeighbors(_ candidates: UnsafePointer<ScoredNode>, count: Int, max: Int, fillTo: Int,
                         keepPruned: Bool, out: UnsafeMutablePointer<Int32>,
                         spare: UnsafeMutablePointer<Int32>) -> Int {
        if count < max {
            for i in 0..<count { out[i] = candidates[i].node }
            return count
        }
        var kept = 0, pruned = 0
        for i in 0..<count where kept < max {
            let c = candidates[i]
            let cv = vector(Int(c.node))
            var good = true
            for r in 0..<kept where similarity(metric, cv, vector(Int(out[r])), dimension) > c.score {
                good = false
                break
            }
            if good {
                out[kept] = c.node
                kept += 1
            } else if keepPruned {
                spare[pruned] = c.node
                pruned += 1
            }
        }
        if keepPruned {
            var i = 0
            while kept < fillTo, i < pruned { out[kept] = spare[i]; kept += 1; i += 1 }
        }
        return kept
    }
}

/// One worker's buffers for walking the graph, allocated once and reused by every insert
/// or query it runs: the visited stamps, both heaps, the found list and neighbour ids.
final class HNSWScratch: @unchecked Sendable {
    // @unchecked: each scratch belongs to one worker, which alone uses it.
    private let stamps: UnsafeMutablePointer<UInt32>   // (N) visit generation per node
    private let nodeCount: Int
    private var generation: UInt32 = 0
    var candidates = ScoredHeap(bestOnTop: true)
    var results = ScoredHeap(bestOnTop: false)
    private(set) var found: UnsafeMutablePointer<ScoredNode>
    private var foundCapacity: Int
    /// Room for one list's ids (2M) and, in `spare`, for the heuristic's pruned ids.
    let ids: UnsafeMutablePointer<Int32>
    private(set) var spare: UnsafeMutablePointer<Int32>
    private var spareCapacity: Int

    init(nodeCount: Int, m: Int) {
        self.nodeCount = nodeCount
        stamps = .allocate(capacity: max(1, nodeCount))
        stamps.initialize(repeating: 0, count: max(1, nodeCount))
        foundCapacity = 64
        found = .allocate(capacity: foundCapacity)
        ids = .allocate(capacity: 2 * m + 1)
        spareCapacity = 64
        spare = .allocate(capacity: spareCapacity)
    }

    deinit {
        stamps.deallocate()
        found.deallocate()
        ids.deallocate()
        spare.deallocate()
        candidates.release()
        results.release()
    }

    /// Starts a new walk: every node reads as unvisited (O(1) but every 2³² walks).
    @inline(__always) func beginVisit() {
        generation &+= 1
        if generation == 0 {
            stamps.update(repeating: 0, count: nodeCount)
            generation = 1
        }
    }

    /// True when `node` was not yet visited in this walk (and marks it).
    @inline(__always) func visit(_ node: Int) -> Bool {
        if stamps[node] == generation { return false }
        stamps[node] = generation
        return true
    }

    /// Makes room for `n` found nodes and `n` spare ids.
    func reserveResults(_ n: Int) {
        if n > foundCapacity {
            found.deallocate()
            foundCapacity = max(n, 2 * foundCapacity)
            found = .allocate(capacity: foundCapacity)
        }
        reserveSpare(n)
    }

    func reserveSpare(_ n: Int) {
        if n > spareCapacity {
            spare.deallocate()
            spareCapacity = max(n, 2 * spareCapacity)
            spare = .allocate(capacity: spareCapacity)
        }
    }
}

/// A binary heap of `ScoredNode` with the best (or the worst) on top, in a buffer that
/// grows by doubling and is never shrunk; the owner calls `release`.
struct ScoredHeap {
    private(set) var items: UnsafeMutablePointer<ScoredNode>
    private var capacity: Int
    private(set) var count = 0
    let bestOnTop: Bool

    init(bestOnTop: Bool) {
        self.bestOnTop = bestOnTop
        capacity = 64
        items = .allocate(capacity: capacity)
    }

    func release() { items.deallocate() }

    var top: ScoredNode { items[0] }

    @inline(__always) private func above(_ a: ScoredNode, _ b: ScoredNode) -> Bool {
        bestOnTop ? a.isBetter(than: b) : b.isBetter(than: a)
    }

    /// Pushes `s`, doubling the buffer when full.
    @inline(__always) mutating func push(_ s: ScoredNode) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<ScoredNode>.allocate(capacity: 2 * capacity)
            bigger.moveInitialize(from: items, count: count)
            items.deallocate()
            items = bigger
            capacity *= 2
        }
        var i = count
        count += 1
        while i > 0 {
            let p = (i - 1) >> 1
            if above(s, items[p]) { items[i] = items[p]; i = p } else { break }
        }
        items[i] = s
    }

    @inline(__always) mutating func pop() -> ScoredNode {
        let first = items[0]
        count -= 1
        let last = items[count]
        var i = 0
        while true {
            let l = 2 * i + 1
            if l >= count { break }
            var best = l
            if l + 1 < count && above(items[l + 1], items[l]) { best = l + 1 }
            if above(items[best], last) { items[i] = items[best]; i = best } else { break }
        }
        if count > 0 { items[i] = last }
        return first
    }

    mutating func removeAll() { count = 0 }
}
