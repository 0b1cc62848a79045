import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// An IMAP server as a mailbox names it.
public struct IMAPServer: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        /// TLS from the first byte (`imaps://`, port 993).
        case tls
        /// A plain connection that must be upgraded by STARTTLS before anything else is said (`imap://`, port 143).
        case startTLS
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// A CA bundle to trust instead of the system's (a firm's own CA).
    public var caFile: String?

    public init(host: String, port: Int, security: Security, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.caFile = caFile
    }
}

/// How Tickler logs in: a password (LOGIN), or an OAuth 2 access token (SASL XOAUTH2, as Microsoft 365 and
/// Google Workspace require).
public enum IMAPLogin: Sendable, Equatable {
    case password(user: String, password: String)
    case xoauth2(user: String, token: String)

    public var user: String {
        switch self {
        case .password(let u, _), .xoauth2(let u, _): u
        }
    }
}

/// What went wrong with an IMAP server. No case carries a credential.
public enum IMAPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not reachable: no connection, TLS refused, the connection cut.
    case unreachable(String)
    /// The server refused the login.
    case refused(String)
    /// A command the server answered NO or BAD.
    case failed(command: String, reason: String)
    /// No answer in time.
    case timedOut(seconds: Int)
    /// It sent what IMAP does not allow.
    case malformed(String)

    public var description: String {
        switch self {
        case .unreachable(let why): "cannot reach the IMAP server: \(why)"
        case .refused(let why): "the IMAP server refused the login: \(why)"
        case .failed(let command, let why): "the IMAP server refused \(command): \(why)"
        case .timedOut(let s): "the IMAP server did not answer within \(s) s"
        case .malformed(let what): "the IMAP server sent what IMAP does not allow: \(what)"
        }
    }
}

/// One IMAP session (RFC 3501, with IDLE of RFC 2177 and LITERAL+ of RFC 7888 where offered): opened by
/// `IMAPConnection.open`, used only inside its closure and closed after it. Every wait for the server is
/// bounded by `timeout`; a response is bounded in size (`IMAPResponseReader`).
public final class IMAPConnection {
    /// A folder as EXAMINE (read-only) opened it.
    public struct Folder: Sendable, Equatable {
        public var uidValidity: Int64
        public var uidNext: Int64?
        public var exists: Int64
    }

    /// A message's header section as fetched.
    public struct Header: Sendable, Equatable {
        public var uid: Int64
        public var internalDate: String?
        public var bytes: [UInt8]
    }

    let channel: any Channel
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let timeout: Duration
    var reader = IMAPResponseReader()
    var counter = 0
    /// Set when a deadline closed the connection.
    let expired = NIOLockedValueBox(false)
    public private(set) var capabilities: Set<String> = []

    init(channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
         timeout: Duration) {
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.timeout = timeout
    }

    /// The header fields Tickler reads: who, when, threading, and the marks of a machine's message.
    public static let headerFields = ["FROM", "TO", "CC", "BCC", "DATE", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "SUBJECT",
                                      "AUTO-SUBMITTED", "PRECEDENCE", "CONTENT-TYPE", "LIST-ID", "X-AUTOREPLY", "X-AUTORESPOND",
                                      "RETURN-PATH"]

    /// Connects, secures, logs in, and runs `body`; the session is closed after it, however it ends.
    public static func open<R: Sendable>(_ server: IMAPServer, login: IMAPLogin, timeout: Duration = .seconds(60),
                                         _ body: (IMAPConnection) async throws -> R) async throws -> R {
        let tls = try tlsContext(server)
        let sni = server.host.isIPAddress ? nil : server.host
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(Int64(timeout.components.seconds)))
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .connect(host: server.host, port: server.port) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        if server.security == .tls {
                            try ch.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: sni))
                        }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
                    }
                }
        } catch {
            throw IMAPError.unreachable(describe(error))
        }
        return try await channel.executeThenClose { inbound, outbound in
            let c = IMAPConnection(channel: channel.channel, inbound: inbound, outbound: outbound, timeout: timeout)
            try await c.start(server, tls: tls, sni: sni, login: login)
            let r = try await body(c)
            _ = try? await c.command("LOGOUT")
            return r
        }
    }

    static func tlsContext(_ server: IMAPServer) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        if let ca = server.caFile { config.trustRoots = .file(ca) }
        do { return try NIOSSLContext(configuration: config) } catch {
            throw IMAPError.unreachable("the TLS settings cannot be used (\(describe(error)))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? IMAPError { return e.description }
        if let e = error as? NIOSSLError { return "TLS: \(e)" }
        if let e = error as? IOError { return e.description }
        return String(describing: error)
    }

    private func start(_ server: IMAPServer, tls: NIOSSLContext, sni: String?, login: IMAPLogin) async throws {
        let greeting = try await response()
        guard greeting.tag == "*", let status = greeting.status, status == "OK" || status == "PREAUTH" else {
            throw IMAPError.unreachable("it greeted with \"\(greeting.line.prefix(120))\"")
        }
        if server.security == .startTLS {
            let caps = try await capability()
            guard caps.contains("STARTTLS") else { throw IMAPError.unreachable("it does not offer STARTTLS, and Tickler logs in only over TLS") }
            _ = try await command("STARTTLS")
            do {
                let channel = self.channel
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: sni), position: .first)
                }.get()
            } catch { throw IMAPError.unreachable("TLS: \(Self.describe(error))") }
            reader = IMAPResponseReader()
        }
        let before = try await capability()
        switch login {
        case .password(let user, let password):
            if before.contains("LOGINDISABLED") { throw IMAPError.refused("the server disables LOGIN") }
            _ = try await command("LOGIN \(try Self.quoted(user)) \(try Self.quoted(password))", refusal: true, shown: "LOGIN")
        case .xoauth2(let user, let token):
            let initial = Data("user=\(user)\u{1}auth=Bearer \(token)\u{1}\u{1}".utf8).base64EncodedString()
            _ = try await command("AUTHENTICATE XOAUTH2 \(initial)", refusal: true, shown: "AUTHENTICATE XOAUTH2") { _ in
                // A refusal comes as a challenge with the error: answered empty, then the server says NO.
                Array("\r\n".utf8)
            }
        }
        capabilities = try await capability()
    }

    func capability() async throws -> Set<String> {
        let untagged = try await command("CAPABILITY")
        var out = Set<String>()
        for r in untagged where r.tag == "*" {
            let words = r.line.split(separator: " ")
            if words.count > 1, words[1].uppercased() == "CAPABILITY" { out.formUnion(words.dropFirst(2).map { $0.uppercased() }) }
        }
        return out
    }

    /// The names of every folder (LIST "" "*"), as the server spells them.
    public func folders() async throws -> [String] {
        var out: [String] = []
        for r in try await command("LIST \"\" \"*\"", shown: "LIST") where r.tag == "*" {
            guard let t = r.tokens, t.count >= 5, t[1].atom?.uppercased() == "LIST" else { continue }
            if let name = t[4].string ?? t[4].atom { out.append(name) }
        }
        return out.sorted()
    }

    /// Opens `folder` read-only.
    public func examine(_ folder: String) async throws -> Folder {
        let untagged = try await command("EXAMINE \(try Self.quoted(folder))", shown: "EXAMINE \(folder)")
        var validity: Int64?, next: Int64?, exists: Int64 = 0
        for r in untagged where r.tag == "*" {
            if let code = r.code {
                let w = code.split(separator: " ")
                if w.count == 2, w[0].uppercased() == "UIDVALIDITY" { validity = Int64(w[1]) }
                if w.count == 2, w[0].uppercased() == "UIDNEXT" { next = Int64(w[1]) }
            }
            let words = r.line.split(separator: " ")
            if words.count == 3, words[2].uppercased() == "EXISTS", let n = Int64(words[1]) { exists = n }
        }
        guard let validity else { throw IMAPError.malformed("EXAMINE \(folder) without a UIDVALIDITY") }
        return Folder(uidValidity: validity, uidNext: next, exists: exists)
    }

    /// The UIDs of the open folder's messages received on or after `since` (its day, in the server's zone).
    public func uids(since: String) async throws -> [Int64] {
        try await search("UID SEARCH SINCE \(since)")
    }

    /// The UIDs of the open folder's messages above `after`.
    public func uids(after: Int64) async throws -> [Int64] {
        try await search("UID SEARCH UID \(after + 1):*").filter { $0 > after }
    }

    private func search(_ text: String) async throws -> [Int64] {
        var out: [Int64] = []
        for r in try await command(text) where r.tag == "*" {
            let words = r.line.split(separator: " ")
            if words.count >= 2, words[1].uppercased() == "SEARCH" { out += words.dropFirst(2).compactMap { Int64($0) } }
        }
        return out.sorted()
    }

    /// The header sections (the fields Tickler reads only) of the messages with `uids`, in UID order.
    public func headers(uids: [Int64]) async throws -> [Header] {
        if uids.isEmpty { return [] }
        let set = Self.sequenceSet(uids)
        let untagged = try await command("UID FETCH \(set) (UID INTERNALDATE BODY.PEEK[HEADER.FIELDS (\(Self.headerFields.joined(separator: " ")))])",
                                         shown: "UID FETCH")
        var out: [Header] = []
        for r in untagged where r.tag == "*" {
            guard let t = r.tokens, t.count >= 4, t[2].atom?.uppercased() == "FETCH", let items = t[3].list else { continue }
            var uid: Int64?, date: String?, bytes: [UInt8]?
            var i = 0
            while i + 1 < items.count {
                let name = items[i].atom?.uppercased() ?? ""
                if name == "UID" { uid = items[i + 1].number }
                if name == "INTERNALDATE" { date = items[i + 1].string }
                if name.hasPrefix("BODY[") { bytes = items[i + 1].bytes ?? [] }
                i += 2
            }
            if let uid, let bytes { out.append(Header(uid: uid, internalDate: date, bytes: bytes)) }
        }
        return out.sorted { $0.uid < $1.uid }
    }

    /// Waits in IDLE (when the server offers it) until the open folder has new messages or `deadline`
    /// passes; returns whether new messages came.
    public func idle(until deadline: ContinuousClock.Instant) async throws -> Bool {
        counter += 1
        let tag = "T\(counter)"
        try await send(Array("\(tag) IDLE\r\n".utf8))
        let go = try await response()
        guard go.tag == "+" else { throw IMAPError.failed(command: "IDLE", reason: go.text) }
        let done = NIOLockedValueBox(false)
        let channel = self.channel
        let finish: @Sendable () -> Void = {
            guard done.withLockedValue({ was in defer { was = true }; return !was }) else { return }
            channel.writeAndFlush(channel.allocator.buffer(string: "DONE\r\n"), promise: nil)
        }
        let wait = max(Duration.zero, deadline - .now)
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(wait.components.seconds) * 1_000_000_000
                                                       + wait.components.attoseconds / 1_000_000_000)) { finish() }
        defer { timer.cancel() }
        var arrived = false
        while true {
            let r = try await response(extra: wait)
            if r.tag == "*" {
                let words = r.line.split(separator: " ")
                if words.count >= 3, ["EXISTS", "RECENT"].contains(words[2].uppercased()) {
                    arrived = true
                    finish()
                }
                continue
            }
            guard r.tag == tag else { continue }
            guard r.status == "OK" else { throw IMAPError.failed(command: "IDLE", reason: r.text) }
            return arrived
        }
    }

    /// Appends `message` to `folder` (the tests' and the benchmark's way of delivering mail), received at
    /// `internalDate` (`06-Dec-2026 10:25:48 +0000`) when given.
    public func append(_ message: [UInt8], to folder: String, internalDate: String? = nil, seen: Bool = false) async throws {
        let plus = capabilities.contains("LITERAL+")
        var head = "APPEND \(try Self.quoted(folder))\(seen ? " (\\Seen)" : "")"
        if let d = internalDate { head += " \"\(d)\"" }
        head += " {\(message.count)\(plus ? "+" : "")}"
        _ = try await command(head, shown: "APPEND", literal: message, synchronizing: !plus)
    }

    /// Creates `folder`; deletes it first when `recreate` (a new UIDVALIDITY: what tests of a recreated folder need).
    public func create(_ folder: String, recreate: Bool = false) async throws {
        if recreate { _ = try? await command("DELETE \(try Self.quoted(folder))") }
        _ = try await command("CREATE \(try Self.quoted(folder))", shown: "CREATE")
    }

    // MARK: - Commands

    /// Sends a command and returns the untagged responses before its tagged OK. `refusal`: a NO is a refused
    /// login. `shown`: how errors name it (never with its arguments: a password is one).
    @discardableResult
    func command(_ text: String, refusal: Bool = false, shown: String? = nil, literal: [UInt8]? = nil, synchronizing: Bool = false,
                 continuation: (([UInt8]) -> [UInt8])? = nil) async throws -> [IMAPResponse] {
        counter += 1
        let tag = "T\(counter)"
        let name = shown ?? text
        if let literal, synchronizing {
            try await send(Array("\(tag) \(text)\r\n".utf8))
            let go = try await response()
            guard go.tag == "+" else { throw IMAPError.failed(command: name, reason: go.text) }
            try await send(literal + Array("\r\n".utf8))
        } else if let literal {
            try await send(Array("\(tag) \(text)\r\n".utf8) + literal + Array("\r\n".utf8))
        } else {
            try await send(Array("\(tag) \(text)\r\n".utf8))
        }
        var untagged: [IMAPResponse] = []
        while true {
            let r = try await response()
            if r.tag == "+" {
                guard let continuation else { throw IMAPError.malformed("a continuation request to \(name)") }
                try await send(continuation(Array(r.line.utf8)))
                continue
            }
            if r.tag != tag {
                if r.tag == "*" && r.status == "BYE" { throw IMAPError.unreachable("it closed the session: \(r.text)") }
                untagged.append(r)
                continue
            }
            switch r.status {
            case "OK": return untagged
            case "NO" where refusal, "BAD" where refusal: throw IMAPError.refused(r.text.isEmpty ? "no reason given" : r.text)
            default: throw IMAPError.failed(command: name, reason: r.text)
            }
        }
    }

    func send(_ bytes: [UInt8]) async throws {
        do { try await outbound.write(channel.allocator.buffer(bytes: bytes)) } catch {
            throw IMAPError.unreachable(Self.describe(error))
        }
    }

    /// The next response, waiting at most the timeout (and `extra`).
    func response(extra: Duration = .zero) async throws -> IMAPResponse {
        if let r = try reader.next() { return r }
        let limit = timeout + extra
        let expired = self.expired
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: .seconds(Int64(limit.components.seconds) + 1)) {
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        while true {
            let chunk: ByteBuffer?
            do { chunk = try await inbound.next() } catch {
                throw IMAPError.unreachable(Self.describe(error))
            }
            guard let chunk else {
                if expired.withLockedValue({ $0 }) { throw IMAPError.timedOut(seconds: Int(limit.components.seconds)) }
                throw IMAPError.unreachable("the connection closed")
            }
            reader.append(chunk.readableBytesView)
            do {
                if let r = try reader.next() { return r }
            } catch {
                throw IMAPError.malformed(String(describing: error))
            }
        }
    }

    /// `"…"` with `\` and `"` escaped; a string with CR, LF or NUL cannot be one.
    static func quoted(_ s: String) throws -> String {
        guard !s.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw IMAPError.malformed("a name or credential with a line break cannot be sent")
        }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `1:3,7,9:10` for sorted UIDs.
    static func sequenceSet(_ uids: [Int64]) -> String {
        var parts: [String] = []
        var i = 0
        let s = uids.sorted()
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(i == j ? "\(s[i])" : "\(s[i]):\(s[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}

extension String {
    var isIPAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, self, &v4) == 1 || inet_pton(AF_INET6, self, &v6) == 1
    }
}
