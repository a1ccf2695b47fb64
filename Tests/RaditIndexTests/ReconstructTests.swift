import RaditIndex
import RaditTensor
import RaditTestSupport
import XCTest

/// `reconstruct(id)` gives back the stored vector, for both index kinds, after any number
/// of `add` calls; an id outside the index is a typed error.
final class ReconstructTests: XCTestCase {
    func vectors(_ n: Int, _ d: Int, seed: UInt64) -> Tensor<Float> {
        var r = RandomSource(seed: seed)
        return Tensor(shape: [n, d], scalars: (0..<n * d).map { _ in Float(r.normal()) })
    }

    func check(_ index: inout some VectorIndex) throws {
        let a = vectors(7, 5, seed: 1), b = vectors(4, 5, seed: 2)
        try index.add(a)
        try index.add(b)
        for i in 0..<7 { XCTAssertEqual(try index.reconstruct(i), a.row(i), "row \(i)") }
        for i in 0..<4 { XCTAssertEqual(try index.reconstruct(7 + i), b.row(i), "row \(7 + i)") }
        for bad in [-1, 11] {
            XCTAssertThrowsError(try index.reconstruct(bad)) { error in
                XCTAssertEqual(error as? IndexError, .idOutOfRange(id: bad, count: 11))
            }
        }
    }

    func testFlat() throws {
        var flat = FlatIndex(dimension: 5, metric: .innerProduct)
        try check(&flat)
    }

    func testHNSW() throws {
        var hnsw = HNSWIndex(dimension: 5, metric: .innerProduct, m: 4, efConstruction: 8, seed: 3)
        try check(&hnsw)
    }
}
