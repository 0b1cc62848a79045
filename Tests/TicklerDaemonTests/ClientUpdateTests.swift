import Foundation
import Glibc
import Logging
import Systemd
import Testing
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerInbound
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// A firm that writes to its clients: contacts in three time zones and two languages, a real SMTP sink
/// and a Twilio-compatible SMS gateway on loopback, and the daemon in-process on a manual clock. Stage
/// changes reach each consenting contact once, after the undo window, in their language, inside their
/// quiet hours; a stage put back within the window sends nothing; a hearing notice after a STOP goes by
/// email; a contact without consent gets nothing; nothing of the clients reaches the journal.
struct ClientFirm {
    let dir: String
    static let sid = "AC7e57"
    static let token = "sms-token-canary-5150"

    /// `undo`: the undo window; `anyHour`: no quiet hours (for a daemon on the real clock); `policies`: more
    /// policies, in YAML, indented as items of `policies:`.
    init(smtpPort: Int, smsPort: Int, undo: String = "10m", anyHour: Bool = false, policies extra: String = "") async throws {
        dir = "/tmp/tickler-clients-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try Self.token.write(toFile: dir + "/credentials/sms-token", atomically: true, encoding: .utf8)
        let config = """
            firm: { name: Example Law }
            calendars:
              firm: { timezone: America/Chicago, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            poll: { interval: 1s, full_rescan: 1h }
            delivery: { retry_after: 1s, retry_max: 2s }
            channels:
              mail: { type: email, smtp: "smtp://127.0.0.1:\(smtpPort)", starttls: off, from: "Example Law <updates@firm.test>" }
              texts: { type: sms, url: "http://127.0.0.1:\(smsPort)", account_sid: \(Self.sid), auth_token_credential: sms-token,
                       from: "+13125550000" }
            clients:
              channels: { email: mail, sms: texts }
              languages: [en, es]
              undo_window: \(undo)
            \(anyHour ? "  quiet_hours: { default: { hours: \"00:00-23:59\", days: [mon, tue, wed, thu, fri, sat, sun], holidays: none } }" : "")
            stages:
              default:
                - id: intake
                  text: { en: { name: Intake }, es: { name: Inicio } }
                - id: discovery
                  text:
                    en: { name: Discovery, means: Both sides exchange evidence., next: We send our questions to the other side. }
                    es: { name: Descubrimiento, means: Ambas partes intercambian pruebas., next: Enviamos nuestras preguntas. }
            policies:
              - id: stage-update
                client_facing: true
                clock: { since: stage_change }
                stages: [{ after: 0 minutes, notify: [client], deliver: immediately }]
              - id: hearing-notice
                client_facing: true
                essential: true
                clock: { until: deadline, kinds: [court] }
                stages: [{ before: 2 days, at: "10:00", notify: [client], deliver: immediately }]
            \(extra)
            """
        try config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        let consented = { (k: String, m: Contact.Medium, p: MessagePurpose) in
            ImportBatch.Sourced(source: "t", record: ConsentRecord(contactID: k, medium: m, purpose: p, granted: true,
                                                                    source: "intake-form", at: RFC3339.parse("2026-09-01T16:00:00Z")!,
                                                                    wording: "May we send you updates?"))
        }
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", name: "Pat Lee", email: "pat@firm.test", role: "paralegal",
                                                          phone: "+13125550199"))]
        for id in ["c1", "c2"] {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: id, number: "N-\(id)", title: "Canary v. Matter", clientName: "Canary Client", status: .open, assigneeID: "p1",
                openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!, stage: "intake"), updatedAt: RFC3339.parse("2026-09-01T16:00:00Z")!)))
        }
        batch.contacts = [
            // New York, English, texts first.
            .init(source: "t", caseID: "c1", record: Contact(id: "k1", name: "Ann Canary", email: "ann@client.test",
                                                             phone: "+12125550101", language: "en", timeZone: "America/New_York",
                                                             preferred: .sms)),
            // Los Angeles, Spanish, email.
            .init(source: "t", caseID: "c1", record: Contact(id: "k2", name: "Luis Canary", email: "luis@client.test",
                                                             language: "es", timeZone: "America/Los_Angeles")),
            // Madrid, Spanish, no consent at all.
            .init(source: "t", caseID: "c1", record: Contact(id: "k3", name: "Lola Canary", email: "lola@client.test",
                                                             language: "es", timeZone: "Europe/Madrid")),
            // No updates for this one.
            .init(source: "t", caseID: "c1", record: Contact(id: "k4", name: "Old Guardian", email: "old@client.test",
                                                             updatesEnabled: false)),
            .init(source: "t", caseID: "c2", record: Contact(id: "k5", name: "Bo Canary", email: "bo@client.test")),
        ]
        batch.consents = [
            consented("k1", .sms, .caseUpdates), consented("k1", .sms, .reminders), consented("k1", .email, .reminders),
            consented("k2", .email, .caseUpdates), consented("k4", .email, .caseUpdates), consented("k5", .email, .caseUpdates),
        ]
        try await store.write(batch, now: Instant(seconds: 0))
    }

    var config: String { dir + "/tickler.yaml" }
    func store() throws -> SQLiteCaseStore { try SQLiteCaseStore(path: dir + "/tickler.db", create: false) }

    /// Sets `stage` on `caseID` as an integration would, at `at`.
    func setStage(_ caseID: String, _ stage: String, at: Instant, deadline: Deadline? = nil) async throws {
        let store = try store()
        var c = try #require(try await store.snapshot(caseIDs: [caseID], detail: .full, people: false).cases.first)
        c.stage = stage
        var batch = ImportBatch()
        let deadlines = c.deadlines
        c.communications = []
        c.deadlines = []
        c.contacts = []
        c.stageChanges = []
        c.documentRequests = []
        batch.cases = [.init(source: "t", record: .init(fields: c, updatedAt: at))]
        batch.deadlines = (deadlines + (deadline.map { [$0] } ?? [])).map { .init(source: "t", caseID: caseID, record: $0) }
        try await store.write(batch, now: at)
    }
}

@Suite(.serialized, .ownThreads) struct ClientUpdateTests {
    /// ticklerd as a process on the real clock and real journald: the messages go, and no entry of the
    /// daemon holds a client's name, address or number.
    @Test func nothingOfTheClientsReachesTheJournal() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let gateway = try TestServer.smsGateway(directory: "/tmp/tickler-sms-\(UUID().uuidString.prefix(8))",
                                                sid: ClientFirm.sid, token: ClientFirm.token)
        let firm = try await ClientFirm(smtpPort: sink.port, smsPort: gateway.port, undo: "1s", anyHour: true)
        try await firm.setStage("c1", "discovery", at: SystemClock().now)
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: ["CREDENTIALS_DIRECTORY": firm.dir + "/credentials"])
        defer { daemon.signal(SIGKILL) }
        // Ann by text, Luis by email; Lola has no consent.
        #expect(await waitUntil { gateway.received().count >= 1 && sink.received().count >= 1 }, "\(daemon.stderrText)")
        let store = try firm.store()
        #expect(try await waitUntil { try await store.deliveries().filter { $0.channel == "client" && $0.status == "cancelled" }.count == 1 })
        let pid = "_PID=\(daemon.process.processIdentifier)"
        let notSent = try JournalQuery.entries([pid, "MESSAGE_ID=\(JournalEvent.clientMessageNotSent.messageID)"])
        #expect(notSent.count == 1)
        #expect(notSent.first?["TICKLER_RECIPIENT"] as? String == "contact:k3")
        #expect((notSent.first?["TICKLER_REASON"] as? String)?.hasPrefix("no consent") == true)
        let delivered = try JournalQuery.entries([pid, "MESSAGE_ID=\(JournalEvent.delivered.messageID)", "TICKLER_CHANNEL=client"])
        #expect(Set(delivered.compactMap { $0["TICKLER_RECIPIENT"] as? String }) == ["contact:k1", "contact:k2"])
        let text = try JournalQuery.entries([pid]).map { "\($0)" }.joined()
        for secret in ["Canary", "client.test", "+1212", "2125550101", "Guardian", ClientFirm.token] {
            #expect(!text.contains(secret), "the journal holds \(secret)")
        }
    }

    @Test func stageChangesReachEachConsentingContactOnceInTheirLanguageAndHours() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let gateway = try TestServer.smsGateway(directory: "/tmp/tickler-sms-\(UUID().uuidString.prefix(8))",
                                                sid: ClientFirm.sid, token: ClientFirm.token)
        let firm = try await ClientFirm(smtpPort: sink.port, smsPort: gateway.port)
        let recorded = RecordedEvents()
        // Tuesday 2026-12-01, 15:00Z: 09:00 in Chicago, 10:00 in New York, 07:00 in Los Angeles, 16:00 in Madrid.
        let t0 = RFC3339.parse("2026-12-01T15:00:00Z")!
        let clock = ManualClock(t0)
        var options = Daemon.Options(configPath: firm.config, clock: clock, notifier: ServiceNotifier(), events: recorded.log)
        options.credentials = Credentials(directory: firm.dir + "/credentials")
        let daemon = try await Daemon(options: options)
        defer { Task { await daemon.stop(bound: .seconds(5)) } }
        try await daemon.catchUp()
        func at(_ t: String) async throws {
            clock.set(RFC3339.parse(t)!)
            try await daemon.tick(.incremental)
            _ = await daemon.deliverQueued(timeout: .seconds(20))
        }

        // c1 moves to discovery; c2 too, but is put back three minutes later.
        try await firm.setStage("c1", "discovery", at: t0)
        try await firm.setStage("c2", "discovery", at: t0)
        try await at("2026-12-01T15:00:00Z")
        try await firm.setStage("c2", "intake", at: RFC3339.parse("2026-12-01T15:03:00Z")!)
        try await at("2026-12-01T15:03:00Z")
        #expect(sink.received().isEmpty && gateway.received().isEmpty, "sent inside the undo window")

        // The window ends: Ann (New York, 10:10) gets a text in English; Luis (Los Angeles, 07:10) waits for
        // his 08:00; Lola has no consent; Bo's stage was put back; the guardian gets nothing.
        try await at("2026-12-01T15:10:00Z")
        let texts = gateway.received()
        #expect(texts.count == 1)
        let text = try #require(texts.first)
        let form = try #require(text["form"] as? [String: String])
        #expect(text["auth_ok"] as? Bool == true)
        #expect(form["To"] == "+12125550101" && form["From"] == "+13125550000")
        #expect(form["Body"] == "Example Law: Ann, your case is now at the Discovery stage. We send our questions to the other side. "
            + "Reply STOP to opt out.")
        #expect(text["segments"] as? Int == 1)
        #expect(sink.received().isEmpty)

        try await at("2026-12-01T15:59:00Z")
        #expect(sink.received().isEmpty, "sent before 08:00 in Los Angeles")
        try await at("2026-12-01T16:00:00Z")
        let mails = sink.received()
        #expect(mails.count == 1)
        let mail = try #require(mails.first)
        #expect(mail["rcpt_tos"] as? [String] == ["luis@client.test"])
        let headers = try #require(mail["headers"] as? [String: String])
        #expect(headers["Subject"] == "Example Law: novedades sobre su caso")
        let body = try #require((mail["parts"] as? [[String: Any]])?.first?["text"] as? String).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(body.contains("Su caso pasó a una nueva etapa: Descubrimiento."))
        #expect(body.contains("Próximos pasos: Enviamos nuestras preguntas."))
        #expect(body.contains("Pat Lee al +13125550199"))
        #expect(!body.contains("Canary v. Matter") && !body.contains("N-c1"))

        // The queue says what became of each message, and why.
        let queue = try await firm.store().deliveries().filter { $0.channel == "client" }
        let byRecipient = Dictionary(queue.map { ("\($0.sourceID.prefix(4)) \($0.recipient)", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(queue.count == 4)
        #expect(queue.filter { $0.status == "delivered" }.map(\.recipient).sorted() == ["contact:k1", "contact:k2"])
        #expect(Set(queue.filter { $0.status == "cancelled" }.map { "\($0.recipient) \($0.lastError ?? "")" }) == [
            "contact:k3 no consent for this purpose on any medium the contact can be reached on",
            "contact:k5 the case changed before it was sent",
        ])
        #expect(byRecipient.values.allSatisfy { $0.recipient != "contact:k4" })

        // Nothing more comes of the same changes.
        try await at("2026-12-01T18:00:00Z")
        #expect(sink.received().count == 1 && gateway.received().count == 1)

        // Ann texts STOP (through tickler-inbound's own handling of the gateway's signed request); a court
        // date is set for Friday. Two days
        // before, at 10:00 in Chicago, the notice goes to her by email (she consented to reminders there),
        // and to Luis and Lola, who consented to nothing for reminders, not at all: staff are told to call them.
        let store = try firm.store()
        var config = try String(contentsOfFile: firm.config, encoding: .utf8)
        config = config.replacingOccurrences(of: "  undo_window: 10m", with: "  undo_window: 10m\n  inbound: { public_url: \"https://tickler.firm.test\" }")
        let inbound = try InboundService(config: try ConfigurationLoader.parse(config, path: firm.config), authToken: ClientFirm.token,
                                         store: store, spool: InboundSpool(directory: firm.dir + "/spool"), storeDeadline: .seconds(120), events: recorded.log,
                                         now: { RFC3339.parse("2026-12-01T18:05:00Z")! })
        let stopForm = [("AccountSid", ClientFirm.sid), ("MessageSid", "SM77"), ("From", "+12125550101"), ("To", "+13125550000"), ("Body", "STOP")]
        let signature = TwilioSignature(authToken: ClientFirm.token).signature(url: "https://tickler.firm.test/sms/inbound", form: stopForm)
        let stop = await inbound.handle(InboundRequest(method: "POST", path: "/sms/inbound", signature: signature, form: stopForm))
        #expect(stop.body.contains("you will get no more text messages"))
        try await firm.setStage("c1", "discovery", at: RFC3339.parse("2026-12-01T18:10:00Z")!,
                                deadline: Deadline(id: "d1", title: "Motion hearing", kind: .court,
                                                   dueAt: RFC3339.parse("2026-12-04T17:00:00Z")!))
        try await at("2026-12-01T18:10:00Z")
        try await at("2026-12-02T16:00:00Z")
        try await at("2026-12-02T16:10:00Z")
        #expect(gateway.received().count == 1, "texted after STOP")
        let notices = sink.received().filter { ($0["rcpt_tos"] as? [String]) == ["ann@client.test"] }
        #expect(notices.count == 1)
        let notice = try #require((notices.first?["parts"] as? [[String: Any]])?.first?["text"] as? String)
        #expect(notice.contains("you have a court date on Friday, December 4 at 12:00 PM"))
        let tasks = recorded.of(.clientStaffTask)
        #expect(tasks.compactMap { $0.fields["recipient"] }.sorted() == ["contact:k2", "contact:k3"])
        #expect(tasks.allSatisfy { $0.fields["case_id"] == "c1" })

        // Nothing of the clients in any entry: no name, address or number.
        let everything = recorded.all.map { "\($0.message) \($0.fields)" }.joined(separator: "\n")
        for secret in ["Canary", "client.test", "+1212", "5550101", ClientFirm.token] {
            #expect(!everything.contains(secret), "the journal holds \(secret)")
        }
        #expect(recorded.of(.clientMessageNotSent).count == 2)
        #expect(!recorded.of(.clientMessageHeld).isEmpty)
    }
}
