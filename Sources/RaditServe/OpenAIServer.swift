import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RaditBase
import RaditModels

/// Why the server could not start.
public enum ServeError: RaditError {
    case bind(host: String, port: Int, detail: String)

    public var message: String {
        switch self {
        case .bind(let host, let port, let detail):
            return "cannot listen on \(host):\(port) (\(detail)); pick another --port or stop what uses it"
        }
    }
}

/// `radit serve`: the OpenAI-compatible API over one native model, on SwiftNIO. HTTP
/// parsing runs on the event loop; the model runs on one serial worker (it is not
/// thread-safe), behind a bounded queue.
public final class OpenAIServer: @unchecked Sendable {
    /// The port bound (the ephemeral one when the config asked for 0).
    public let port: Int
    public let config: ServeConfig
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let requestIds: Counter

    /// Binds and starts answering; returns once the socket listens. `search` serves
    /// `POST /retrieve` (it runs on the model's worker, one request at a time).
    public init(bundle: LlamaBundle, config: ServeConfig, search: (any DocumentSearch)? = nil) throws {
        self.config = config
        let service = OpenAIService(bundle: bundle, config: config, search: search)
        let requestIds = Counter()
        self.requestIds = requestIds
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.networkThreads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPHandler(service: service, maxBody: config.maxBodyBytes, requestIds: requestIds))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        do {
            channel = try bootstrap.bind(host: config.host, port: config.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw ServeError.bind(host: config.host, port: config.port, detail: "\(error)")
        }
        port = channel.localAddress?.port ?? config.port
    }

    /// The base URL clients use (`http://127.0.0.1:PORT/v1`).
    public var baseURL: String { "http://\(config.host):\(port)/v1" }

    /// HTTP requests received so far (each answered, whatever its status).
    public var requestsReceived: Int { requestIds.count }

    /// Blocks until the server is shut down.
    public func wait() throws { try channel.closeFuture.wait() }

    public func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Collects one request at a time and hands it to the service.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: OpenAIService
    private let maxBody: Int
    private let requestIds: Counter
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false

    init(service: OpenAIService, maxBody: Int, requestIds: Counter) {
        self.service = service; self.maxBody = maxBody; self.requestIds = requestIds
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.clear()
            tooLarge = false
        case .body(var part):
            if body.readableBytes + part.readableBytes > maxBody { tooLarge = true } else { body.writeBuffer(&part) }
        case .end:
            guard let head else { return }
            self.head = nil
            let sink = ChannelSink(context: context, version: head.version, keepAlive: head.isKeepAlive,
                                   requestId: "req-\(requestIds.next())")
            if tooLarge {
                let e = APIError(status: 413, message: "The body is larger than \(maxBody) bytes.", type: "invalid_request_error")
                sink.respond(status: 413, body: e.body, headers: [("Content-Type", "application/json")])
                return
            }
            service.handle(method: head.method.rawValue, uri: head.uri, body: Data(body.readableBytesView), sink: sink)
        }
    }
}

/// Writes the service's answer on the connection's event loop, from whichever thread
/// the answer comes.
struct ChannelSink: ResponseSink {
    private let context: NIOLoopBound<ChannelHandlerContext>
    private let eventLoop: any EventLoop
    private let version: HTTPVersion
    private let keepAlive: Bool
    private let requestId: String

    init(context: ChannelHandlerContext, version: HTTPVersion, keepAlive: Bool, requestId: String) {
        self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
        eventLoop = context.eventLoop
        self.version = version; self.keepAlive = keepAlive; self.requestId = requestId
    }

    private func head(_ status: Int, _ headers: [(String, String)]) -> HTTPServerResponsePart {
        var h = HTTPHeaders()
        for (k, v) in headers { h.add(name: k, value: v) }
        h.add(name: "x-request-id", value: requestId)
        if !keepAlive { h.add(name: "Connection", value: "close") }
        return .head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: h))
    }

    func respond(status: Int, body: Data, headers: [(String, String)]) {
        let head = self.head(status, headers + [("Content-Length", "\(body.count)")])
        let context = self.context, keepAlive = self.keepAlive
        eventLoop.execute {
            let ctx = context.value
            ctx.write(NIOAny(head), promise: nil)
            ctx.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ctx.channel.allocator.buffer(bytes: body)))), promise: nil)
            ctx.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                if !keepAlive { context.value.close(promise: nil) }
            }
        }
    }

    func beginEvents() {
        let head = self.head(200, [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])
        let context = self.context
        eventLoop.execute { context.value.writeAndFlush(NIOAny(head), promise: nil) }
    }

    func event(_ data: String) {
        let context = self.context
        let text = "data: \(data)\n\n"
        eventLoop.execute {
            let ctx = context.value
            ctx.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ctx.channel.allocator.buffer(string: text)))), promise: nil)
        }
    }

    func endEvents() {
        let context = self.context, keepAlive = self.keepAlive
        eventLoop.execute {
            context.value.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                if !keepAlive { context.value.close(promise: nil) }
            }
        }
    }
}
