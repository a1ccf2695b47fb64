import Foundation
import RaditBase

/// When and how long to wait before trying a request again: exponential backoff with
/// seeded jitter on 429, 5xx and transport errors; a server's `Retry-After` wins over the
/// backoff (up to `maxRetryAfter`).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    /// Backoff before the second attempt, seconds; doubles per attempt up to `maxDelay`.
    public var baseDelay: Double
    public var maxDelay: Double
    /// Share of each backoff drawn at random: `wait = backoff · (1 − jitter + jitter · u)`,
    /// `u ∈ [0, 1)` drawn from `seed`, the request's sequence number and the attempt.
    public var jitter: Double
    /// A `Retry-After` longer than this (seconds) is reported instead of waited for.
    public var maxRetryAfter: Double
    public var seed: UInt64

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, jitter: Double = 0.5,
                maxRetryAfter: Double = 120, seed: UInt64 = 0) {
        self.maxAttempts = maxAttempts; self.baseDelay = baseDelay; self.maxDelay = maxDelay
        self.jitter = jitter; self.maxRetryAfter = maxRetryAfter; self.seed = seed
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Statuses worth another try: rate limiting and server-side failures that may pass.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (status >= 500 && status != 501 && status != 505)
    }

    /// The wait (seconds) after `attempt` (1-based) failed, for the request numbered `sequence`.
    public func backoff(afterAttempt attempt: Int, sequence: UInt64) -> Double {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return exponential * (1 - jitter + jitter * unitDraw(sequence: sequence, attempt: attempt))
    }

    /// A uniform draw in [0, 1) that depends only on (seed, sequence, attempt), so a rerun
    /// with the same seed waits the same.
    func unitDraw(sequence: UInt64, attempt: Int) -> Double {
        var h = SHA256()
        h.update("retry-jitter \(seed) \(sequence) \(attempt)")
        let d = h.finalize()
        var x: UInt64 = 0
        for i in 0..<8 { x = x << 8 | UInt64(d[i]) }
        return Double(x >> 11) / Double(1 << 53)
    }

    /// Seconds from a `Retry-After` value: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if let s = Double(v), s >= 0, s.isFinite { return s }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = f.date(from: v) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
