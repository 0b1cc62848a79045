import Foundation
import GRDB
import Systemd
import Testing
import TicklerCore
@testable import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// `tickler simulate` lists each client message with the time it goes (after the undo window, inside the
/// contact's quiet hours) and the medium, or why it does not; the daemon, run over the same week on a
/// manual clock against the SMTP sink and the SMS gateway, sends exactly those, at those times.
@Suite(.serialized, .ownThreads) struct ClientSimulateAgreementTests {
    /// What a message came to, keyed by (case, policy, stage, subject, contact): "by MEDIUM at TIME" or
    /// "not sent" / "staff task".
    typealias Outcomes = [String: String]

    @Test func theDaemonSendsWhatSimulateListsOverAWeek() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let gateway = try TestServer.smsGateway(directory: "/tmp/tickler-sms-\(UUID().uuidString.prefix(8))",
                                                sid: ClientFirm.sid, token: ClientFirm.token)
        let firm = try await ClientFirm(smtpPort: sink.port, smsPort: gateway.port)
        // The week's events, written ahead as an integration might: stage changes, and a hearing.
        let store = try firm.store()
        try await store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at) VALUES
                    ('c1', 'intake', 'discovery', '2026-12-01T15:00:00Z'),
                    ('c2', 'intake', 'discovery', '2026-12-04T23:30:00Z'),
                    ('c2', 'discovery', 'intake', '2026-12-05T16:00:00Z');
                INSERT INTO deadlines (id, case_id, title, kind, due_at) VALUES ('d1', 'c1', 'Motion hearing', 'court', '2026-12-04T17:00:00Z');
                """)
        }
        let from = "2026-11-30T00:00:00Z", to = "2026-12-08T00:00:00Z"
        let tickler = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tickler")
        let listed = try SimulateAgreementTests.run(tickler, ["simulate", "--config", firm.config, "--from", from, "--to", to])
        #expect(listed.status == 0, "\(listed.err)")
        var simulated: Outcomes = [:]
        var times = Set<Int64>()
        for line in listed.out.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            // Every instant of the week's events is on a five-minute grid: a tick five minutes before each
            // instant simulate names catches a message the daemon would send earlier than listed.
            for k in ["at", "due"] {
                if let t = (o[k] as? String).flatMap(RFC3339.parse) { times.formUnion([t.seconds, t.seconds - 300]) }
            }
            guard let contact = o["client"] as? String else { continue }
            let key = "\(o["case"]!) \(o["policy"]!) \(o["stage"]!) \(o["subject"]!) \(contact)"
            simulated[key] = if let by = o["by"] as? String { "by \(by) at \(o["at"]!)" } else if o["staff_task"] != nil { "staff task" } else { "not sent" }
        }
        // Every kind of outcome is in the week: texts, emails, a weekend held to Monday, no consent, a staff task.
        #expect(simulated.values.contains { $0.hasPrefix("by sms") } && simulated.values.contains { $0.hasPrefix("by email") })
        #expect(simulated.values.contains("not sent") && simulated.values.contains("staff task"))
        #expect(simulated["c2 stage-update 1 case:c2 k5"] == "by email at 2026-12-07T14:00:00Z", "\(simulated)")

        // The daemon, ticking at every instant simulate names (and five minutes before), and every hour besides.
        let start = RFC3339.parse(from)!.seconds, end = RFC3339.parse(to)!.seconds
        for h in stride(from: start, to: end, by: 3600) { times.insert(h) }
        let clock = ManualClock(Instant(seconds: start))
        var options = Daemon.Options(configPath: firm.config, clock: clock, notifier: ServiceNotifier(), events: RecordedEvents().log)
        options.credentials = Credentials(directory: firm.dir + "/credentials")
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        for t in times.sorted() where t >= start && t < end {
            clock.set(Instant(seconds: t))
            try await daemon.tick(.incremental)
            _ = await daemon.deliverQueued(timeout: .seconds(20))
        }
        await daemon.stop(bound: .seconds(5))

        let ledger = Dictionary(uniqueKeysWithValues: try await store.ledger().map { ($0.fireID, $0) })
        // Which medium carried each message: the gateway saw its key (fire id and contact), else it was email.
        let texted = Set(gateway.received().compactMap { $0["idempotency_key"] as? String })
        var sent: Outcomes = [:]
        for d in try await store.deliveries(of: Array(ledger.keys)).values.joined() where d.channel == "client" {
            guard let e = ledger[d.sourceID], let contact = Contact.id(fromRecipient: d.recipient) else { continue }
            let key = "\(e.caseID) \(e.key.cycle.policy) \(e.key.step.stage) \(e.key.cycle.subject) \(contact)"
            let medium = texted.contains("\(d.sourceID).\(contact)") ? "sms" : "email"
            sent[key] = switch d.status {
            case "delivered": "by \(medium) at \(d.deliveredAt.map(\.rfc3339) ?? "?")"
            case "cancelled": (d.lastError ?? "").contains("; staff task ") ? "staff task" : "not sent"
            default: "\(d.status) \(d.holdReason ?? "")"
            }
        }
        #expect(sent == simulated)
        #expect(gateway.received().count == simulated.values.filter { $0.hasPrefix("by sms") }.count)
        let toClients = sink.received().filter { !(($0["rcpt_tos"] as? [String])?.first ?? "").hasSuffix("@firm.test") }
        #expect(toClients.count == simulated.values.filter { $0.hasPrefix("by email") }.count)
        // Each message simulate listed as a staff task is one task, and the assignee was emailed each.
        let tasks = simulated.values.filter { $0 == "staff task" }.count
        #expect(try await store.staffTasks(caseID: nil, includeDone: true).count == tasks)
        let toPat = sink.received().filter { ($0["rcpt_tos"] as? [String]) == ["pat@firm.test"] }
        let mail = try await store.deliveries().filter { $0.channel == "mail" }
        #expect(toPat.count == tasks, "\(toPat.map { "\($0["subject"] ?? "") \($0["message_id"] ?? "")" }) \(mail)")
    }
}
