import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// The same on both stores: what a client wrote is kept with its communication and forwarded through the
/// queue (its case named by number, its words gone once delivered); a survey's later answer replaces the
/// earlier with its comment; one client message of a kind a day is known by its key; a fire is found by a
/// prefix of its id and a case by its number; a number's contacts come with who reads them.
@Suite struct ClientRepliesStoreTests {
    static let now = RFC3339.parse("2026-12-01T16:00:00Z")!

    /// A call's answer marks the contact's earlier unanswered inbound calls on the case answered, and no one
    /// else's: not a later call, not another contact's (whose id ends alike), not a text.
    @Test(arguments: ClientRecordsTests.Kind.allCases)
    func aCallAnswersTheContactsEarlierUnansweredCallsOnly(_ kind: ClientRecordsTests.Kind) async throws {
        let (opened, keep) = try await ClientRecordsTests.store(kind)
        defer { withExtendedLifetime(keep) {} }
        let s = try #require(opened as? any FirmStore)
        let t = Self.now
        func call(_ id: String, _ at: Instant, answered: Instant? = nil, direction: Communication.Direction = .inbound) -> CaseRecord<Communication> {
            CaseRecord(caseID: "c1", Communication(id: id, direction: direction, channel: .call, occurredAt: at, respondedAt: answered))
        }
        #expect(try await s.apply(InboundEffects(messageID: "call.CA1", route: "call", receivedAt: t, communications: [
            call("call:CA1:k1", t), call("call:CA2:xk1", t), call("call:CA9:k1", t.adding(seconds: 7200)),
            CaseRecord(caseID: "c1", Communication(id: "sms-SM9", direction: .inbound, channel: .sms, occurredAt: t)),
        ]), now: t))
        let back = t.adding(seconds: 3600)
        #expect(try await s.apply(InboundEffects(messageID: "call.CA3", route: "call", receivedAt: back,
                                                 communications: [call("call:CA3:k1", back, direction: .outbound)],
                                                 callAnswers: [PhoneCall.Answer(caseID: "c1", contactID: "k1", at: back)]), now: back))
        let comms = Dictionary(uniqueKeysWithValues: try await s.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases[0]
            .communications.map { ($0.id, $0) })
        #expect(comms["call:CA1:k1"]?.respondedAt == back)
        #expect(comms["call:CA2:xk1"]?.respondedAt == nil)
        #expect(comms["call:CA9:k1"]?.respondedAt == nil)
        #expect(comms["sms-SM9"]?.respondedAt == nil)
        #expect(comms["call:CA3:k1"]?.direction == .outbound)
    }

    @Test(arguments: ClientRecordsTests.Kind.allCases)
    func repliesForwardsAnswersKeysAndLookups(_ kind: ClientRecordsTests.Kind) async throws {
        let (opened, keep) = try await ClientRecordsTests.store(kind)
        defer { withExtendedLifetime(keep) {} }
        let s = try #require(opened as? any FirmStore)
        let t = Self.now

        // Who reads what the number's contacts write.
        let onCase = try await s.contacts(phone: "+13125550100")
        #expect(onCase.map { "\($0.caseID) \($0.contact.id) \($0.assigneeID ?? "-") \($0.caseOpen)" } == ["c1 k1 p1 true"])

        // A text: kept with its communication, forwarded to the assignee; a text from nobody, to the intake.
        let words = "Can you call me after 5?\nThanks"
        #expect(try await s.apply(InboundEffects(
            messageID: "SM1", route: "message", receivedAt: t,
            communications: [CaseRecord(caseID: "c1", Communication(id: "sms-SM1", direction: .inbound, channel: .sms, occurredAt: t))],
            text: words,
            forwards: [ReplyForward(id: "SM1/c1", recipient: "p1", channel: "mail", route: .openCase, caseID: "c1", contactName: "Ann Smith",
                                    text: words, receivedAt: t)]), now: t))
        #expect(try await s.apply(InboundEffects(
            messageID: "SM2", route: "message", receivedAt: t,
            forwards: [ReplyForward(id: "SM2", recipient: "intake@firm.test", channel: "mail", route: .unknownNumber, from: "+19995550100",
                                    text: "Who is this?", receivedAt: t)]), now: t))
        let full = try await s.snapshot(caseIDs: ["c1"], detail: .full, people: false).cases[0]
        #expect(full.communications.first { $0.id == "sms-SM1" }?.body == words)
        let evaluation = try await s.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases[0]
        #expect(evaluation.communications.allSatisfy { $0.body == nil }, "evaluation never reads what clients wrote")
        let forwards = try await s.claimDue(channel: "mail", now: t, limit: 10, lease: .seconds(60), claimant: "A")
        #expect(forwards.map(\.kind) == [.reply, .reply])
        #expect(forwards.map(\.caseNumber) == ["2026-0142", ""])
        #expect(forwards.compactMap(\.reply) == [
            ReplyForward(id: "SM1/c1", recipient: "p1", channel: "mail", route: .openCase, caseID: "c1", contactName: "Ann Smith",
                         text: words, receivedAt: t),
            ReplyForward(id: "SM2", recipient: "intake@firm.test", channel: "mail", route: .unknownNumber, from: "+19995550100",
                         text: "Who is this?", receivedAt: t),
        ])
        for f in forwards { #expect(try await s.complete(delivery: f.id, attempt: 1, result: .delivered, at: t, claimant: "A")) }
        #expect(try await s.claimDue(channel: "mail", now: t.adding(seconds: 3600), limit: 10, lease: .seconds(60), claimant: "A").isEmpty)

        // A survey sent, answered twice: the later answer replaces the earlier, comment and all.
        let key = FireKey(cycle: CycleKey(policy: "closing-survey", subject: SubjectRef(.case, "c1"), anchor: t), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "2026-0142", due: t, firedAt: t, deliverAt: t, action: .remind,
                        recipients: ["contact:k1"], channels: [])
        _ = try await s.record(fires: [fire], skipped: [], explanations: [:], channels: [:], wakes: [], now: t)
        let survey = try #require(try await s.claimDue(channel: DeliveryPlan.clientChannel, now: t, limit: 10, lease: .seconds(60),
                                                       claimant: "A").first)
        let dayKey = ClientMessageKey.daily(kind: "survey", about: "", caseID: "c1", contactID: "k1", at: t, zone: .utc)
        #expect(try await !s.clientMessageDelivered(key: dayKey))
        let sent = ClientSend(medium: .sms, providerID: "SM9", key: dayKey, communication: CaseRecord(caseID: "c1", Communication(
            id: Communication.clientMessageID(fireID: survey.sourceID, contactID: "k1"), direction: .outbound, channel: .sms,
            occurredAt: t, automated: true)))
        #expect(try await s.complete(delivery: survey.id, attempt: 1, result: .sentToClient(sent), at: t, claimant: "A"))
        #expect(try await s.clientMessageDelivered(key: dayKey), "one of a kind a day")
        let asked = try #require(try await s.latestSurvey(contactIDs: ["k1"], policies: ["closing-survey"], since: t.adding(seconds: -60)))
        #expect(asked == SurveySent(contactID: "k1", caseID: "c1", fireID: fire.fireID))
        let id = "survey-\(fire.fireID).k1"
        for (sid, score, comment, at) in [("SM3", 2, "slow", t.adding(seconds: 60)), ("SM4", 4, "better now", t.adding(seconds: 120))] {
            #expect(try await s.apply(InboundEffects(messageID: sid, route: "message", receivedAt: at, surveyResponse: CaseRecord(
                caseID: "c1", SurveyResponse(id: id, contactID: "k1", score: score, scaleMax: 5, receivedAt: at, comment: comment))), now: at))
        }
        let answers = try await s.snapshot(caseIDs: ["c1"], detail: .full, people: false).cases[0].surveyResponses
        #expect(answers == [SurveyResponse(id: id, contactID: "k1", score: 4, scaleMax: 5, receivedAt: t.adding(seconds: 120),
                                           comment: "better now")])

        // Lookups the commands make: a fire by a prefix of its id, a case by its number.
        #expect(try await s.fireIDs(prefix: String(fire.fireID.prefix(12)), limit: 2) == [fire.fireID])
        #expect(try await s.fireIDs(prefix: "ffffffffffff", limit: 2).isEmpty)
        #expect(try await s.caseIDs(number: "2026-0143") == ["c2"])
        #expect(try await s.caseIDs(number: "1999-0001").isEmpty)
    }
}
