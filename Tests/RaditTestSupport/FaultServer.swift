import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the fault server does with one request.
public indirect enum FaultReply: Sendable {
    /// A complete response (Content-Length set; the connection stays open).
    case respond(status: Int, headers: [(String, String)], body: Data)
    /// Headers promise `declared` bytes, `body` (shorter) is sent, then the connection closes.
    case truncated(declared: Int, body: Data)
    /// Waits, then replies (a server slower than the client's timeout).
    case delayed(seconds: Double, then: FaultReply)
    /// Server-sent events: each string becomes a `data:` event; the connection closes after.
    case events([String])
    /// Closes the connection without answering.
    case hangUp

    public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> FaultReply {
        .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8))
    }
}

/// A request as the fault server saw it.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    /// Lowercased names.
    public var headers: [String: String]
    public var body: Data
    /// Which accepted connection carried it (0-based).
    public var connection: Int
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) for fault tests: a thread per
/// connection, keep-alive, replies chosen by `script(request, index)`. Every loop is
/// bounded: it stops itself after `lifetime` seconds even if a test forgets `stop()`.
public final class FaultServer: @unchecked Sendable {
    public let port: UInt16
    private let listener: Int32
    private let script: @Sendable (RecordedRequest, Int) -> FaultReply
    private let deadline: Date
    private let lock = NSLock()
    private var recorded: [RecordedRequest] = []
    private var accepted = 0
    private var active = 0
    private var peak = 0
    private var stopped = false
    private let acceptDone = DispatchSemaphore(value: 0)

    public init(lifetime: Double = 60, script: @escaping @Sendable (RecordedRequest, Int) -> FaultReply) throws {
        self.script = script
        deadline = Date().addingTimeInterval(lifetime)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FaultServerError.socket("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 256) == 0 else { close(fd); throw FaultServerError.socket("bind/listen: errno \(errno)") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        listener = fd
        port = UInt16(bigEndian: addr.sin_port)
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    deinit { stop() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var requests: [RecordedRequest] { lock.lock(); defer { lock.unlock() }; return recorded }
    public var connections: Int { lock.lock(); defer { lock.unlock() }; return accepted }
    /// The most requests being answered at once.
    public var peakConcurrency: Int { lock.lock(); defer { lock.unlock() }; return peak }

    public func stop() {
        lock.lock()
        let was = stopped
        stopped = true
        lock.unlock()
        if !was { acceptDone.wait(); close(listener) }
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped || Date() > deadline }

    private func acceptLoop() {
        defer { acceptDone.signal() }
        while !isStopped {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            let c = accept(listener, nil, nil)
            guard c >= 0 else { continue }
            lock.lock()
            let number = accepted
            accepted += 1
            lock.unlock()
            let t = Thread { [self] in serve(c, connection: number) }
            t.start()
        }
    }

    /// Answers requests on one connection until the peer closes, a reply closes it, it
    /// idles for 2 s, or the server stops.
    private func serve(_ fd: Int32, connection: Int) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var idleSince = Date()
        while !isStopped && Date().timeIntervalSince(idleSince) < 2 {
            guard let (request, rest) = Self.parse(buffer, connection: connection) else {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = recv(fd, &chunk, chunk.count, 0)
                if n == 0 { return }
                if n < 0 { continue }  // timeout tick: check the clock
                buffer += chunk[0..<n]
                continue
            }
            buffer = rest
            lock.lock()
            let index = recorded.count
            recorded.append(request)
            active += 1
            peak = max(peak, active)
            lock.unlock()
            let keepOpen = reply(script(request, index), fd: fd)
            lock.lock(); active -= 1; lock.unlock()
            if !keepOpen { return }
            idleSince = Date()
        }
    }

    /// Sends a reply; false when the connection must close after it.
    private func reply(_ r: FaultReply, fd: Int32) -> Bool {
        switch r {
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(body.count)\r\n"
            for (k, v) in headers { head += "\(k): \(v)\r\n" }
            send(fd, Data((head + "\r\n").utf8) + body)
            return true
        case .truncated(let declared, let body):
            send(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(declared)\r\n\r\n".utf8) + body)
            return false
        case .delayed(let seconds, let then):
            let until = Date().addingTimeInterval(seconds)
            while Date() < until && !isStopped { usleep(10_000) }
            return isStopped ? false : reply(then, fd: fd)
        case .events(let payloads):
            send(fd, Data("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n".utf8))
            for p in payloads { send(fd, Data("data: \(p)\n\n".utf8)) }
            return false
        case .hangUp:
            return false
        }
    }

    private func send(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                sent += n
            }
        }
    }

    /// One complete request at the start of `bytes`, and what follows it.
    static func parse(_ bytes: [UInt8], connection: Int) -> (RecordedRequest, [UInt8])? {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == marker }) else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        let request = RecordedRequest(method: requestLine.count > 0 ? String(requestLine[0]) : "",
                                      path: requestLine.count > 1 ? String(requestLine[1]) : "",
                                      headers: headers, body: Data(bytes[bodyStart..<bodyStart + length]), connection: connection)
        return (request, Array(bytes[(bodyStart + length)...]))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    /// A port nothing listens on (bound, then closed), for connection-refused tests.
    public static func closedPort() throws -> UInt16 {
        let s = try FaultServer(lifetime: 1) { _, _ in .hangUp }
        let p = s.port
        s.stop()
        return p
    }
}

public enum FaultServerError: Error { case socket(String) }
