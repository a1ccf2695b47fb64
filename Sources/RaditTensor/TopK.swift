/// Top-k selection with a deterministic tie rule: higher score first, then lower index.
public struct TopK<S: Comparable>: Sendable where S: Sendable {
    /// (score, index) kept as a min-heap on the ranking order (worst at the root).
    public private(set) var heap: [(score: S, index: Int)] = []
    public let k: Int

    public init(k: Int) {
        precondition(k >= 0, "TopK: k must be ≥ 0, got \(k)")
        self.k = k
        heap.reserveCapacity(k)
    }

    /// True when `a` ranks below `b` (lower score, or equal score and larger index).
    @inline(__always) static func worse(_ a: (score: S, index: Int), _ b: (score: S, index: Int)) -> Bool {
        a.score < b.score || (a.score == b.score && a.index > b.index)
    }

    /// The score a candidate must beat to enter, once the heap is full.
    public var threshold: S? { heap.count == k ? heap.first?.score : nil }

    @inlinable public var isFull: Bool { heap.count == k }

    public mutating func push(_ score: S, _ index: Int) {
        guard k > 0 else { return }
        let item = (score: score, index: index)
        if heap.count < k {
            heap.append(item)
            siftUp(heap.count - 1)
        } else if Self.worse(heap[0], item) {
            heap[0] = item
            siftDown(0)
        }
    }

    /// Best first.
    public func sorted() -> [(score: S, index: Int)] {
        heap.sorted { Self.worse($1, $0) }
    }

    private mutating func siftUp(_ i0: Int) {
        var i = i0
        while i > 0 {
            let p = (i - 1) / 2
            if Self.worse(heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { break }
        }
    }

    private mutating func siftDown(_ i0: Int) {
        var i = i0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && Self.worse(heap[l], heap[m]) { m = l }
            if r < heap.count && Self.worse(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}

/// Indices of the `k` largest values, best first (ties: lower index first).
public func topK<S: Comparable & Sendable>(_ values: [S], k: Int) -> [Int] {
    var t = TopK<S>(k: min(k, values.count))
    for (i, v) in values.enumerated() { t.push(v, i) }
    return t.sorted().map(\.index)
}
