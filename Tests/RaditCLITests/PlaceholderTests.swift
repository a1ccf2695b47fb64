import RaditExperiments
import XCTest

final class CLIPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
