import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TicklerClio
import TicklerInbound

/// The receiver's HTTP/1.1 listener: a thin runner around `InboundService` and `ClioWebhookReceiver`. It listens on the socket
/// systemd passes (socket activation) or on an address of its own, and holds every connection to bounds:
/// at most `limits.connections` at once (one more is answered 503 and closed), `limits.idle` to start a
/// request, `limits.request` to send the whole of it, and `bodyLimit` bytes of form (a larger body is
/// refused with 413 as soon as it is known to be larger, and the connection closed). One task per
/// connection, all in one task group; `run` returns when the listener closes.
public struct InboundServer: Sendable {
    public enum Listen: Sendable {
        /// A socket bound and listening already (systemd's, fd 3).
        case socket(CInt)
        case address(host: String, port: Int)
    }

    /// How much a connection may take.
    public struct Limits: Sendable {
        public var connections: Int
        /// Before the first byte of a request (a new connection, or one kept alive).
        public var idle: Duration
        /// From the first byte of a request to its end.
        public var request: Duration

        public init(connections: Int = 256, idle: Duration = .seconds(5), request: Duration = .seconds(10)) {
            self.connections = connections
            self.idle = idle
            self.request = request
        }
    }

    static let bodyLimit = 64 * 1024

    /// Clients' replies from the SMS gateway (`/sms/…`), when the configuration receives them.
    let service: InboundService?
    /// Clio's webhooks (`/clio/webhook`), when the configuration syncs from Clio.
    let clio: ClioWebhookReceiver?
    let limits: Limits
    let logger: Logger
    let journal: @Sendable (ClioWebhookReceiver.Outcome) -> Void

    public init(service: InboundService?, clio: ClioWebhookReceiver? = nil, limits: Limits = Limits(),
                logger: Logger = Logger(label: "tickler-inbound"), journal: @escaping @Sendable (ClioWebhookReceiver.Outcome) -> Void = { _ in }) {
        self.service = service
        self.clio = clio
        self.limits = limits
        self.logger = logger
        self.journal = journal
    }

    /// Listens, and calls `ready` with the port once it does.
    public func run(_ listen: Listen, ready: @Sendable (Int) -> Void) async throws {
        let admitted = ConnectionCount(limit: limits.connections)
        let limits = self.limits, service = self.service
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>?> = { channel in
            channel.eventLoop.makeCompletedFuture {
                guard admitted.enter() else {
                    // Over the bound: answered at once, without reading what it sends.
                    try channel.pipeline.syncOperations.addHandler(RefuseConnection())
                    service?.refusedConnection()
                    return nil
                }
                channel.closeFuture.whenComplete { _ in admitted.leave() }
                let deadlines = ConnectionDeadlines(limits: limits)
                try channel.pipeline.syncOperations.addHandler(deadlines.byteWatch, position: .first)
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                try channel.pipeline.syncOperations.addHandler(deadlines.requestWatch)
                return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
            }
        }
        let server = switch listen {
        case .socket(let fd): try await bootstrap.bind(fd, childChannelInitializer: initializer)
        case .address(let host, let port): try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        }
        ready(server.channel.localAddress?.port ?? 0)
        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    guard let connection else { continue }
                    group.addTask { await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                func respond(_ response: InboundResponse, to h: HTTPRequestHead, close: Bool, extra: [String: String] = [:]) async throws {
                    var headers = HTTPHeaders()
                    for (k, v) in extra.sorted(by: { $0.key < $1.key }) { headers.add(name: k, value: v) }
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: "\(response.body.utf8.count)")
                    if close { headers.add(name: "Connection", value: "close") }
                    try await outbound.write(.head(HTTPResponseHead(version: h.version, status: .init(statusCode: response.status),
                                                                    headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: response.body))))
                    try await outbound.write(.end(nil))
                }
                let tooLarge = InboundResponse(status: 413, body: "too large\n")
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        (head, body) = (h, [])
                        // Refused before a byte of it is read, when it says how large it is.
                        if let length = h.headers.first(name: "Content-Length").flatMap(Int.init), length > Self.bodyLimit {
                            try await respond(tooLarge, to: h, close: true)
                            return
                        }
                    case .body(let chunk):
                        guard let h = head else { continue }
                        guard body.count + chunk.readableBytes <= Self.bodyLimit else {
                            try await respond(tooLarge, to: h, close: true)
                            return
                        }
                        body += chunk.readableBytesView
                    case .end:
                        guard let h = head else { continue }
                        let route = h.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? h.uri
                        if let clio, route == ClioWebhookReceiver.path {
                            let a = await clio.handle(method: h.method.rawValue, body: body, hookSecret: h.headers.first(name: "X-Hook-Secret"),
                                                      signature: h.headers.first(name: "X-Hook-Signature"))
                            journal(a.outcome)
                            try await respond(InboundResponse(status: a.status, body: a.body), to: h, close: !h.isKeepAlive, extra: a.headers)
                        } else if let service {
                            let response = await service.handle(InboundRequest(method: h.method.rawValue, path: h.uri,
                                                                               signature: h.headers.first(name: "X-Twilio-Signature"),
                                                                               form: InboundRequest.parseForm(body)))
                            try await respond(response, to: h, close: !h.isKeepAlive)
                        } else {
                            let ok = h.method == .GET && route == "/healthz"
                            try await respond(InboundResponse(status: ok ? 200 : 404, body: ok ? "ok\n" : "not found\n"), to: h,
                                              close: !h.isKeepAlive)
                        }
                        if !h.isKeepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            // The client went away or was cut off at a bound; what it sent was applied or refused already,
            // and a gateway that got no answer retries (written once, by its message id).
            logger.debug("a connection ended early: \(error)")
        }
    }
}

/// The connections being served, against the bound.
final class ConnectionCount: Sendable {
    private let count = Mutex(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func enter() -> Bool {
        count.withLock { n in
            guard n < limit else { return false }
            n += 1
            return true
        }
    }

    func leave() { count.withLock { $0 -= 1 } }
}

/// A connection over the bound: answered 503 at once and closed, without reading what it sends.
final class RefuseConnection: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    static let response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n"
        + "Retry-After: 1\r\nConnection: close\r\n\r\nbusy\n"

    func channelActive(context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(string: Self.response)
        context.writeAndFlush(NIOAny(buffer)).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// The time bounds of one connection: `idle` from its start, or the end of a response, to the first byte
/// of the next request; `request` from that byte to the request's end. Past either, the connection is
/// closed. Two handlers share it: one before the HTTP decoder sees bytes arrive, one after it sees
/// requests end and responses go.
final class ConnectionDeadlines: @unchecked Sendable {
    // Touched only on the channel's event loop.
    private enum State { case idle, reading, answering }
    private var state = State.idle
    private var timer: Scheduled<Void>?
    private let limits: InboundServer.Limits
    private var channel: (any Channel)?

    init(limits: InboundServer.Limits) { self.limits = limits }

    var byteWatch: ByteWatch { ByteWatch(self) }
    var requestWatch: RequestWatch { RequestWatch(self) }

    fileprivate func started(_ channel: any Channel) {
        self.channel = channel
        arm(limits.idle)
    }

    fileprivate func bytesArrived() {
        guard state == .idle else { return }
        state = .reading
        arm(limits.request)
    }

    fileprivate func requestEnded() {
        state = .answering
        timer?.cancel()
        timer = nil
    }

    fileprivate func responseSent() {
        state = .idle
        arm(limits.idle)
    }

    fileprivate func stopped() {
        timer?.cancel()
        timer = nil
        channel = nil
    }

    private func arm(_ after: Duration) {
        timer?.cancel()
        guard let channel else { return }
        let (seconds, attoseconds) = after.components
        timer = channel.eventLoop.scheduleTask(in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) { [weak self] in
            guard let self, let channel = self.channel else { return }
            channel.close(promise: nil)
        }
    }

    /// Before the HTTP decoder: every read is bytes of a request.
    final class ByteWatch: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        private let deadlines: ConnectionDeadlines

        init(_ d: ConnectionDeadlines) { deadlines = d }

        func channelActive(context: ChannelHandlerContext) {
            deadlines.started(context.channel)
            context.fireChannelActive()
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { deadlines.started(context.channel) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadlines.stopped()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadlines.bytesArrived()
            context.fireChannelRead(data)
        }
    }

    /// After the HTTP codec: a request's end, and a response's.
    final class RequestWatch: ChannelDuplexHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart
        typealias OutboundIn = HTTPServerResponsePart
        typealias OutboundOut = HTTPServerResponsePart
        private let deadlines: ConnectionDeadlines

        init(_ d: ConnectionDeadlines) { deadlines = d }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .end = unwrapInboundIn(data) { deadlines.requestEnded() }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { deadlines.responseSent() }
            context.write(data, promise: promise)
        }
    }
}
