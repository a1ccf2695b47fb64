import RaditIndex
import RaditTensor
import RaditTestSupport
import XCTest

final class HNSWIndexTests: XCTestCase {
    /// Clustered data: 40 Gaussian centres, points = centre + 0.3 noise, normalised.
    func clustered(_ n: Int, d: Int, seed: UInt64, centres: [[Float]]) -> Tensor<Float> {
        var rng = RandomSource(seed: seed)
        var out: [Float] = []
        for _ in 0..<n {
            let c = centres[rng.int(below: centres.count)]
            var v = c.map { $0 + Float(rng.normal() * 0.3) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = v.map { $0 / norm }
            out += v
        }
        return Tensor(shape: [n, d], scalars: out)
    }

    func recallAt10(metric: VectorMetric, deterministic: Bool = true, keepPruned: Bool = true) throws -> Double {
        let d = 32
        var rng = RandomSource(seed: 5)
        let centres = (0..<40).map { _ in (0..<d).map { _ in Float(rng.normal()) } }
        let x = clustered(4000, d: d, seed: 6, centres: centres)
        let q = clustered(200, d: d, seed: 7, centres: centres)
        var exact = FlatIndex(dimension: d, metric: metric)
        try exact.add(x)
        var hnsw = HNSWIndex(dimension: d, metric: metric, m: 16, efConstruction: 64, efSearch: 64, threads: 4, seed: 3,
                             deterministic: deterministic, keepPrunedConnections: keepPruned)
        try hnsw.add(x)
        let truth = try exact.search(q, k: 10)
        let approx = try hnsw.search(q, k: 10)
        var hits = 0
        for i in 0..<200 { hits += Set(truth.row(i)).intersection(approx.row(i)).count }
        // Reported scores agree with exact scores for the ids found.
        for i in 0..<5 {
            for (id, s) in approx.hits(i) {
                let xi = Array(x.scalars[(id * d)..<((id + 1) * d)]), qi = Array(q.scalars[(i * d)..<((i + 1) * d)])
                let e = metric == .innerProduct ? zip(xi, qi).reduce(0) { $0 + $1.0 * $1.1 } : zip(xi, qi).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                XCTAssertEqual(s, e, accuracy: 1e-4)
            }
        }
        return Double(hits) / 2000
    }

    func testRecallAt10OnClusteredDataInnerProduct() throws {
        let r = try recallAt10(metric: .innerProduct)
        print("HNSW inner product recall@10 (M=16, efC=64, efS=64, 4000×32, 40 clusters): \(r)")
        XCTAssertGreaterThanOrEqual(r, 0.95)
    }

    func testRecallAt10OnClusteredDataL2() throws {
        let r = try recallAt10(metric: .l2)
        print("HNSW L2 recall@10 (M=16, efC=64, efS=64, 4000×32, 40 clusters): \(r)")
        XCTAssertGreaterThanOrEqual(r, 0.95)
    }

    func testParallelBuildKeepsRecall() throws {
        for metric in [VectorMetric.innerProduct, .l2] {
            let r = try recallAt10(metric: metric, deterministic: false)
            print("HNSW \(metric) recall@10, parallel build on 4 threads (M=16, efC=64, efS=64, 4000×32): \(r)")
            XCTAssertGreaterThanOrEqual(r, 0.95)
        }
        let r = try recallAt10(metric: .innerProduct, keepPruned: false)
        print("HNSW inner product recall@10 without kept pruned connections: \(r)")
        XCTAssertGreaterThanOrEqual(r, 0.95)
    }

    func testDeterministicBuildIsBitReproducibleWhateverTheThreads() throws {
        var rng = RandomSource(seed: 11)
        let x: Tensor<Float> = rng.normalTensor([1500, 16])
        func build(threads: Int) throws -> HNSWIndex {
            var h = HNSWIndex(dimension: 16, m: 6, efConstruction: 32, threads: threads, seed: 2, deterministic: true)
            try h.add(x)
            return h
        }
        let a = try build(threads: 4), b = try build(threads: 4), c = try build(threads: 1)
        for other in [b, c] {
            XCTAssertEqual(a.layer0, other.layer0)
            XCTAssertEqual(a.upper, other.upper)
            XCTAssertEqual(a.levels, other.levels)
            XCTAssertEqual(a.entryPoint, other.entryPoint)
        }
        // The parallel build draws the same levels and ends with a graph of full lists' shape.
        var p = HNSWIndex(dimension: 16, m: 6, efConstruction: 32, threads: 4, seed: 2)
        try p.add(x)
        XCTAssertEqual(p.levels, a.levels)
        XCTAssertEqual(p.maxLevel, a.maxLevel)
        XCTAssertEqual(p.layer0.count, a.layer0.count)
        for node in 0..<1500 where node != p.entryPoint || p.count > 1 {
            XCTAssertGreaterThan(p.layer0[node * 12], -1, "node \(node) has no layer-0 link")
        }
    }

    func testDeterministicBuildAndPadding() throws {
        var rng = RandomSource(seed: 9)
        let x: Tensor<Float> = rng.normalTensor([300, 8])
        var a = HNSWIndex(dimension: 8, m: 4, efConstruction: 20, seed: 1)
        var b = HNSWIndex(dimension: 8, m: 4, efConstruction: 20, seed: 1)
        try a.add(x)
        try b.add(Tensor(shape: [100, 8], scalars: Array(x.scalars[0..<800])))
        try b.add(Tensor(shape: [200, 8], scalars: Array(x.scalars[800...])))
        XCTAssertEqual(a.layer0, b.layer0)
        XCTAssertEqual(a.levels, b.levels)
        var small = HNSWIndex(dimension: 8)
        try small.add(Tensor(shape: [3, 8], scalars: Array(x.scalars[0..<24])))
        let r = try small.search(Tensor(shape: [1, 8], scalars: Array(x.scalars[0..<8])), k: 5)
        XCTAssertEqual(Array(r.ids[3...]), [-1, -1])
        XCTAssertEqual(r.ids[0], 0)
        XCTAssertEqual(try HNSWIndex(dimension: 8).search(Tensor(shape: [2, 8]), k: 2).ids, [-1, -1, -1, -1])
    }
}
