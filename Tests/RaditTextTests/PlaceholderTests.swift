import RaditText
import XCTest

final class TextPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
