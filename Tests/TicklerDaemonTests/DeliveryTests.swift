import Foundation
import GRDB
import Glibc
import Testing
import TicklerCore
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// A firm whose every case has an overdue escalation for its paralegal and attorney, delivered by email
/// to a real SMTP server and by a signed webhook to a real receiver, both on loopback.
struct DeliveryFirm {
    let dir: String
    let smtpPort: Int
    let hookPort: Int?
    let cases: Int

    static let secret = "whsec-canary-secret-1234"

    /// Two deliveries by email (paralegal, attorney) and one webhook per case.
    init(cases: Int, smtpPort: Int, hookPort: Int? = nil, extra: String = "") async throws {
        self.cases = cases
        self.smtpPort = smtpPort
        self.hookPort = hookPort
        dir = "/tmp/tickler-delivery-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try Self.secret.write(toFile: dir + "/credentials/webhook-secret", atomically: true, encoding: .utf8)
        let via = hookPort == nil ? "[email]" : "[email, hook]"
        let hook = hookPort.map { "  hook: { type: webhook, url: \"http://127.0.0.1:\($0)/tickler\", secret_credential: webhook-secret }\n" } ?? ""
        let config = """
            firm: { name: Example Partners }
            calendars:
              firm: { timezone: America/Los_Angeles, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            poll: { interval: 1s, full_rescan: 1h }
            delivery: { retry_after: 1s, retry_max: 2s }
            channels:
              email: { type: email, smtp: "smtp://127.0.0.1:\(smtpPort)", starttls: off, from: "Tickler <tickler@firm.test>" }
            \(hook)\(extra)
            policies:
              - id: client-update-cadence
                applies_to: { status: [open] }
                clock: { since: client_update, calendar: firm }
                stages:
                  - { after: 10 business days, action: remind, notify: [assignee], via: \(via) }
                  - { after: 13 business days, action: escalate, notify: [assignee, attorney], via: \(via) }
            """
        try config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [
            .init(source: "t", record: Person(id: "a1", name: "Alex Attorney", email: "alex@firm.test", role: "attorney")),
            .init(source: "t", record: Person(id: "p1", name: "Pat Paralegal", email: "pat@firm.test", role: "paralegal", managerID: "a1")),
        ]
        for i in 0..<cases {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: "c\(i)", number: "N-\(i)", title: "Canary v. Matter", clientName: "Canary Client", status: .open,
                assigneeID: "p1", attorneyID: "a1", openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!), updatedAt: nil)))
        }
        try await store.write(batch, now: Instant(seconds: 0))
    }

    var config: String { dir + "/tickler.yaml" }
    var environment: [String: String] { ["CREDENTIALS_DIRECTORY": dir + "/credentials"] }
    func store() throws -> SQLiteCaseStore { try SQLiteCaseStore(path: dir + "/tickler.db", create: false) }

    /// (fire id, recipient address) of every email the ledger owes.
    func expectedEmails() async throws -> Set<String> {
        let fires = try await store().ledger().filter { $0.outcome == .fired }
        return Set(fires.flatMap { ["\($0.fireID) pat@firm.test", "\($0.fireID) alex@firm.test"] })
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// What the SMTP server holds: "fire-id address" per message (the fire id is the Message-ID's first part).
func emailsReceived(_ sink: TestServer) -> [String] {
    sink.received().compactMap { m in
        guard let id = m["message_id"] as? String, let to = (m["rcpt_tos"] as? [String])?.first else { return nil }
        return "\(id.dropFirst().prefix(32)) \(to)"
    }
}

func waitUntil(_ timeout: Double = 120, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

@Suite(.serialized, .ownThreads) struct DeliveryTests {
    @Test func everyFireOfABurstReachesEveryRecipientExactlyOnce() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let receiver = try TestServer.webhook(directory: "/tmp/tickler-hook-\(UUID().uuidString.prefix(8))", secret: DeliveryFirm.secret)
        let firm = try await DeliveryFirm(cases: 30, smtpPort: sink.port, hookPort: receiver.port)
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment)
        defer { daemon.signal(SIGKILL) }
        #expect(await waitUntil { sink.received().count >= 60 && receiver.received().count >= 30 })
        // Nothing more comes: every delivery is recorded delivered (none is left to send again), and once the
        // daemon has stopped (a send in flight finishes first) the receivers hold all they ever will.
        #expect(try await waitUntil { try await firm.store().deliveries().allSatisfy { $0.status == "delivered" } })
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 120) == 0)
        let expected = try await firm.expectedEmails()
        #expect(expected.count == 60)
        let got = emailsReceived(sink)
        #expect(got.count == 60)
        #expect(Set(got) == expected)
        let hooks = receiver.received()
        #expect(hooks.count == 30)
        #expect(hooks.allSatisfy { $0["signature_ok"] as? Bool == true })
        let keys = hooks.compactMap { ($0["headers"] as? [String: String])?["Idempotency-Key"] }
        #expect(Set(keys) == Set(expected.map { String($0.prefix(32)) }))
        let queue = try await firm.store().deliveries()
        #expect(queue.count == 90 && queue.allSatisfy { $0.status == "delivered" && $0.attempts == 1 })

        // The journal: one delivered entry (priority 7) per delivery, with channel and attempt; neither the
        // client's name nor an address nor the secret anywhere in this daemon's entries.
        let pid = "_PID=\(daemon.process.processIdentifier)"
        let delivered = try JournalQuery.entries([pid, "MESSAGE_ID=322203dcd24244eea38969b0bde4a90e"])
        #expect(delivered.count == 90)
        #expect(delivered.allSatisfy { $0["PRIORITY"] as? String == "7" && $0["TICKLER_ATTEMPT"] as? String == "1" })
        #expect(Set(delivered.compactMap { $0["TICKLER_CHANNEL"] as? String }) == ["email", "hook"])
        let all = try JournalQuery.entries([pid])
        let text = all.map { "\($0)" }.joined()
        #expect(!text.contains("Canary") && !text.contains("@firm.test") && !text.contains(DeliveryFirm.secret))
    }

    @Test func anSMTPOutageLosesNothingAndIsJournaledOnceWithItsRecovery() async throws {
        let port = DeliveryFirm.freePort()
        let firm = try await DeliveryFirm(cases: 10, smtpPort: port)
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment)
        defer { daemon.signal(SIGKILL) }
        let store = try firm.store()
        // Down: the deliveries wait, retried with backoff.
        #expect(try await waitUntil { try await store.deliveries().contains { $0.attempts >= 2 } })
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))", port: port)
        #expect(await waitUntil { sink.received().count >= 20 })
        #expect(try await waitUntil { try await store.deliveries().allSatisfy { $0.status == "delivered" } })
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 120) == 0)
        #expect(Set(emailsReceived(sink)) == (try await firm.expectedEmails()))
        #expect(emailsReceived(sink).count == 20)
        #expect(try await store.deliveries().allSatisfy { $0.status == "delivered" })
        let pid = "_PID=\(daemon.process.processIdentifier)"
        let outages = try JournalQuery.entries([pid, "MESSAGE_ID=b0e7a6c2f43d4c1f9a8e5d2c71f04e93"])
        let recoveries = try JournalQuery.entries([pid, "MESSAGE_ID=4c2d9e81a07b4f6d8e3a1b5c9f7d2e60"])
        #expect(outages.count == 1)
        #expect(recoveries.count == 1)
        #expect(outages.first?["PRIORITY"] as? String == "3")
        let failed = try JournalQuery.entries([pid, "MESSAGE_ID=388262a9e30d4deba90617fbfc5e2a68"])
        #expect(!failed.isEmpty && failed.allSatisfy { $0["TICKLER_WILL_RETRY"] as? String == "yes" })
    }

    @Test func aPermanentRefusalIsNotRetried() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let receiver = try TestServer.webhook(directory: "/tmp/tickler-hook-\(UUID().uuidString.prefix(8))", secret: DeliveryFirm.secret)
        receiver.setMode("400")
        let firm = try await DeliveryFirm(cases: 3, smtpPort: sink.port, hookPort: receiver.port)
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment)
        defer { daemon.signal(SIGKILL) }
        let store = try firm.store()
        #expect(try await waitUntil { try await store.deliveries().filter { $0.channel == "hook" && $0.status == "failed" }.count == 3 })
        // Refused for good: nothing of them is pending, so nothing is sent again, and once the daemon has
        // stopped the receiver holds all it ever will. The refusals are counted as delivery errors first.
        let db = try DatabaseQueue(path: firm.dir + "/tickler.db")
        let errors = { try await db.read { try String.fetchOne($0, sql: "SELECT value FROM tickler_state WHERE key = 'daemon.delivery_errors'") } }
        #expect(try await waitUntil { try await errors() == "3" })
        daemon.signal(SIGTERM)
        #expect(daemon.wait(timeout: 120) == 0)
        #expect(receiver.received().count == 3)
        let hook = try await store.deliveries().filter { $0.channel == "hook" }
        #expect(hook.allSatisfy { $0.status == "failed" && $0.attempts == 1 && $0.lastError?.contains("HTTP 400") == true })
        let failed = try JournalQuery.entries(["_PID=\(daemon.process.processIdentifier)", "MESSAGE_ID=388262a9e30d4deba90617fbfc5e2a68"])
        #expect(failed.count == 3 && failed.allSatisfy { $0["TICKLER_WILL_RETRY"] as? String == "no" && $0["PRIORITY"] as? String == "3" })
        // The three refusals are the daemon's delivery errors (STATUS= and the store's health).
        #expect(try await errors() == "3")
    }

    @Test func aHungWebhookDoesNotDelayEmail() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let receiver = try TestServer.webhook(directory: "/tmp/tickler-hook-\(UUID().uuidString.prefix(8))", secret: DeliveryFirm.secret)
        receiver.setMode("hang")
        let firm = try await DeliveryFirm(cases: 10, smtpPort: sink.port, hookPort: receiver.port)
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment)
        defer { daemon.signal(SIGKILL) }
        // Every email goes out while the first webhook request is still hung (the receiver never answers).
        #expect(await waitUntil { sink.received().count >= 20 })
        let hook = try await firm.store().deliveries().filter { $0.channel == "hook" }
        #expect(hook.allSatisfy { $0.status == "pending" })
        #expect(receiver.received().count == 1)  // the first request hangs; the lane waits on it alone
    }

    @Test func anInactivePersonIsSkippedWithAJournalWarningAndTheirManagerNotified() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let firm = try await DeliveryFirm(cases: 2, smtpPort: sink.port)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", name: "Pat Paralegal", email: "pat@firm.test",
                                                           role: "paralegal", managerID: "a1", active: false))]
        try await firm.store().write(batch, now: Instant(seconds: 0))
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment, once: true)
        #expect(daemon.wait(timeout: 60) == 0)
        // Pat's share went to Alex, who the stage also names: one email per case, to Alex.
        #expect(emailsReceived(sink).map { String($0.dropFirst(33)) } == ["alex@firm.test", "alex@firm.test"])
        let warnings = try JournalQuery.entries(["_PID=\(daemon.process.processIdentifier)", "MESSAGE_ID=e5b8c1d74a2f4e3b9c6d0a7f18e2b453"])
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0["TICKLER_PERSON"] as? String == "p1" && $0["PRIORITY"] as? String == "4" })
    }

    @Test func onceSendsWhatIsDueBeforeExiting() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let firm = try await DeliveryFirm(cases: 5, smtpPort: sink.port)
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment, once: true)
        #expect(daemon.wait(timeout: 60) == 0)
        #expect(emailsReceived(sink).count == 10)
        #expect(try await firm.store().deliveries().allSatisfy { $0.status == "delivered" })
    }

    @Test func onceLeavesWhatCannotBeSentQueued() async throws {
        let firm = try await DeliveryFirm(cases: 2, smtpPort: DeliveryFirm.freePort())
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment, once: true)
        #expect(daemon.wait(timeout: 60) == 0)
        let queue = try await firm.store().deliveries()
        #expect(queue.count == 4 && queue.allSatisfy { $0.status == "pending" })
        #expect(queue.contains { $0.attempts == 1 })
    }
}
