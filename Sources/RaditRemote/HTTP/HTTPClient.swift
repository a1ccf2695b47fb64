import Foundation
import RaditBase

/// Limits and retry rules of an `HTTPClient`.
public struct HTTPClientConfig: Sendable, Equatable {
    public var timeouts: Timeouts
    /// Requests in flight at once (one curl handle, and so one kept-alive connection, each);
    /// further callers wait for a free handle.
    public var maxConcurrency: Int
    public var retry: RetryPolicy

    public init(timeouts: Timeouts = Timeouts(), maxConcurrency: Int = 8, retry: RetryPolicy = RetryPolicy()) {
        self.timeouts = timeouts; self.maxConcurrency = maxConcurrency; self.retry = retry
    }
}

/// A retry the client is about to make, for the caller to show or count. It holds no
/// credentials.
public struct RetryNotice: Sendable, Equatable, CustomStringConvertible {
    public var url: String
    /// The attempt that failed (1-based).
    public var attempt: Int
    /// Seconds the client waits before the next attempt.
    public var delay: Double
    /// The status that failed, or nil for a transport error.
    public var status: Int?
    /// curl's error code for a transport error.
    public var curlCode: Int?
    public var detail: String
    /// Whether `delay` came from the server's `Retry-After`.
    public var fromRetryAfter: Bool

    public var description: String {
        let what = status.map { "HTTP \($0)" } ?? "curl \(curlCode ?? 0)"
        return String(format: "retrying %@ after %@ (attempt %d failed: %@) in %.2f s%@", url, what, attempt, detail,
                      delay, fromRetryAfter ? " (Retry-After)" : "")
    }
}

/// A blocking, thread-safe HTTP client on libcurl: at most `maxConcurrency` transfers at
/// once, each on a reused easy handle (connection reuse), retries with backoff, gzip,
/// server-sent events. Call it from as many threads as you like.
public final class HTTPClient: @unchecked Sendable {
    public let config: HTTPClientConfig
    private let apiKey: APIKey?
    private let onRetry: (@Sendable (RetryNotice) -> Void)?
    private let names: RemoteSettingNames
    private let lock = NSCondition()
    private var idle: [CurlEasy] = []
    private var handles = 0
    private var sequence: UInt64 = 0
    private var connections = 0
    private var inFlight = 0
    private var peakInFlight = 0

    /// `apiKey` is sent as a bearer token on every request; `onRetry` hears of each retry;
    /// errors name the setting that holds the URL (`names`).
    public init(config: HTTPClientConfig = HTTPClientConfig(), apiKey: APIKey? = nil,
                onRetry: (@Sendable (RetryNotice) -> Void)? = nil, names: RemoteSettingNames = .generic) {
        self.config = config
        self.apiKey = apiKey
        self.onRetry = onRetry
        self.names = names
    }

    /// New connections opened so far (curl's count); fewer than requests means reuse.
    public var connectionsOpened: Int { lock.lock(); defer { lock.unlock() }; return connections }
    /// The most transfers that were in flight at once.
    public var peakConcurrency: Int { lock.lock(); defer { lock.unlock() }; return peakInFlight }

    /// Sends `request`; returns the 2xx response or throws `RemoteError` after the retries
    /// the policy allows.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        try run(request, stream: nil)
    }

    /// Sends `request` and hands each server-sent event of a 2xx answer to `onEvent`
    /// (answer `.stop` to end early: `RemoteError.stopped`). The returned response has an
    /// empty body. A failed attempt is retried only while no event has been delivered.
    public func stream(_ request: HTTPRequest, onEvent: @escaping (ServerSentEvent) -> ProgressAction) throws -> HTTPResponse {
        try run(request, stream: onEvent)
    }

    private func run(_ request: HTTPRequest, stream: ((ServerSentEvent) -> ProgressAction)?) throws -> HTTPResponse {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw RemoteError.invalidRequest("URL \(request.url) must start with http:// or https:// (\(names.baseURL))")
        }
        let policy = config.retry
        let number = nextSequence()
        var attempt = 0
        while true {
            attempt += 1
            let (outcome, state) = try withHandle { $0.perform(request, authorization: apiKey, timeouts: config.timeouts, stream: stream) }
            let canRetry = attempt < policy.maxAttempts && state.eventsDelivered == 0
            switch outcome {
            case .failure(let code, let rawDetail):
                let detail = redact(rawDetail)
                if state.stoppedByCaller { throw RemoteError.stopped(url: request.url) }
                guard canRetry, Self.isRetryable(curlCode: code) else {
                    throw RemoteError.transport(url: request.url, code: code, detail: detail, attempts: attempt, names: names)
                }
                wait(RetryNotice(url: request.url, attempt: attempt, delay: policy.backoff(afterAttempt: attempt, sequence: number),
                                 status: nil, curlCode: code, detail: detail, fromRetryAfter: false))
            case .response(let status, let headers, let body, let opened):
                record(opened)
                if state.stoppedByCaller { throw RemoteError.stopped(url: request.url) }
                if (200..<300).contains(status) {
                    return HTTPResponse(status: status, headers: headers, body: body, attempts: attempt)
                }
                let excerpt = redact(RemoteError.excerpt(body))
                guard canRetry, RetryPolicy.isRetryable(status: status) else {
                    throw RemoteError.http(status: status, url: request.url, requestId: headers["x-request-id"],
                                           excerpt: excerpt, attempts: attempt)
                }
                var delay = policy.backoff(afterAttempt: attempt, sequence: number)
                var fromHeader = false
                if let value = headers["retry-after"], let seconds = RetryPolicy.parseRetryAfter(value) {
                    guard seconds <= policy.maxRetryAfter else {
                        throw RemoteError.retryAfterTooLong(url: request.url, status: status, seconds: seconds,
                                                            limit: policy.maxRetryAfter, requestId: headers["x-request-id"])
                    }
                    delay = seconds
                    fromHeader = true
                }
                wait(RetryNotice(url: request.url, attempt: attempt, delay: delay, status: status, curlCode: nil,
                                 detail: excerpt, fromRetryAfter: fromHeader))
            }
        }
    }

    /// Transport failures that may pass: no connection, timeouts, a connection that broke
    /// off mid-body or sent nothing. Not: a malformed URL or a callback that stopped.
    static func isRetryable(curlCode code: Int) -> Bool {
        // 5 proxy, 6 host, 7 connect, 16 HTTP/2, 18 partial body, 28 timeout, 35 TLS
        // handshake, 52 empty reply, 55 send, 56 receive, 92 HTTP/2 stream.
        [5, 6, 7, 16, 18, 28, 35, 52, 55, 56, 92].contains(code)
    }

    /// `text` with the API key blanked out: a server that echoes the request's headers in
    /// an error body must not put the key into our messages.
    func redact(_ text: String) -> String {
        guard let key = apiKey?.value, !key.isEmpty else { return text }
        return text.replacingOccurrences(of: key, with: "<redacted>")
    }

    private func wait(_ notice: RetryNotice) {
        onRetry?(notice)
        if notice.delay > 0 { Thread.sleep(forTimeInterval: notice.delay) }
    }

    private func nextSequence() -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        sequence += 1
        return sequence
    }

    private func record(_ opened: Int) {
        lock.lock(); connections += opened; lock.unlock()
    }

    /// Runs `body` on a free handle, waiting while `maxConcurrency` are busy.
    private func withHandle<T>(_ body: (CurlEasy) throws -> T) throws -> T {
        lock.lock()
        while idle.isEmpty && handles >= max(1, config.maxConcurrency) { lock.wait() }
        let handle: CurlEasy
        if let h = idle.popLast() {
            handle = h
        } else {
            guard let h = CurlEasy() else {
                lock.unlock()
                throw RemoteError.invalidRequest("libcurl could not create a handle (out of memory or curl_global_init failed)")
            }
            handles += 1
            handle = h
        }
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
        lock.unlock()
        defer {
            lock.lock()
            inFlight -= 1
            idle.append(handle)
            lock.signal()
            lock.unlock()
        }
        return try body(handle)
    }
}
