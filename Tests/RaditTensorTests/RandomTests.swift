import RaditTensor
import RaditTestSupport
import XCTest

final class RandomTests: XCTestCase {
    func testSameSeedSameStreamDifferentSeedDiffers() {
        var a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
        let xa = (0..<100).map { _ in a.next() }
        XCTAssertEqual(xa, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(xa, (0..<100).map { _ in c.next() })
    }

    func testStateRoundTripsMidStream() {
        var a = RandomSource(seed: 5)
        _ = a.normal()  // leaves a spare normal in the state
        let saved = RandomSource(state: a.state, spareNormal: a.spareNormal)
        var b = saved
        XCTAssertEqual((0..<10).map { _ in a.normal() }, (0..<10).map { _ in b.normal() })
    }

    func testMomentsAndCategorical() {
        var r = RandomSource(seed: 1)
        let n = 200_000
        var sum = 0.0, sq = 0.0, u = 0.0
        for _ in 0..<n { let x = r.normal(); sum += x; sq += x * x; u += r.uniform() }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sq / Double(n), 1, accuracy: 0.01)
        XCTAssertEqual(u / Double(n), 0.5, accuracy: 0.005)
        var counts = [0, 0, 0]
        for _ in 0..<60_000 { counts[r.categorical([1.0, 2.0, 3.0])] += 1 }
        XCTAssertEqual(Double(counts[0]) / 60_000, 1.0 / 6, accuracy: 0.01)
        XCTAssertEqual(Double(counts[2]) / 60_000, 0.5, accuracy: 0.01)
        XCTAssertEqual(r.categorical([0.0, 0.0, 1.0]), 2)
    }

    func testShuffleAndSampleArePermutationsAndKeyedStreamsIndependent() {
        var r = RandomSource(seed: 9)
        var a = Array(0..<50)
        r.shuffle(&a)
        XCTAssertEqual(a.sorted(), Array(0..<50))
        XCTAssertNotEqual(a, Array(0..<50))
        let s = r.sample(10, from: 20)
        XCTAssertEqual(Set(s).count, 10)
        var k1 = RandomSource(seed: 1, key: "q-001"), k2 = RandomSource(seed: 1, key: "q-002")
        XCTAssertNotEqual(k1.next(), k2.next())
    }

    func testTopKOrderAndTies() {
        XCTAssertEqual(topK([3.0, 1, 4, 1, 5, 9, 2, 6], k: 3), [5, 7, 4])
        XCTAssertEqual(topK([1.0, 2, 2, 2, 0], k: 2), [1, 2])  // ties: lower index first
        XCTAssertEqual(topK([1.0, 2], k: 5), [1, 0])
        XCTAssertEqual(topK([Double](), k: 3), [])
    }
}
