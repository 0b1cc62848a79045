import Foundation
import Systemd
import Testing
import TicklerClio
import TicklerCore
import TicklerDelivery
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// A stage change made in Clio reaches the client: the signed webhook delivery (through the receiver
/// `tickler-inbound` serves) writes the matter's new stage, the daemon on an injected clock sees it on the
/// change feed, holds the client's update through the undo window and sends it when the window ends, in
/// the stage's words, to the contact the matter's client became.
@Suite(.serialized, .ownThreads) struct ClioClientUpdateTests {
    static func matter(stage: String, updated: String) -> [String: Any] {
        ["id": 1001, "display_number": "M-1", "description": "Canary v. Finch", "status": "Open", "open_date": "2026-09-01",
         "responsible_staff": ["id": 7], "matter_stage": ["id": 4, "name": stage], "updated_at": updated,
         "client": ["id": 501, "name": "Ann Canary", "primary_email_address": "ann@client.test"]]
    }

    @Test func aStageChangedInClioIsSentToTheClientAfterTheUndoWindow() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let dir = "/tmp/tickler-clio-client-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
            firm: { name: Example Law }
            calendars:
              firm: { timezone: America/New_York, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            poll: { interval: 1s, full_rescan: 1h }
            delivery: { retry_after: 1s, retry_max: 2s }
            channels:
              mail: { type: email, smtp: "smtp://127.0.0.1:\(sink.port)", starttls: off, from: "Example Law <updates@firm.test>" }
            clients:
              channels: { email: mail }
              undo_window: 10m
              quiet_hours: { default: { hours: "00:00-23:59", days: [mon, tue, wed, thu, fri, sat, sun], holidays: none } }
            stages:
              default:
                - id: intake
                  text: { en: { name: Intake } }
                - id: discovery
                  text: { en: { name: Discovery, means: Both sides exchange evidence., next: We send our questions to the other side. } }
            policies:
              - id: stage-update
                client_facing: true
                clock: { since: stage_change }
                stages: [{ after: 0 minutes, notify: [client], deliver: immediately }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        // The firm as the sync brought it: the matter at Intake, its client a contact who agreed to updates.
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        let mapping = ClioMapping(defaults: .init(language: "en", timeZone: "America/New_York"))!
        var first = ClioBatch(mapping: mapping)
        first.add(users: [Clio.User(id: 7, name: "Pat Lee", email: "pat@firm.test", enabled: true, subscription_type: "NonAttorney")])
        first.add(matters: [try JSONDecoder().decode(Clio.Matter.self, from: JSONSerialization.data(
            withJSONObject: Self.matter(stage: "Intake", updated: "2026-11-20T15:00:00Z")))])
        _ = try await store.writeSynced(first.batch, versions: first.versions, cursor: nil, now: Instant(seconds: 0))
        var consent = ImportBatch()
        consent.consents = [.init(source: "t", record: ConsentRecord(contactID: "clio:contact:501:matter:1001", medium: .email,
                                                                     purpose: .caseUpdates, granted: true, source: "intake-form",
                                                                     at: RFC3339.parse("2026-09-01T16:00:00Z")!, wording: "May we send you updates?"))]
        try await store.write(consent, now: Instant(seconds: 0))
        try await store.saveSyncWebhook(SyncWebhook(source: "clio", model: "matter", id: "41", secret: "hook-secret-canary", status: "enabled",
                                                    expiresAt: RFC3339.parse("2027-01-01T00:00:00Z")!))

        // Tuesday 2026-12-01, 15:00Z.
        let t0 = RFC3339.parse("2026-12-01T15:00:00Z")!
        let clock = ManualClock(t0)
        let recorded = RecordedEvents()
        let options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(), events: recorded.log)
        let daemon = try await Daemon(options: options)
        defer { Task { await daemon.stop(bound: .seconds(5)) } }
        try await daemon.catchUp()
        func at(_ t: Instant) async throws {
            clock.set(t)
            try await daemon.tick(.incremental)
            _ = await daemon.deliverQueued(timeout: .seconds(20))
        }
        try await at(t0)
        #expect(sink.received().isEmpty)

        // Clio delivers the change, signed; the receiver writes it before it answers.
        let receiver = ClioWebhookReceiver(store: store, mapping: mapping, now: { clock.now })
        let body = Array(try JSONSerialization.data(withJSONObject: ["data": Self.matter(stage: "Discovery", updated: "2026-12-01T15:00:00Z"),
                                                                     "meta": ["event": "updated", "webhook_id": 41]]))
        let answer = await receiver.handle(method: "POST", body: body, hookSecret: nil,
                                           signature: HookSignature.hex(body: body, secret: "hook-secret-canary"))
        #expect(answer.status == 200 && answer.outcome == .written("clio:matter:1001"))
        #expect(try await store.snapshot(caseIDs: ["clio:matter:1001"], detail: .full, people: false).cases.first?.stage == "discovery")

        // Inside the undo window nothing goes; when it ends, the update.
        try await at(t0.adding(seconds: 60))
        try await at(t0.adding(seconds: 9 * 60))
        #expect(sink.received().isEmpty, "sent inside the undo window")
        try await at(t0.adding(seconds: 10 * 60 + 60))
        let mails = sink.received()
        #expect(mails.count == 1)
        #expect((mails.first?["rcpt_tos"] as? [String]) == ["ann@client.test"])
        let text = "\(mails.first?["subject"] ?? "") \(mails.first?["parts"] ?? "")"
        #expect(text.contains("Discovery") && text.contains("We send our questions to the other side."), "\(text.prefix(600))")
    }
}
