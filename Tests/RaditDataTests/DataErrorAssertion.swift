import RaditData
import XCTest

extension XCTestCase {
    /// Runs `body`, which must throw a `DataError` for which `expected` holds.
    func assertError(_ expected: (DataError) -> Bool, _ body: () throws -> Void, line: UInt = #line) {
        do {
            try body()
            XCTFail("expected an error", line: line)
        } catch let e as DataError {
            XCTAssertTrue(expected(e), "unexpected error: \(e.message)", line: line)
        } catch {
            XCTFail("unexpected error type \(error)", line: line)
        }
    }
}
