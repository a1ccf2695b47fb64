import RaditTuning
import XCTest

final class TuningPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
