import Foundation

/// One server-sent event (the `text/event-stream` format): the `event:` name and the
/// `data:` lines joined by newlines.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public init(event: String? = nil, data: String) { self.event = event; self.data = data }
}

/// Splits a byte stream into events as chunks arrive; a chunk may end anywhere, even
/// inside a UTF-8 character.
struct ServerSentEventParser {
    private var pending: [UInt8] = []
    private var event: String?
    private var data: [String] = []

    /// Feeds bytes; returns the events they completed.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var out: [ServerSentEvent] = []
        var start = 0
        while let nl = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = nl
            if end > start, pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = String(decoding: pending[start..<end], as: UTF8.self)
            start = nl + 1
            if let e = take(line) { out.append(e) }
        }
        pending.removeFirst(start)
        return out
    }

    /// The event a stream that ended without its final blank line still completed.
    mutating func finish() -> ServerSentEvent? {
        if !pending.isEmpty {
            let line = String(decoding: pending, as: UTF8.self)
            pending.removeAll()
            if let e = take(line) { return e }
        }
        return take("")
    }

    private mutating func take(_ line: String) -> ServerSentEvent? {
        if line.isEmpty {
            defer { event = nil; data = [] }
            return data.isEmpty ? nil : ServerSentEvent(event: event, data: data.joined(separator: "\n"))
        }
        if line.hasPrefix(":") { return nil }  // comment / keep-alive
        let (field, value): (Substring, Substring)
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            var v = line[line.index(after: colon)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else {
            field = Substring(line); value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": event = String(value)
        default: break  // id, retry: not used by the APIs Radit talks to
        }
        return nil
    }
}
