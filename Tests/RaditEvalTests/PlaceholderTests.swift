import RaditEval
import XCTest

final class EvalPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
