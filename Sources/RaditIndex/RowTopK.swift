/// Streaming top-k over one row of caller-owned storage: a min-heap of (score, id) on the
/// ranking order (worst at the root), so a candidate is rejected with one comparison
/// against `threshold`. Ties rank the lower id first, as `RaditTensor.TopK` does. The
/// heap lives in the output row itself (FAISS's layout), so a batch needs no allocation.
@usableFromInline
struct RowTopK {
    let scores: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<Int>
    let k: Int
    var size = 0

    @inline(__always) init(scores: UnsafeMutablePointer<Float>, ids: UnsafeMutablePointer<Int>, k: Int) {
        self.scores = scores
        self.ids = ids
        self.k = k
    }

    /// Worst score kept so far once full; −∞ before.
    @inline(__always) var threshold: Float { size == k ? scores[0] : -.infinity }

    /// a ranks below b.
    @inline(__always) static func worse(_ sa: Float, _ ia: Int, _ sb: Float, _ ib: Int) -> Bool {
        sa < sb || (sa == sb && ia > ib)
    }

    @inline(__always) mutating func push(_ s: Float, _ id: Int) {
        if size < k {
            var i = size
            size += 1
            while i > 0 {
                let p = (i - 1) >> 1
                if Self.worse(s, id, scores[p], ids[p]) {
                    scores[i] = scores[p]; ids[i] = ids[p]; i = p
                } else { break }
            }
            scores[i] = s; ids[i] = id
        } else if k > 0 && Self.worse(scores[0], ids[0], s, id) {
            siftDownFromRoot(s, id, count: size)
        }
    }

    @inline(__always) mutating func siftDownFromRoot(_ s: Float, _ id: Int, count: Int) {
        var i = 0
        while true {
            let l = 2 * i + 1
            if l >= count { break }
            var c = l
            let r = l + 1
            if r < count && Self.worse(scores[r], ids[r], scores[l], ids[l]) { c = r }
            if Self.worse(scores[c], ids[c], s, id) {
                scores[i] = scores[c]; ids[i] = ids[c]; i = c
            } else { break }
        }
        scores[i] = s; ids[i] = id
    }

    /// Sorts the kept items best first (heap sort in place) and pads the rest of the row.
    mutating func finish(padScore: Float) {
        var n = size
        while n > 1 {
            // Move the worst (root) to the end of the live region.
            let s = scores[0], id = ids[0]
            let ls = scores[n - 1], lid = ids[n - 1]
            scores[n - 1] = s; ids[n - 1] = id
            n -= 1
            siftDownFromRoot(ls, lid, count: n)
        }
        for j in size..<k { scores[j] = padScore; ids[j] = -1 }
    }
}
