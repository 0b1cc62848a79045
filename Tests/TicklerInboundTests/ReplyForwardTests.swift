import Foundation
import Logging
import Synchronization
import Systemd
import Testing
import TicklerConfig
import TicklerCore
@testable import TicklerDaemon
import TicklerDelivery
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerInbound

/// What a client texts reaches a person: the assignee of the case (once, however many of their cases the
/// contact is on), or the intake address for a number Tickler does not know or a case that is closed. The
/// words are kept with the inbound communication in the firm's store and go to staff by email; the
/// journal never has them. `tickler-inbound` as a process over real HTTP, requests signed independently,
/// the daemon in-process on a manual clock, the real SMTP sink.
@Suite(.serialized, .ownThreads) struct ReplyForwardTests {
    /// Every entry a logger was given, for a daemon in-process.
    final class Captured: Sendable {
        let lines = Mutex<[String]>([])
        var log: EventLog { EventLog(logger: Logger(label: "captured") { _ in Handler(sink: self) }) }

        struct Handler: LogHandler {
            let sink: Captured
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let fields = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
                sink.lines.withLock { $0.append("\(event.message) \(fields)") }
            }
        }
    }

    static let annText = "Please call me after 5, my new number is 555-0199"
    static let strangerText = "Who is this? I got a letter from you"
    static let beaText = "Is my old case really closed? Bea"

    @Test func aReplysTextReachesTheAssigneeOrTheIntakeAndNeverTheJournal() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let dir = "/tmp/tickler-forward-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try InboundFirm.token.write(toFile: dir + "/credentials/sms-token", atomically: true, encoding: .utf8)
        try """
            firm: { name: Example Law }
            calendars:
              firm: { timezone: America/Chicago, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            channels:
              mail: { type: email, smtp: "smtp://127.0.0.1:\(sink.port)", starttls: off, from: "Example Law <updates@firm.test>" }
              texts: { type: sms, url: "http://127.0.0.1:9", account_sid: AC1, auth_token_credential: sms-token, from: "+13125550000" }
            clients:
              channels: { email: mail, sms: texts }
              inbound: { public_url: "\(InboundFirm.publicURL)", intake: "intake@firm.test" }
            policies:
              - id: unanswered-inbound
                clock: { since: inbound }
                stages: [{ after: 4 business hours, notify: [assignee], via: [mail] }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", name: "Pat Lee", email: "pat@firm.test", role: "paralegal"))]
        for (id, status) in [("c1", CaseSnapshot.Status.open), ("c2", .open), ("c3", .closed)] {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: id, number: "N-\(id)", clientName: "Canary Client", status: status, assigneeID: "p1",
                openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!), updatedAt: nil)))
        }
        // Ann is a contact of two open cases of Pat's; Bea only of a closed one.
        batch.contacts = [
            .init(source: "t", caseID: "c1", record: Contact(id: "k1", name: "Ann Canary", phone: "+12125550101")),
            .init(source: "t", caseID: "c2", record: Contact(id: "k1b", name: "Ann Canary", phone: "+12125550101")),
            .init(source: "t", caseID: "c3", record: Contact(id: "k3", name: "Bea Canary", phone: "+13125550177")),
        ]
        try await store.write(batch, now: Instant(seconds: 0))
        let firm = InboundFirm(directory: dir)
        let inbound = try InboundProcess(firm: firm)

        for (sid, from, body) in [("SM20", "+12125550101", Self.annText), ("SM21", "+19995550100", Self.strangerText),
                                  ("SM22", "+13125550177", Self.beaText), ("SM23", "+12125550101", "STOP")] {
            let (status, _) = try inbound.post(InboundService.inboundPath, InboundTests.message(sid, from, body), firm: firm)
            #expect(status == 200)
        }
        // The words are with the communication on each open case; the forwards wait in the queue.
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT id, case_id, body FROM communications ORDER BY id")
            == [["sms-SM20", "c1", Self.annText], ["sms-SM20-1", "c2", Self.annText]])
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT source_id, recipient, channel FROM tickler_deliveries WHERE kind = 'reply' ORDER BY id")
            == [["SM20/c1", "p1", "mail"], ["SM21", "intake@firm.test", "mail"], ["SM22", "intake@firm.test", "mail"]])

        // The daemon sends them by the firm's email channel (queued at the receiver's time: the real one).
        let captured = Captured()
        let clock = ManualClock(SystemClock().now.adding(seconds: 60))
        var options = Daemon.Options(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                     events: captured.log)
        options.credentials = Credentials(directory: dir + "/credentials")
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        try await daemon.tick(.incremental)
        _ = await daemon.deliverQueued(timeout: .seconds(60))
        await daemon.stop(bound: .seconds(5))

        let mails = sink.received()
        func mail(to address: String, subject: String) -> String? {
            mails.first { ($0["rcpt_tos"] as? [String]) == [address] && ($0["headers"] as? [String: String])?["Subject"] == subject }
                .flatMap { ($0["parts"] as? [[String: Any]])?.first?["text"] as? String }?.replacingOccurrences(of: "\r\n", with: "\n")
        }
        #expect(mails.count == 3, "one forward each: Pat once for two cases, the intake twice; none for STOP")
        let toPat = try #require(mail(to: "pat@firm.test", subject: "Client text on case N-c1"))
        #expect(toPat.contains("\n    \(Self.annText)\n"))
        #expect(toPat.hasPrefix("Ann Canary texted on case N-c1."), "an email channel includes client names unless told not to")
        let stranger = try #require(mail(to: "intake@firm.test", subject: "Text from an unknown number (+19995550100)"))
        #expect(stranger.contains("\n    \(Self.strangerText)\n"))
        let bea = try #require(mail(to: "intake@firm.test", subject: "Client text on closed case N-c3"))
        #expect(bea.contains("from +13125550177") && bea.contains(Self.beaText))
        // Delivered, the words leave the queue: they stay with the communication only.
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT status, payload IS NULL FROM tickler_deliveries WHERE kind = 'reply'")
            == [["delivered", "1"], ["delivered", "1"], ["delivered", "1"]])

        // No word of theirs in the journal: not the receiver's (real journald), not the daemon's.
        let pid = "_PID=\(inbound.process.processIdentifier)"
        let journaled = try JournalQuery.entries([pid, "MESSAGE_ID=\(JournalEvent.inboundRecorded.messageID)"])
        #expect(journaled.count >= 4, "each recording and forward is journaled")
        let everything = try JournalQuery.entries([pid]).map { "\($0)" } + captured.lines.withLock { $0 }
        for secret in ["555-0199", "Who is this", "really closed", "Ann", "Bea", "+19995550100", "intake@firm.test"] {
            #expect(!everything.contains { $0.contains(secret) }, "\(secret) in the journal")
        }
    }

    /// Without an intake address, a text from an unknown number goes to nobody: one journal line says so,
    /// without the text.
    @Test func aTextWithNowhereToGoIsJournaledWithoutItsWords() async throws {
        let firm = try await InboundFirm()
        let config = try ConfigurationLoader.load(path: firm.config)
        let captured = Captured()
        let service = try InboundService(config: config, authToken: InboundFirm.token, store: try firm.store(),
                                         spool: InboundSpool(directory: firm.dir + "/spool"), storeDeadline: .seconds(120),
                                         events: captured.log, now: { RFC3339.parse("2026-12-02T16:00:00Z")! })
        let form = InboundTests.message("SM30", "+19995550100", Self.strangerText)
        let signature = TwilioSignature(authToken: InboundFirm.token).signature(url: InboundFirm.publicURL + InboundService.inboundPath, form: form)
        _ = await service.handle(InboundRequest(method: "POST", path: InboundService.inboundPath, signature: signature, form: form))
        let lines = captured.lines.withLock { $0 }
        #expect(lines.filter { $0.contains("forwarded to nobody") }.count == 1, "\(lines)")
        #expect(!lines.contains { $0.contains("Who is this") })
        #expect(try sqliteRows(firm.dir + "/tickler.db", "SELECT count(*) FROM tickler_deliveries") == [["0"]])
    }
}
