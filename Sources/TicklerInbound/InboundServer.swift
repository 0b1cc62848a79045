import NIOCore
import NIOHTTP1
import NIOPosix

/// The receiver's HTTP/1.1 listener: a thin runner around `InboundService`. It listens on the socket
/// systemd passes (socket activation) or on an address of its own, reads each request whole (at most
/// 64 KiB of form), and answers with what the service decides. One task per connection, all in one task
/// group; `run` returns when the listener closes.
public struct InboundServer: Sendable {
    public enum Listen: Sendable {
        /// A socket bound and listening already (systemd's, fd 3).
        case socket(CInt)
        case address(host: String, port: Int)
    }

    static let bodyLimit = 64 * 1024

    let service: InboundService

    public init(service: InboundService) { self.service = service }

    /// Listens, and calls `ready` with the port once it does.
    public func run(_ listen: Listen, ready: @Sendable (Int) -> Void) async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
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
                    group.addTask { await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let h):
                    (head, body, tooLarge) = (h, [], false)
                case .body(let chunk):
                    if body.count + chunk.readableBytes > Self.bodyLimit { tooLarge = true } else { body += chunk.readableBytesView }
                case .end:
                    guard let h = head else { continue }
                    let response = tooLarge
                        ? InboundResponse(status: 413, body: "too large\n")
                        : await service.handle(InboundRequest(method: h.method.rawValue, path: h.uri,
                                                              signature: h.headers.first(name: "X-Twilio-Signature"),
                                                              form: InboundRequest.parseForm(body)))
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: "\(response.body.utf8.count)")
                    if !h.isKeepAlive { headers.add(name: "Connection", value: "close") }
                    try await outbound.write(.head(HTTPResponseHead(version: h.version, status: .init(statusCode: response.status),
                                                                    headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: response.body))))
                    try await outbound.write(.end(nil))
                    if !h.isKeepAlive { return }
                    head = nil
                }
            }
        }
    }
}
