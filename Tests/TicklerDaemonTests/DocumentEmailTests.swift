import Foundation
import Testing
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// Outstanding documents are asked for once a day per contact, in one message listing what the firm marked
/// shareable: two requests that come due together make one email, and a request that may not be shown
/// makes none of its own. The real SMTP sink, a manual clock.
@Suite(.serialized, .ownThreads) struct DocumentEmailTests {
    @Test func twoRequestsDueTogetherMakeOneEmailListingOnlyWhatMayBeShown() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let gateway = try TestServer.smsGateway(directory: "/tmp/tickler-sms-\(UUID().uuidString.prefix(8))",
                                                sid: ClientFirm.sid, token: ClientFirm.token)
        let firm = try await ClientFirm(smtpPort: sink.port, smsPort: gateway.port, policies: """
              - id: client-documents
                client_facing: true
                purpose: reminders
                clock: { since: document_request }
                stages: [{ after: 1 day, at: "10:00", notify: [client], deliver: immediately }]
            """)
        // Bo (c2, email) may be reminded by email. c2 has two requests made at once: one shareable, one not;
        // c1 has one that may not be shown (Ann, k1, is reminded by text and email).
        let store = try firm.store()
        let at = RFC3339.parse("2026-12-01T15:00:00Z")!
        var batch = ImportBatch()
        batch.consents = [.init(source: "t", record: ConsentRecord(contactID: "k5", medium: .email, purpose: .reminders, granted: true,
                                                                     source: "intake-form", at: RFC3339.parse("2026-09-01T16:00:00Z")!))]
        batch.documentRequests = [
            .init(source: "t", caseID: "c2", record: DocumentRequest(id: "d1", title: "Signed retainer", requestedAt: at, shareable: true)),
            .init(source: "t", caseID: "c2", record: DocumentRequest(id: "d2", title: "Opposing expert memo", requestedAt: at)),
            .init(source: "t", caseID: "c1", record: DocumentRequest(id: "d3", title: "Internal billing review", requestedAt: at)),
        ]
        try await store.write(batch, now: at)

        let clock = ManualClock(at)
        let recorded = RecordedEvents()
        var options = Daemon.Options(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                     events: recorded.log)
        options.credentials = Credentials(directory: firm.dir + "/credentials")
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        // Wednesday 10:00 in Chicago the reminders fire; they go after the ten-minute undo window.
        for t in ["2026-12-02T16:00:00Z", "2026-12-02T16:10:00Z"] {
            clock.set(RFC3339.parse(t)!)
            try await daemon.tick(.incremental)
            _ = await daemon.deliverQueued(timeout: .seconds(60))
        }
        await daemon.stop(bound: .seconds(5))

        let toBo = sink.received().filter { ($0["rcpt_tos"] as? [String]) == ["bo@client.test"] }
        #expect(toBo.count == 1, "one email for two requests due the same day")
        let body = StaffTaskTests.text(try #require(toBo.first))
        #expect(body.contains("Signed retainer"))
        #expect(!body.contains("Opposing expert memo") && !body.contains("Internal billing review"))
        // Bo's answer reaches the case's assignee; the email says why it came and how to stop.
        #expect((toBo.first?["headers"] as? [String: String])?["Reply-To"]?.hasSuffix("<pat@firm.test>") == true)
        #expect(body.contains("\n-- \nYou receive these emails because you agreed to hear from Example Law about your case."))
        // Nothing at all for the request that may not be shown, by either medium.
        #expect(sink.received().filter { ($0["rcpt_tos"] as? [String]) == ["ann@client.test"] }.isEmpty)
        #expect(gateway.received().isEmpty)
        let client = try await store.deliveries().filter { $0.channel == "client" }
        let bo = client.filter { $0.recipient == "contact:k5" }
        #expect(bo.map(\.status).sorted() == ["cancelled", "delivered"])
        #expect(bo.compactMap(\.lastError) == [ClientMessageGate.CancelReason.alreadySentToday.rawValue])
        let ann = client.filter { $0.recipient == "contact:k1" }
        #expect(ann.map(\.status) == ["cancelled"])
        #expect(ann.compactMap(\.lastError) == [ClientMessageGate.CancelReason.nothingToShow.rawValue])
    }
}
