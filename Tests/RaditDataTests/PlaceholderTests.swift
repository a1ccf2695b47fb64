import RaditData
import XCTest

final class DataPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
