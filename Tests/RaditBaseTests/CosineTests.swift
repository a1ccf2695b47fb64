import RaditBase
import XCTest

final class CosineTests: XCTestCase {
    func testKnownValues() {
        XCTAssertEqual(cosineSimilarity([1, 0], [1, 0]), 1, accuracy: 1e-15)
        XCTAssertEqual(cosineSimilarity([1, 0], [0, 2]), 0, accuracy: 1e-15)
        XCTAssertEqual(cosineSimilarity([0.6, 0.8], [1, 0]), 0.6, accuracy: 1e-7)
        XCTAssertEqual(cosineSimilarity([1, 2, 3], [-2, -4, -6]), -1, accuracy: 1e-15)
        XCTAssertEqual(cosineSimilarity([3, 4], [6, 8]), 1, accuracy: 1e-15, "scale does not matter")
    }

    func testZeroNormIsNaN() {
        XCTAssertTrue(cosineSimilarity([0, 0], [1, 2]).isNaN)
        XCTAssertTrue(cosineSimilarity([], []).isNaN)
    }
}
