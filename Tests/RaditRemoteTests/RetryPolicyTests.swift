import Foundation
@testable import RaditRemote
import XCTest

final class RetryPolicyTests: XCTestCase {
    func testBackoffDoublesWithinJitterBoundsAndIsSeeded() {
        let p = RetryPolicy(maxAttempts: 6, baseDelay: 1, maxDelay: 8, jitter: 0.5, seed: 3)
        for attempt in 1...6 {
            let full = min(8, pow(2, Double(attempt - 1)))
            for sequence: UInt64 in 1...20 {
                let d = p.backoff(afterAttempt: attempt, sequence: sequence)
                XCTAssertGreaterThanOrEqual(d, full * 0.5)
                XCTAssertLessThan(d, full)
                XCTAssertEqual(d, p.backoff(afterAttempt: attempt, sequence: sequence))  // same seed, same wait
            }
        }
        let draws = Set((1...20).map { p.backoff(afterAttempt: 1, sequence: UInt64($0)) })
        XCTAssertGreaterThan(draws.count, 15, "jitter should spread requests")
        var other = p
        other.seed = 4
        XCTAssertNotEqual(p.backoff(afterAttempt: 2, sequence: 1), other.backoff(afterAttempt: 2, sequence: 1))
        XCTAssertEqual(RetryPolicy(baseDelay: 1, jitter: 0).backoff(afterAttempt: 3, sequence: 9), 4)
    }

    func testRetryAfterParsesSecondsAndHTTPDates() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("7"), 7)
        XCTAssertEqual(RetryPolicy.parseRetryAfter(" 0 "), 0)
        XCTAssertNil(RetryPolicy.parseRetryAfter("-3"))
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon"))
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now: now), 10)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now: now), 0)
    }

    func testWhichStatusesAndTransportErrorsAreRetried() {
        XCTAssertEqual([200, 400, 401, 404, 408, 429, 500, 501, 502, 503, 504].filter(RetryPolicy.isRetryable(status:)),
                       [408, 429, 500, 502, 503, 504])
        XCTAssertTrue(HTTPClient.isRetryable(curlCode: 7))
        XCTAssertTrue(HTTPClient.isRetryable(curlCode: 28))
        XCTAssertFalse(HTTPClient.isRetryable(curlCode: 3))   // malformed URL
        XCTAssertFalse(HTTPClient.isRetryable(curlCode: 23))  // our callback stopped the write
    }
}
