import XCTest

extension XCTestCase {
    /// The message of the error `body` throws; fails the test when it throws none.
    func error(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
        do { try body() } catch { return "\(error)" }
        XCTFail("expected an error", file: file, line: line)
        return ""
    }
}
