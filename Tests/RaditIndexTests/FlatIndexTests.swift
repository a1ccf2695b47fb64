import RaditIndex
import RaditTensor
import RaditTestSupport
import XCTest

/// Brute force: every score, sorted (score desc for IP, distance asc for L2; ties by id).
func bruteForce(_ x: [Float], _ q: [Float], d: Int, k: Int, metric: VectorMetric) -> (scores: [[Float]], ids: [[Int]]) {
    let n = x.count / d, nq = q.count / d
    var outS: [[Float]] = [], outI: [[Int]] = []
    for i in 0..<nq {
        var s: [(Double, Int)] = []
        for j in 0..<n {
            var v = 0.0
            for c in 0..<d {
                let a = Double(q[i * d + c]), b = Double(x[j * d + c])
                v += metric == .innerProduct ? a * b : (a - b) * (a - b)
            }
            s.append((v, j))
        }
        s.sort { metric == .innerProduct ? ($0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1)) : ($0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1)) }
        outS.append(s.prefix(k).map { Float($0.0) })
        outI.append(s.prefix(k).map(\.1))
    }
    return (outS, outI)
}

final class FlatIndexTests: XCTestCase {
    func check(metric: VectorMetric, n: Int, nq: Int, d: Int, k: Int, queryBlock: Int, databaseBlock: Int, threads: Int = 1) throws {
        var rng = RandomSource(seed: 11)
        let x: Tensor<Float> = rng.normalTensor([n, d])
        let q: Tensor<Float> = rng.normalTensor([nq, d])
        var index = FlatIndex(dimension: d, metric: metric, queryBlock: queryBlock, databaseBlock: databaseBlock, threads: threads)
        // Add in two ragged batches.
        try index.add(Tensor(shape: [n / 3, d], scalars: Array(x.scalars[0..<(n / 3 * d)])))
        try index.add(Tensor(shape: [n - n / 3, d], scalars: Array(x.scalars[(n / 3 * d)...])))
        XCTAssertEqual(index.count, n)
        let r = try index.search(q, k: k)
        let ref = bruteForce(x.scalars, q.scalars, d: d, k: k, metric: metric)
        for i in 0..<nq {
            let kept = min(k, n)
            assertClose(Array(r.scores[(i * k)..<(i * k + kept)]), ref.scores[i], tolerance: Tolerance.float32, "query \(i) scores")
            let ids = Array(r.ids[(i * k)..<(i * k + kept)])
            for j in 0..<kept where ids[j] != ref.ids[i][j] {
                // Allowed only for an exact tie in Float.
                XCTAssertEqual(Double(r.scores[i * k + j]), Double(ref.scores[i][j]), accuracy: 1e-5, "query \(i) rank \(j)")
            }
            for j in kept..<k {
                XCTAssertEqual(r.ids[i * k + j], -1, "padding id")
                XCTAssertEqual(r.scores[i * k + j], metric == .innerProduct ? -.infinity : .infinity, "padding score")
            }
        }
    }

    func testInnerProductOddBlocks() throws {
        try check(metric: .innerProduct, n: 101, nq: 30, d: 9, k: 5, queryBlock: 7, databaseBlock: 13)
    }

    func testL2OddBlocks() throws {
        try check(metric: .l2, n: 101, nq: 30, d: 9, k: 5, queryBlock: 7, databaseBlock: 13)
    }

    func testKLargerThanCountPads() throws {
        try check(metric: .innerProduct, n: 6, nq: 4, d: 5, k: 10, queryBlock: 7, databaseBlock: 13)
        try check(metric: .l2, n: 6, nq: 4, d: 5, k: 10, queryBlock: 3, databaseBlock: 4)
    }

    func testThreadedHeapPassAndSingleQuery() throws {
        try check(metric: .innerProduct, n: 300, nq: 40, d: 16, k: 8, queryBlock: 17, databaseBlock: 64, threads: 3)
        try check(metric: .l2, n: 300, nq: 1, d: 16, k: 8, queryBlock: 17, databaseBlock: 64)
    }

    func testEmptyBatchesAndEmptyIndex() throws {
        var index = FlatIndex(dimension: 4)
        let empty = try index.search(Tensor(shape: [0, 4]), k: 3)
        XCTAssertEqual(empty.queryCount, 0)
        XCTAssertEqual(empty.ids, [])
        try index.add(Tensor(shape: [0, 4]))
        XCTAssertEqual(index.count, 0)
        let none = try index.search(Tensor(shape: [2, 4], repeating: 1), k: 2)
        XCTAssertEqual(none.ids, [-1, -1, -1, -1])
        XCTAssertEqual(try index.search(Tensor(shape: [2, 4], repeating: 1), k: 0).ids, [])
        XCTAssertThrowsError(try index.add(Tensor(shape: [1, 3])))
        XCTAssertThrowsError(try index.search(Tensor(shape: [1, 5]), k: 1))
        XCTAssertThrowsError(try index.search(Tensor(shape: [1, 4]), k: -1))
    }

    func testTiesRankLowerIDFirst() throws {
        var index = FlatIndex(dimension: 2, queryBlock: 7, databaseBlock: 2)
        try index.add(Tensor(shape: [5, 2], scalars: [1, 0, 0, 1, 1, 0, 1, 0, 0, 0]))
        let r = try index.search(Tensor(shape: [1, 2], scalars: [1, 0]), k: 4)
        XCTAssertEqual(r.ids, [0, 2, 3, 1])
    }
}
