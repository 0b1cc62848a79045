import Foundation
import Testing
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerInbound
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// Where a client message cannot go, it is not lost: a medium that refuses it gives way to the next one the
/// contact consented to, and what no medium carries becomes a staff task that reaches the case's assignee
/// (by the built-in `staff-tasks` policy), escalates while open, and stops once closed. Quiet hours defer a
/// message; they never drop it. A delivered update is an outbound status update of the case. All on a
/// manual clock, with the real SMTP sink and SMS gateway.
@Suite(.serialized, .ownThreads) struct StaffTaskTests {
    /// The client firm of `ClientUpdateTests`, its case c1 with an attorney, and Ann's second number: a
    /// contact (k6) reachable only by text, who consented to reminders there.
    struct Firm {
        let firm: ClientFirm
        let sink: TestServer
        let gateway: TestServer
        let daemon: Daemon
        let clock: ManualClock
        let recorded = RecordedEvents()

        init(at start: String) async throws {
            sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
            gateway = try TestServer.smsGateway(directory: "/tmp/tickler-sms-\(UUID().uuidString.prefix(8))",
                                                sid: ClientFirm.sid, token: ClientFirm.token)
            firm = try await ClientFirm(smtpPort: sink.port, smsPort: gateway.port)
            let store = try firm.store()
            var c = try #require(try await store.snapshot(caseIDs: ["c1"], detail: .full, people: false).cases.first)
            c.attorneyID = "a1"
            c.communications = []
            c.contacts = []
            c.stageChanges = []
            var batch = ImportBatch()
            batch.people = [.init(source: "t", record: Person(id: "a1", name: "Alex Kim", email: "alex@firm.test", role: "attorney"))]
            batch.cases = [.init(source: "t", record: .init(fields: c, updatedAt: RFC3339.parse("2026-09-01T16:00:00Z")!))]
            batch.contacts = [.init(source: "t", caseID: "c1", record: Contact(id: "k6", name: "Ann Canary", phone: "+12125550166",
                                                                                language: "en", timeZone: "America/New_York",
                                                                                preferred: .sms))]
            batch.consents = [.init(source: "t", record: ConsentRecord(contactID: "k6", medium: .sms, purpose: .reminders, granted: true,
                                                                         source: "intake-form", at: RFC3339.parse("2026-09-01T16:00:00Z")!))]
            try await store.write(batch, now: RFC3339.parse("2026-09-01T16:00:00Z")!)
            clock = ManualClock(RFC3339.parse(start)!)
            var options = Daemon.Options(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                         events: recorded.log)
            options.credentials = Credentials(directory: firm.dir + "/credentials")
            daemon = try await Daemon(options: options)
            try await daemon.catchUp()
        }

        /// Sets the clock to `t`, ticks, and sends everything due (twice: a message a medium refused is looked
        /// at again at once, and a task it became fires to staff at the next tick).
        func at(_ t: String) async throws {
            clock.set(RFC3339.parse(t)!)
            for _ in 0..<2 {
                try await daemon.tick(.incremental)
                _ = await daemon.deliverQueued(timeout: .seconds(60))
            }
        }

        func mails(to address: String) -> [[String: Any]] {
            sink.received().filter { ($0["rcpt_tos"] as? [String]) == [address] }
        }

        func stop() async { await daemon.stop(bound: .seconds(5)) }
    }

    static func text(_ mail: [String: Any]) -> String {
        ((mail["parts"] as? [[String: Any]])?.first?["text"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test func aRefusedHearingTextGoesByEmailAndWhatNoMediumCarriesBecomesATaskThatReachesThePeopleUntilDone() async throws {
        // Tuesday 2026-12-01 15:00Z. A hearing on Friday at 17:00Z: its notice fires Wednesday at 10:00 in
        // Chicago (16:00Z) and goes after the ten-minute undo window. The gateway refuses every text (400).
        let f = try await Firm(at: "2026-12-01T15:00:00Z")
        defer { Task { await f.stop() } }
        try "400".write(toFile: f.gateway.directory + "/mode", atomically: true, encoding: .utf8)
        try await f.firm.setStage("c1", "intake", at: RFC3339.parse("2026-12-01T15:00:00Z")!,
                                  deadline: Deadline(id: "d1", title: "Motion hearing", kind: .court,
                                                     dueAt: RFC3339.parse("2026-12-04T17:00:00Z")!))
        try await f.at("2026-12-01T15:00:00Z")
        try await f.at("2026-12-02T16:00:00Z")
        #expect(f.gateway.received().isEmpty && f.sink.received().isEmpty, "sent inside the undo window")
        try await f.at("2026-12-02T16:10:00Z")

        // Ann (k1) prefers texts: the gateway refused it, so it went by email, which she consented to.
        let texts = f.gateway.received().compactMap { ($0["form"] as? [String: String])?["To"] }.sorted()
        #expect(texts == ["+12125550101", "+12125550166"], "one try each, never twice")
        let ann = f.mails(to: "ann@client.test")
        #expect(ann.count == 1)
        #expect(ann.first.map(Self.text)?.contains("you have a court date on Friday, December 4") == true)

        // k6 has texts only, and they refuse; Luis (k2) and Lola (k3) consented to no reminders: three tasks on
        // c1, each naming why, none naming the client.
        let store = try f.firm.store()
        let tasks = try await store.staffTasks(caseID: nil, includeDone: true)
        #expect(Dictionary(uniqueKeysWithValues: tasks.map { ($0.contactID ?? "", $0.reason) }) == [
            "k2": "no medium the contact consented to for reminders",
            "k3": "no medium the contact consented to for reminders",
            "k6": "every medium the contact consented to refused the message",
        ])
        #expect(tasks.allSatisfy { $0.caseID == "c1" && $0.createdAt == RFC3339.parse("2026-12-02T16:10:00Z")! && $0.doneAt == nil })
        let queue = try await store.deliveries().filter { $0.channel == DeliveryPlan.clientChannel }
        #expect(queue.filter { $0.status == "delivered" }.map(\.recipient) == ["contact:k1"])
        #expect(Set(queue.filter { $0.status == "cancelled" }.map(\.recipient)) == ["contact:k2", "contact:k3", "contact:k6"])

        // The assignee is told at once, by email, one message per task, saying which contact and why.
        let pat = f.mails(to: "pat@firm.test")
        #expect(pat.count == 3)
        let patText = pat.map(Self.text).joined(separator: "\n")
        #expect(patText.contains("staff-tasks"))
        for t in tasks { #expect(patText.contains("staff task \(t.id) open"), "the email names task \(t.id)") }
        #expect(f.recorded.of(.clientStaffTask).count == 3)

        // Looking again changes nothing: a task is recorded once, the assignee told once.
        try await f.at("2026-12-02T16:30:00Z")
        #expect(try await store.staffTasks(caseID: nil, includeDone: true).count == 3)
        #expect(f.mails(to: "pat@firm.test").count == 3)

        // Two are closed the next morning; the third is left open and escalates to the attorney a business
        // day after it was made.
        let open = try #require(tasks.first { $0.contactID == "k6" })
        for t in tasks where t.id != open.id {
            #expect(try await store.closeStaffTask(id: t.id, by: "pat", reason: "called Luis and Lola", now: RFC3339.parse("2026-12-03T15:00:00Z")!)?.doneAt != nil)
        }
        try await f.at("2026-12-03T15:00:00Z")
        try await f.at("2026-12-03T16:10:00Z")
        let alex = f.mails(to: "alex@firm.test")
        #expect(alex.count == 1, "only the task left open escalates")
        #expect(alex.first.map(Self.text)?.contains("staff task \(open.id) open") == true)

        // An outbound call logged by staff on the case does the task: nothing more fires for it.
        var batch = ImportBatch()
        batch.communications = [.init(source: "t", caseID: "c1", record: Communication(
            id: "call-1", direction: .outbound, channel: .call, occurredAt: RFC3339.parse("2026-12-03T17:00:00Z")!))]
        try await store.write(batch, now: RFC3339.parse("2026-12-03T17:00:00Z")!)
        try await f.at("2026-12-03T17:00:00Z")
        let afterCall = try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases[0]
        #expect(PolicyClock.sinceStaffTask.subjects(of: afterCall).isEmpty)

        // Nothing of the clients reaches the journal.
        let everything = f.recorded.all.map { "\($0.message) \($0.fields)" }.joined(separator: "\n")
        for secret in ["Canary", "client.test", "+1212", "5550101", "5550166"] {
            #expect(!everything.contains(secret), "the journal holds \(secret)")
        }
    }

    @Test func aFridayEveningUpdateIsDeliveredMondayMorningInTheContactsZoneAndRestartsTheCadence() async throws {
        // Friday 2026-12-04 19:58 in New York (00:58Z Saturday): the undo window ends after 20:00.
        let f = try await Firm(at: "2026-12-05T00:58:00Z")
        defer { Task { await f.stop() } }
        try await f.firm.setStage("c1", "discovery", at: RFC3339.parse("2026-12-05T00:58:00Z")!)
        try await f.at("2026-12-05T00:58:00Z")
        try await f.at("2026-12-05T01:08:00Z")
        try await f.at("2026-12-06T15:00:00Z")
        try await f.at("2026-12-07T12:59:00Z")
        #expect(f.gateway.received().isEmpty, "texted outside Ann's hours")
        let store = try f.firm.store()
        let held = try await store.deliveries().first { $0.recipient == "contact:k1" }
        #expect(held?.status == "pending")

        // Monday 08:00 in New York.
        try await f.at("2026-12-07T13:00:00Z")
        let texts = f.gateway.received()
        #expect(texts.count == 1)
        #expect((texts.first?["form"] as? [String: String])?["To"] == "+12125550101")
        #expect(try await store.staffTasks(caseID: nil, includeDone: true).isEmpty, "nothing was too late")

        // The update is on the case as an outbound status update Tickler wrote: the cadence starts again from
        // it, while it answers no client message.
        let c = try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases[0]
        // (Luis, in Los Angeles, had his by email on Friday afternoon there.)
        let sent = c.communications.filter { $0.automated && $0.id.hasSuffix(".k1") }
        #expect(sent.count == 1)
        let update = try #require(sent.first)
        #expect(update.direction == .outbound && update.kind == .statusUpdate && update.channel == .sms)
        #expect(update.occurredAt == RFC3339.parse("2026-12-07T13:00:00Z")!)
        #expect(PolicyClock.sinceClientUpdate.subjects(of: c).first?.anchor == RFC3339.parse("2026-12-07T13:00:00Z")!)
        var asked = c
        asked.communications.append(Communication(id: "q1", direction: .inbound, channel: .email,
                                                  occurredAt: RFC3339.parse("2026-12-07T12:00:00Z")!))
        #expect(PolicyClock.sinceInbound.subjects(of: asked).map(\.ref.id) == ["q1"], "an automated update answers nothing")
    }

    @Test func aTextTheCarrierReportsUndeliveredFallsBackToEmailAndEarlierStatusesChangeNothing() async throws {
        let f = try await Firm(at: "2026-12-01T15:00:00Z")
        defer { Task { await f.stop() } }
        try await f.firm.setStage("c1", "intake", at: RFC3339.parse("2026-12-01T15:00:00Z")!,
                                  deadline: Deadline(id: "d1", title: "Motion hearing", kind: .court,
                                                     dueAt: RFC3339.parse("2026-12-04T17:00:00Z")!))
        try await f.at("2026-12-01T15:00:00Z")
        try await f.at("2026-12-02T16:00:00Z")
        try await f.at("2026-12-02T16:10:00Z")
        // The gateway took both texts (Ann's and k6's); nothing went by email yet.
        let texts = f.gateway.received()
        #expect(texts.count == 2 && f.mails(to: "ann@client.test").isEmpty)
        let store = try f.firm.store()
        let sids = try await store.deliveries().filter { $0.channel == DeliveryPlan.clientChannel && $0.status == "delivered" }.count
        #expect(sids == 2)

        // The status callbacks, signed as the gateway signs them: Ann's text "sent", then "undelivered"
        // (carrier error 30007), then a late "sent" again.
        var config = try String(contentsOfFile: f.firm.config, encoding: .utf8)
        config = config.replacingOccurrences(of: "  undo_window: 10m", with: "  undo_window: 10m\n  inbound: { public_url: \"https://tickler.firm.test\" }")
        let inbound = try InboundService(config: try ConfigurationLoader.parse(config, path: f.firm.config), authToken: ClientFirm.token,
                                         store: store, spool: InboundSpool(directory: f.firm.dir + "/spool"), storeDeadline: .seconds(120),
                                         events: f.recorded.log, now: { RFC3339.parse("2026-12-02T16:12:00Z")! })
        // The gateway's ids of the two texts, from the queue (it answered each with its sid).
        let annSID = try #require(try await Self.providerID(store, recipient: "contact:k1"))
        func callback(_ status: String, error: String? = nil) async -> Int {
            var form = [("AccountSid", ClientFirm.sid), ("MessageSid", annSID), ("MessageStatus", status), ("To", "+12125550101"),
                        ("From", "+13125550000")]
            if let error { form.append(("ErrorCode", error)) }
            let signature = TwilioSignature(authToken: ClientFirm.token).signature(url: "https://tickler.firm.test/sms/status", form: form)
            return await inbound.handle(InboundRequest(method: "POST", path: "/sms/status", signature: signature, form: form)).status
        }
        #expect(await callback("sent") == 200)
        #expect(await callback("undelivered", error: "30007") == 200)
        #expect(await callback("sent") == 200)
        #expect(await callback("undelivered", error: "30007") == 200, "a repeat is answered and changes nothing")

        try await f.at("2026-12-02T16:12:00Z")
        let ann = f.mails(to: "ann@client.test")
        #expect(ann.count == 1, "the undelivered notice went by email, once")
        #expect(ann.first.map(Self.text)?.contains("you have a court date on Friday, December 4") == true)
        #expect(f.gateway.received().count == 2, "not texted again")
        let row = try #require(try await store.deliveries().first { $0.recipient == "contact:k1" })
        #expect(row.status == "delivered" && row.medium == "email" && row.carrierStatus == "undelivered")
        // The case keeps one communication for the notice, by email: the undelivered text's was taken back.
        let c = try await store.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases[0]
        #expect(c.communications.filter { $0.automated && $0.id.hasSuffix(".k1") }.map(\.channel) == [.email])
        // An unsigned callback is refused and changes nothing.
        let unsigned = await inbound.handle(InboundRequest(method: "POST", path: "/sms/status", signature: nil,
                                                           form: [("AccountSid", ClientFirm.sid), ("MessageSid", annSID),
                                                                  ("MessageStatus", "undelivered")]))
        #expect(unsigned.status == 403)
    }

    static func providerID(_ store: SQLiteCaseStore, recipient: String) async throws -> String? {
        try await store.deliveries().first { $0.recipient == recipient }?.providerID
    }
}
