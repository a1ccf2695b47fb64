import RaditKernels
import XCTest

final class KernelsPlaceholderTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
