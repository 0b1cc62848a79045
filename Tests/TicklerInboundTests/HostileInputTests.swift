import Foundation
import Logging
import Synchronization
import Testing
import TicklerConfig
import TicklerCore
import TicklerDaemon
import TicklerDelivery
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerInbound

/// A connection of our own to the receiver, for requests no ordinary client would send: raw bytes in,
/// raw bytes out, every read bounded by a generous hang guard.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestServer.Failure.didNotStart("connect: \(errno)") }
        var guardTime = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guardTime, socklen_t(MemoryLayout<timeval>.size))
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// False once the peer has closed (EPIPE, ECONNRESET).
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Everything until the peer closes (or the hang guard).
    func readToClose() -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One response: its status line and headers, and a body of Content-Length bytes.
    func readResponse() -> String {
        var out: [UInt8] = []
        var byte = [UInt8](repeating: 0, count: 1)
        while !out.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(fd, &byte, 1, 0) == 1 else { return String(decoding: out, as: UTF8.self) }
            out.append(byte[0])
        }
        let head = String(decoding: out, as: UTF8.self)
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        var body = [UInt8](repeating: 0, count: length), got = 0
        while got < length {
            let n = body.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, length - got, 0) }
            if n <= 0 { break }
            got += n
        }
        return head + String(decoding: body[0..<got], as: UTF8.self)
    }

    /// Whether the peer has closed: a read that returns end of stream (waits up to the hang guard).
    func isClosedByPeer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    /// A signed form POST, as the gateway sends it.
    static func post(_ path: String, _ form: [(String, String)], signature: String) -> String {
        let body = form.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return "POST \(path) HTTP/1.1\r\nHost: tickler.firm.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "X-Twilio-Signature: \(signature)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

/// `tickler-inbound` attacked as the internet would, over real HTTP against the real receiver: forged and
/// replayed signatures, slow and endless connections, a store that stops answering, a flood of refusals.
@Suite(.serialized, .ownThreads) struct HostileInputTests {
    static let victim = "+12125550101"
    static let attacker = "+19995550100"

    static func signed(_ form: [(String, String)]) -> String {
        TwilioSignature(authToken: InboundFirm.token).signature(url: InboundFirm.publicURL + InboundService.inboundPath, form: form)
    }

    static func smsConsents(_ store: SQLiteCaseStore) async throws -> ConsentBook {
        ConsentBook(try await store.consents(of: ["k1", "k1b", "k1c"]))
    }

    @Test func aSignatureReSplitIntoAnotherNumbersKeywordIsRefused() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        let store = try firm.store()
        // The victim opted out.
        let (stopped, _) = try inbound.post(InboundService.inboundPath, InboundTests.message("SMv1", Self.victim, "STOP"), firm: firm)
        #expect(stopped == 200)
        #expect(try await !Self.smsConsents(store).allows("k1", .sms, .caseUpdates))

        // The attacker texts the firm from their own number; the gateway signs that request.
        let own: [(String, String)] = [("AccountSid", "AC1"), ("MessageSid", "SMa1"), ("From", Self.attacker), ("To", "+13125550000"),
                                       ("Body", "STARTFrom\(Self.victim)"), ("NumMedia", "0")]
        let signature = Self.signed(own)
        // Re-split: the same signed bytes, now a START from the victim.
        let forged: [(String, String)] = [("AccountSid", "AC1"), ("MessageSid", "SMa1"), ("From", Self.victim), ("From\(Self.attacker)", ""),
                                          ("To", "+13125550000"), ("Body", "START"), ("NumMedia", "0")]
        #expect(Self.signed(forged) == signature, "the re-split no longer signs the same: the test shows nothing")
        // And through a documented name (FromCity) swallowing the attacker's own number.
        let throughCity: [(String, String)] = [("AccountSid", "AC1"), ("MessageSid", "SMa2"), ("From", Self.attacker), ("To", "+13125550000"),
                                               ("Body", "STARTFrom\(Self.victim)FromCityX"), ("FromCity", "NEW YORK"), ("NumMedia", "0")]
        let cityForged: [(String, String)] = [("AccountSid", "AC1"), ("MessageSid", "SMa2"), ("From", Self.victim),
                                              ("FromCity", "XFrom\(Self.attacker)FromCityNEW YORK"), ("To", "+13125550000"), ("Body", "START"),
                                              ("NumMedia", "0")]
        #expect(Self.signed(cityForged) == Self.signed(throughCity))
        for (form, signature) in [(forged, signature), (cityForged, Self.signed(throughCity))] {
            let c = try RawConnection(port: inbound.port)
            c.send(RawConnection.post(InboundService.inboundPath, form, signature: signature))
            let response = c.readResponse()
            #expect(response.hasPrefix("HTTP/1.1 400"), "\(response)")
        }
        // A duplicated field is refused too, though it verifies.
        let twice = InboundTests.message("SMa3", Self.victim, "START") + [("Body", "x")]
        let c = try RawConnection(port: inbound.port)
        c.send(RawConnection.post(InboundService.inboundPath, twice, signature: Self.signed(twice)))
        #expect(c.readResponse().hasPrefix("HTTP/1.1 400"))
        #expect(try await !Self.smsConsents(store).allows("k1", .sms, .caseUpdates), "the forged START restored the victim's consent")
        #expect(try await store.consents(of: ["k1"]).count == 4, "only the intake entries and the STOP")
    }

    @Test func aReplayedStartAfterAStopChangesNothingAndAddsNoRow() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        let store = try firm.store()
        // A STOP, a START, a STOP: the client's last word is STOP.
        for (sid, body) in [("SMr1", "STOP"), ("SMr2", "START"), ("SMr3", "STOP")] {
            let (status, _) = try inbound.post(InboundService.inboundPath, InboundTests.message(sid, Self.victim, body), firm: firm)
            #expect(status == 200)
        }
        let rows = try await store.consents(of: ["k1", "k1b", "k1c"]).count
        // The START replayed, again and again, as a captured request would be: answered, with nothing written
        // and no second confirmation.
        for _ in 0..<5 {
            let (status, body) = try inbound.post(InboundService.inboundPath, InboundTests.message("SMr2", Self.victim, "START"), firm: firm)
            #expect(status == 200)
            #expect(body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")
        }
        #expect(try await store.consents(of: ["k1", "k1b", "k1c"]).count == rows)
        let book = try await Self.smsConsents(store)
        #expect(["k1", "k1b", "k1c"].allSatisfy { k in !book.allows(k, .sms, .caseUpdates) && !book.allows(k, .sms, .reminders) })
    }

    @Test func slowConnectionsNeitherStarveASignedRequestNorStayOpen() async throws {
        let firm = try await InboundFirm(inbound: "max_connections: 220, idle_timeout: 3s, request_timeout: 4s")
        let inbound = try InboundProcess(firm: firm)
        // 200 connections that start a request and never finish it, one byte at a time.
        let slow = try (0..<200).map { _ in try RawConnection(port: inbound.port) }
        for c in slow { c.send("POST /sms/inbound HTTP/1.1\r\nHost: x\r\n") }
        for c in slow { c.send("X") }
        // A signed message still gets its answer while they hang on: they are all still open after it.
        let (status, _) = try inbound.post(InboundService.inboundPath, InboundTests.message("SMs1", Self.victim, "Hello?"), firm: firm)
        #expect(status == 200)
        // Over the bound, a connection is answered 503 at once.
        let extra = try (0..<30).map { _ in try RawConnection(port: inbound.port) }
        let busy = extra.map { $0.readToClose() }.filter { $0.hasPrefix("HTTP/1.1 503") }.count
        #expect(busy >= 10, "connections over the bound of 220 were not answered 503")
        // None of the slow ones outlives its request time; an idle one is closed too.
        let idle = try RawConnection(port: inbound.port)
        #expect(slow.allSatisfy { $0.isClosedByPeer() })
        #expect(idle.isClosedByPeer())
        let store = try firm.store()
        #expect(try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases.first?.communications.map(\.id) == ["sms-SMs1"])
    }

    @Test func aBodyOverTheLimitIsRefusedAtOnceWithOrWithoutItsLength() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        // A declared 100 MB: refused before any of it is sent.
        let declared = try RawConnection(port: inbound.port)
        declared.send("POST /sms/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n")
        #expect(declared.readToClose().hasPrefix("HTTP/1.1 413"))
        // An endless chunked upload: refused once past the limit, and the connection closed under the sender.
        let endless = try RawConnection(port: inbound.port)
        endless.send("POST /sms/inbound HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = Array("4000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 0x4000) + Array("\r\n".utf8)
        var sent = 0
        while endless.send(chunk), sent < 100_000 { sent += 1 }
        #expect(sent < 100_000, "a 1.6 GB chunked body was still being read")
        #expect(endless.readToClose().hasPrefix("HTTP/1.1 413"))
    }

    @Test func aMessageArrivingWhileTheStoreIsLockedIsAppliedOnceItUnlocks() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm, storeWait: 2)
        let lock = try StoreLock(path: firm.dir + "/tickler.db")
        let (status, body) = try inbound.post(InboundService.inboundPath, InboundTests.message("SMl1", Self.victim, "Please call me"), firm: firm)
        #expect(status == 200, "a message the store could not take was refused: the gateway may not retry")
        #expect(body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")
        #expect(FileManager.default.fileExists(atPath: firm.dir + "/spool"))
        #expect((try FileManager.default.contentsOfDirectory(atPath: firm.dir + "/spool")).count == 1, "not kept")
        lock.release()
        let store = try firm.store()
        var ids: [String] = []
        for _ in 0..<600 {  // hang guard: 60 s
            ids = try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases.first?.communications.map(\.id) ?? []
            if !ids.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ids == ["sms-SMl1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: firm.dir + "/spool").filter { $0.hasSuffix(".request") }.isEmpty)
        try JournalQuery.sync()
        let pid = "_PID=\(inbound.process.processIdentifier)"
        #expect(try JournalQuery.entries([pid, "MESSAGE_ID=\(JournalEvent.inboundKept.messageID)"]).count == 1)
        #expect(try JournalQuery.entries([pid, "MESSAGE_ID=\(JournalEvent.storeOutage.messageID)"]).count <= 1)
    }

    @Test func aFloodOfUnsignedRequestsWritesABoundedNumberOfJournalLines() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        let form = InboundTests.message("SMf1", Self.victim, "STOP")
        let c = try RawConnection(port: inbound.port)
        for _ in 0..<1_000 {
            c.send(RawConnection.post(InboundService.inboundPath, form, signature: "bm90IGEgc2lnbmF0dXJl"))
            #expect(c.readResponse().hasPrefix("HTTP/1.1 403"))
        }
        try JournalQuery.sync()
        let lines = try JournalQuery.entries(["_PID=\(inbound.process.processIdentifier)",
                                              "MESSAGE_ID=\(JournalEvent.inboundRejected.messageID)"]).count
        #expect((1...2).contains(lines), "\(lines) journal lines for 1,000 refusals")
        #expect(try await !firm.store().consents(of: ["k1"]).contains { !$0.granted })
    }

    /// The counts of a minute reach the journal when it ends: on an injected clock.
    @Test func theRefusalsOfAMinuteAreJournaledOnceWithTheirCount() async throws {
        let firm = try await InboundFirm()
        let config = try ConfigurationLoader.load(path: firm.config)
        let clock = Mutex(RFC3339.parse("2026-12-02T16:00:00Z")!)
        let recorded = RecordedLog()
        let service = try InboundService(config: config, authToken: InboundFirm.token, store: try firm.store(),
                                         spool: InboundSpool(directory: firm.dir + "/spool"), storeDeadline: .seconds(120), events: recorded.log,
                                         now: { clock.withLock { $0 } })
        for _ in 0..<50 {
            let r = await service.handle(InboundRequest(method: "POST", path: InboundService.inboundPath, signature: "bad",
                                                        form: InboundTests.message("SM1", Self.victim, "STOP")))
            #expect(r.status == 403)
        }
        #expect(recorded.messages.count == 1)
        #expect(service.flushRefusals() == RFC3339.parse("2026-12-02T16:01:00Z"))
        clock.withLock { $0 = $0.adding(seconds: 60) }
        #expect(service.flushRefusals() == nil)
        #expect(recorded.messages.last == "refused 49 more unsigned requests since 2026-12-02T16:00:00Z (bad signature: 49)")
    }
}

/// An exclusive lock on a SQLite file, held by another process until released.
final class StoreLock {
    let process = Process()
    let input = Pipe()

    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            sys.stdin.read()
            db.execute("COMMIT")
            """, path]
        let out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        try process.run()
        // Held once it says so.
        _ = out.fileHandleForReading.availableData
    }

    func release() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { release() } }
}

/// The messages an `EventLog` writes, in order.
final class RecordedLog: Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }
    var log: EventLog { EventLog(logger: Logger(label: "recorded") { _ in Handler(self) }) }

    struct Handler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        init(_ log: RecordedLog) { self.log = log }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            log.lines.withLock { $0.append(message.description) }
        }
    }
}
