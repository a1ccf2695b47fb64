import RaditIndex
import XCTest

final class IndexPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
