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

/// Satisfaction: 30 days after a case closes its client is texted a survey; a low answer, texted back, is
/// recorded on the case and escalates to the attorney by email through an ordinary policy
/// (`since: low_score`). The daemon in-process on a manual clock, the SMS gateway and the SMTP sink on
/// loopback, the reply through the receiver's own logic.
@Suite(.serialized, .ownThreads) struct SurveyTests {
    @Test func aDetractorScoreEscalatesToTheAttorney() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let gateway = try TestServer.smsGateway(directory: "/tmp/tickler-sms-\(UUID().uuidString.prefix(8))", sid: "AC1", token: "tok-1")
        let dir = "/tmp/tickler-survey-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try "tok-1".write(toFile: dir + "/credentials/sms-token", atomically: true, encoding: .utf8)
        try """
            firm: { name: Example Law }
            calendars:
              firm: { timezone: America/Chicago, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            channels:
              mail: { type: email, smtp: "smtp://127.0.0.1:\(sink.port)", starttls: off, from: "Example Law <updates@firm.test>" }
              texts: { type: sms, url: "http://127.0.0.1:\(gateway.port)", account_sid: AC1, auth_token_credential: sms-token,
                       from: "+13125550000" }
            clients:
              channels: { sms: texts, email: mail }
              undo_window: 10m
              inbound: { public_url: "https://tickler.firm.test", intake: "intake@firm.test" }
              surveys: { scale: 1-5, low_at_most: 2 }
            policies:
              - id: closing-survey
                client_facing: true
                purpose: surveys
                applies_to: { status: [closed] }
                clock: { since: closed }
                stages: [{ after: 30 days, notify: [client], deliver: immediately }]
              - id: detractor
                clock: { since: low_score }
                stages: [{ after: 0 minutes, action: escalate, notify: [attorney], via: [mail] }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "a1", name: "Alex Attorney", email: "alex@firm.test", role: "attorney"))]
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: "c9", number: "N-9", clientName: "Canary Client", status: .closed, attorneyID: "a1",
            openedAt: RFC3339.parse("2026-06-01T15:00:00Z")!, closedAt: RFC3339.parse("2026-11-02T15:00:00Z")!), updatedAt: nil))]
        batch.contacts = [.init(source: "t", caseID: "c9", record: Contact(id: "k9", name: "Ann Canary", phone: "+12125550101",
                                                                            timeZone: "America/New_York"))]
        batch.consents = [.init(source: "t", record: ConsentRecord(contactID: "k9", medium: .sms, purpose: .surveys, granted: true,
                                                                   source: "intake-form", at: RFC3339.parse("2026-06-01T15:00:00Z")!))]
        try await store.write(batch, now: Instant(seconds: 0))

        // Wednesday 2026-12-02 15:00Z, 30 days after closing: the survey fires; ten minutes later it is texted.
        let clock = ManualClock(RFC3339.parse("2026-12-02T15:00:00Z")!)
        let now: @Sendable () -> Instant = { clock.now }
        var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                     events: EventLog(logger: Logger(label: "survey-test")))
        options.credentials = Credentials(directory: dir + "/credentials")
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        func at(_ t: String) async throws {
            clock.advance(to: RFC3339.parse(t)!)
            try await daemon.tick(.incremental)
            _ = await daemon.deliverQueued(timeout: .seconds(20))
        }
        try await at("2026-12-02T15:00:00Z")
        try await at("2026-12-02T15:10:00Z")
        let survey = try #require(gateway.received().first?["form"] as? [String: String])
        #expect(survey["Body"] == "Example Law: how are we doing? Reply with a number from 1 to 5; higher is better. Reply STOP to opt out.")

        // Ann answers 2.
        let config = try ConfigurationLoader.load(path: dir + "/tickler.yaml")
        let inboundClock = Mutex(RFC3339.parse("2026-12-02T16:00:00Z")!)
        let inbound = try InboundService(config: config, authToken: "tok-1", store: store, spool: InboundSpool(directory: dir + "/spool"),
                                         storeDeadline: .seconds(120), events: EventLog(logger: Logger(label: "survey-inbound")),
                                         now: { inboundClock.withLock { $0 } })
        func text(_ sid: String, _ body: String, at t: String) async -> InboundResponse {
            inboundClock.withLock { $0 = RFC3339.parse(t)! }
            let form = [("AccountSid", "AC1"), ("MessageSid", sid), ("From", "+12125550101"), ("To", "+13125550000"), ("Body", body)]
            let signature = TwilioSignature(authToken: "tok-1").signature(url: "https://tickler.firm.test/sms/inbound", form: form)
            return await inbound.handle(InboundRequest(method: "POST", path: "/sms/inbound", signature: signature, form: form))
        }
        #expect(await text("SM42", " 2 ", at: "2026-12-02T16:00:00Z").body.contains("thank you for your answer"))
        let surveyFire = try #require(try await store.deliveries().first { $0.channel == "client" }?.sourceID)
        let answerID = "survey-\(surveyFire).k9"
        let c = try #require(try await store.snapshot(caseIDs: ["c9"], detail: .evaluation, people: false).cases.first)
        #expect(c.surveyResponses == [SurveyResponse(id: answerID, contactID: "k9", score: 2, scaleMax: 5,
                                                     receivedAt: RFC3339.parse("2026-12-02T16:00:00Z")!)])
        // The survey Tickler sent is on the case as its own message; the answer is no message to answer.
        #expect(c.communications.filter { !$0.automated }.isEmpty, "a score is not a message to answer")
        #expect(c.communications.map(\.direction) == [.outbound])

        // The next tick escalates it to the attorney.
        try await at("2026-12-02T16:00:00Z")
        let mails = sink.received()
        #expect(mails.map { $0["rcpt_tos"] as? [String] } == [["alex@firm.test"]])
        #expect((mails.first?["headers"] as? [String: String])?["X-Tickler-Policy"] == "detractor")

        // "7" is off the scale: a reply, not a score. Her case is closed, so it goes to the intake address.
        #expect(!(await text("SM43", "7", at: "2026-12-02T16:05:00Z").body.contains("thank you")))
        try await at("2026-12-02T16:06:00Z")
        let intake = sink.received().filter { ($0["rcpt_tos"] as? [String]) == ["intake@firm.test"] }
        #expect(intake.map { ($0["headers"] as? [String: String])?["Subject"] } == ["Client text on closed case N-9"])
        // A second answer, with a comment, replaces the first explicitly: the row says it is the second.
        #expect(await text("SM44", "4 - much better after the call", at: "2026-12-02T16:10:00Z").body.contains("thank you"))
        #expect(try sqliteRows(dir + "/tickler.db", "SELECT id, score, comment, answers, received_at FROM survey_responses")
            == [[answerID, "4", "much better after the call", "2", "2026-12-02T16:10:00Z"]])
        await daemon.stop(bound: .seconds(5))
    }
}
