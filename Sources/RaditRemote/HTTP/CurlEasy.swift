import CCurl
import Foundation
import RaditBase

/// One libcurl easy handle. A handle is reused for request after request so that curl
/// keeps its connections (and TLS sessions) alive between them; `curl_easy_reset` clears
/// the options but keeps that cache. Not thread-safe: one transfer at a time.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    /// curl writes its error words here (CURLOPT_ERRORBUFFER keeps the pointer).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let errorBufferSize = Int(CURL_ERROR_SIZE) + 1

    init?() {
        guard CurlGlobal.ready, let h = curl_easy_init() else { return nil }
        handle = h
        errorBuffer = .allocate(capacity: errorBufferSize)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// What one attempt produced: a response, or curl's error code and words.
    enum Outcome {
        case response(status: Int, headers: [String: String], body: Data, newConnections: Int)
        case failure(code: Int, detail: String)
    }

    /// Performs one transfer. With `stream`, 2xx bodies go to the event parser and each
    /// completed event to `stream` (which may answer `.stop`); other bodies are kept whole.
    func perform(_ request: HTTPRequest, authorization: APIKey?, timeouts: Timeouts,
                 stream: ((ServerSentEvent) -> ProgressAction)?) -> (Outcome, TransferState) {
        curl_easy_reset(handle)
        let state = TransferState(stream: stream)
        let box = Unmanaged.passRetained(state)
        defer { box.release() }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for h in request.headers { headerList = curl_slist_append(headerList, "\(h.name): \(h.value)") }
        if let authorization { headerList = curl_slist_append(headerList, "Authorization: Bearer \(authorization.value)") }
        if request.body != nil, !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headerList = curl_slist_append(headerList, "Content-Type: application/json")
        }
        // Without this curl sends `Expect: 100-continue` for larger bodies and waits for it.
        headerList = curl_slist_append(headerList, "Expect:")

        errorBuffer.update(repeating: 0, count: errorBufferSize)
        var ok = true
        ok = ok && radit_curl_setopt_string(handle, CURLOPT_URL, request.url) == CURLE_OK
        ok = ok && radit_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK
        ok = ok && radit_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect * 1000)) == CURLE_OK
        ok = ok && radit_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeouts.total * 1000)) == CURLE_OK
        // "" = every encoding this libcurl decodes (gzip, deflate, …), decoded transparently.
        ok = ok && radit_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK
        ok = ok && radit_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1) == CURLE_OK
        ok = ok && radit_curl_setopt_string(handle, CURLOPT_USERAGENT, "radit/\(RaditVersion.string)") == CURLE_OK
        ok = ok && radit_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) == CURLE_OK
        ok = ok && radit_curl_setopt_write(handle, curlWrite) == CURLE_OK
        ok = ok && radit_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, box.toOpaque()) == CURLE_OK
        ok = ok && radit_curl_setopt_header(handle, curlHeader) == CURLE_OK
        ok = ok && radit_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, box.toOpaque()) == CURLE_OK
        ok = ok && radit_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK
        switch request.method {
        case .get:
            ok = ok && radit_curl_setopt_long(handle, CURLOPT_HTTPGET, 1) == CURLE_OK
        case .post, .delete:
            if request.method == .delete {
                ok = ok && radit_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE") == CURLE_OK
            }
            let body = request.body ?? Data()
            ok = ok && radit_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count) == CURLE_OK
            // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes (binary-safe), so `body` may go.
            ok = ok && body.withUnsafeBytes { raw in
                let p = raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                    ?? UnsafeMutableRawPointer(mutating: ("" as StaticString).utf8Start)
                return radit_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, p)
            } == CURLE_OK
        }
        guard ok else { return (.failure(code: -1, detail: "libcurl refused an option (is libcurl too old?)"), state) }

        let code = curl_easy_perform(handle)
        if code != CURLE_OK {
            let words = String(cString: errorBuffer)
            let detail = words.isEmpty ? String(cString: curl_easy_strerror(code)) : words
            return (.failure(code: Int(code.rawValue), detail: detail), state)
        }
        state.finishStream()
        var status = 0, connects = 0
        _ = radit_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = radit_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return (.response(status: status, headers: state.headers, body: state.body, newConnections: connects), state)
    }
}

/// Connect and whole-transfer limits, seconds.
public struct Timeouts: Sendable, Equatable {
    public var connect: Double
    public var total: Double
    public init(connect: Double = 10, total: Double = 300) { self.connect = connect; self.total = total }
}

/// curl_global_init, once per process (it is not thread-safe itself).
enum CurlGlobal {
    static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// What the C callbacks of one transfer fill in.
final class TransferState {
    var status = 0
    var headers: [String: String] = [:]
    var body = Data()
    let stream: ((ServerSentEvent) -> ProgressAction)?
    var parser = ServerSentEventParser()
    var eventsDelivered = 0
    var stoppedByCaller = false

    init(stream: ((ServerSentEvent) -> ProgressAction)?) { self.stream = stream }

    /// Whether body bytes go to the event parser: a stream was asked for and the status is 2xx.
    var streaming: Bool { stream != nil && (200..<300).contains(status) }

    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard streaming, let stream else {
            body.append(contentsOf: bytes)
            return true
        }
        for event in parser.feed(bytes) {
            eventsDelivered += 1
            if stream(event) == .stop { stoppedByCaller = true; return false }
        }
        return true
    }

    func finishStream() {
        guard streaming, let stream, !stoppedByCaller, let event = parser.finish() else { return }
        eventsDelivered += 1
        if stream(event) == .stop { stoppedByCaller = true }
    }

    func header(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new response (after 100 Continue or a redirect): start over.
            let parts = trimmed.split(separator: " ")
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = [:]
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = trimmed[..<colon].lowercased()
        headers[name] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}

private let curlWrite: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
    guard let user else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    guard n > 0, let data else { return n }
    return state.receive(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
}

private let curlHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
    guard let user else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    guard n > 0, let data else { return n }
    state.header(String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self))
    return n
}
