import Foundation
import RaditBase

/// Why the request cache could not be read or written.
public enum RequestCacheError: RaditError, Equatable {
    case badLine(path: String, line: Int, reason: String)
    case io(path: String, reason: String)

    public var message: String {
        switch self {
        case let .badLine(p, n, reason):
            return "\(p):\(n): not a request-cache line (\(reason)); the file is only appended by Radit: restore it or delete the line"
        case let .io(p, reason):
            return "\(p): \(reason)"
        }
    }
}

/// Chat answers of an OpenAI-compatible API by the content of the request (SHA-256 over
/// the server URL and the request JSON with sorted keys), in a JSON-lines file
/// `{"key": …, "response": {…}}`. Each answer is appended as one `write` of a whole line
/// and fsync'd before it is used, so a crash loses at most the request in flight and a
/// rerun never pays twice for an answer it has seen. A torn last line is dropped on load.
/// The API key is never part of a key or a line.
public final class RequestCache: @unchecked Sendable {
    public let url: URL
    private let lock = NSLock()
    private var entries: [String: ChatCompletionResponse] = [:]
    private let fd: Int32

    private struct Line: Codable {
        var key: String
        var response: ChatCompletionResponse
    }

    public init(url: URL) throws {
        self.url = url
        let fm = FileManager.default
        do { try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
            throw RequestCacheError.io(path: url.path, reason: "cannot create its folder: \(error)")
        }
        var keep = 0
        if let data = fm.contents(atPath: url.path) {
            var start = data.startIndex
            var number = 0
            let decoder = OpenAIJSON.decoder()
            for i in data.indices where data[i] == UInt8(ascii: "\n") {
                number += 1
                let bytes = data[start..<i]
                guard let line = try? decoder.decode(Line.self, from: bytes) else {
                    throw RequestCacheError.badLine(path: url.path, line: number, reason: "not {\"key\", \"response\"}")
                }
                entries[line.key] = line.response
                start = data.index(after: i)
            }
            keep = start - data.startIndex
        }
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RequestCacheError.io(path: url.path, reason: String(cString: strerror(errno))) }
        // Drop a line cut short by a crash.
        if ftruncate(fd, off_t(keep)) != 0 {
            // deinit closes fd.
            throw RequestCacheError.io(path: url.path, reason: "ftruncate: " + String(cString: strerror(errno)))
        }
    }

    deinit { close(fd) }

    public var count: Int { lock.lock(); defer { lock.unlock() }; return entries.count }

    /// The content key of a request to `baseURL`.
    public static func key(baseURL: String, _ request: ChatCompletionRequest) throws -> String {
        var r = request
        r.stream = nil
        let body = String(decoding: try OpenAIJSON.encoder().encode(r), as: UTF8.self)
        return SHA256.hex("\(baseURL)\n/chat/completions\n\(body)")
    }

    public func response(for key: String) -> ChatCompletionResponse? {
        lock.lock(); defer { lock.unlock() }
        return entries[key]
    }

    /// Appends one answer and flushes it to disk before returning.
    public func store(_ response: ChatCompletionResponse, for key: String) throws {
        var data = try OpenAIJSON.encoder().encode(Line(key: key, response: response))
        data.append(UInt8(ascii: "\n"))
        lock.lock(); defer { lock.unlock() }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            throw RequestCacheError.io(path: url.path, reason: "append failed: " + String(cString: strerror(errno)))
        }
        entries[key] = response
    }
}

/// What a cached chat client did: requests sent and answered from the cache, and the
/// tokens the server billed for the ones sent.
public struct ChatUsage: Sendable, Equatable {
    public var sent = 0
    public var cached = 0
    public var failed = 0
    public var promptTokens = 0
    public var completionTokens = 0
    public init() {}

    /// Estimated cost in the currency of the prices (per million prompt / completion tokens).
    public func cost(promptPrice: Double, completionPrice: Double) -> Double {
        (Double(promptTokens) * promptPrice + Double(completionTokens) * completionPrice) / 1e6
    }
}

/// Chat completions through a `RequestCache`: a request whose answer is cached is never
/// sent again. The client is made on the first miss, so a fully cached rerun needs
/// neither the server nor the key.
public final class CachedChat: @unchecked Sendable {
    public let endpoint: RemoteEndpoint
    public let cache: RequestCache
    private let environment: [String: String]
    private let lock = NSLock()
    private var client: OpenAIClient?
    private var counts = ChatUsage()

    public init(endpoint: RemoteEndpoint, cache: RequestCache,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.endpoint = endpoint
        self.cache = cache
        self.environment = environment
    }

    public var usage: ChatUsage { lock.lock(); defer { lock.unlock() }; return counts }

    private func openClient() throws -> OpenAIClient {
        lock.lock(); defer { lock.unlock() }
        if let client { return client }
        let c = try OpenAIClient(endpoint: endpoint, environment: environment)
        client = c
        return c
    }

    /// Answers in request order, `endpoint.http.maxConcurrency` sent at a time; each item
    /// fails or succeeds on its own (a failure is not cached, so a rerun asks again).
    public func chat(_ requests: [ChatCompletionRequest]) throws -> [Result<ChatCompletionResponse, any Error>] {
        let keys = try requests.map { try RequestCache.key(baseURL: endpoint.baseURL, $0) }
        var out = [Result<ChatCompletionResponse, any Error>?](repeating: nil, count: requests.count)
        var misses: [Int] = []
        var firstOfKey: [String: Int] = [:]
        for (i, k) in keys.enumerated() {
            if let r = cache.response(for: k) {
                out[i] = .success(r)
                lock.lock(); counts.cached += 1; lock.unlock()
            } else if firstOfKey[k] == nil {
                firstOfKey[k] = i
                misses.append(i)
            }
        }
        if !misses.isEmpty {
            let client = try openClient()
            let cache = self.cache
            let missed = misses
            let answers = try concurrentMap(missed.count, width: endpoint.http.maxConcurrency) { j -> Result<ChatCompletionResponse, any Error> in
                let i = missed[j]
                return Result {
                    let r = try client.chat(requests[i])
                    try cache.store(r, for: keys[i])
                    return r
                }
            }
            for (j, i) in misses.enumerated() {
                out[i] = answers[j]
                lock.lock()
                switch answers[j] {
                case .success(let r):
                    counts.sent += 1
                    counts.promptTokens += r.usage?.promptTokens ?? 0
                    counts.completionTokens += r.usage?.completionTokens ?? 0
                case .failure:
                    counts.sent += 1
                    counts.failed += 1
                }
                lock.unlock()
            }
        }
        // Duplicates within the batch share the first one's answer.
        for i in requests.indices where out[i] == nil { out[i] = out[firstOfKey[keys[i]]!] }
        return out.map { $0! }
    }
}
