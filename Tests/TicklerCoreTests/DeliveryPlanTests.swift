import Testing
import TicklerCore

/// How a fire fans out: email per recipient, a webhook per fire, an outbox row per fire, the journal never
/// queued, an undescribed channel per recipient.
@Suite struct DeliveryPlanTests {
    static let t = RFC3339.parse("2026-09-01T16:00:00Z")!

    @Test func eachChannelKindFansOutItsOwnWay() {
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: Self.t), step: StepIndex(stage: 2))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "N", due: Self.t, firedAt: Self.t, deliverAt: Self.t.adding(seconds: 60),
                        action: .escalate, recipients: ["a1", "mp1"],
                        channels: ["journal", "email", "ops-hook", "outbox", "named-outbox", "undescribed"])
        let channels: [String: ChannelSettings] = [
            "email": .email(.init(url: "smtp://127.0.0.1:25", startTLS: .off, from: "t@firm.test")),
            "ops-hook": .webhook(.init(url: "https://hooks.firm.test/", secretCredential: "s")),
            "outbox": .outbox(includeClient: false), "named-outbox": .outbox(includeClient: true),
        ]
        let plan = DeliveryPlan(fire, channels: channels)
        #expect(plan.queued.map { "\($0.recipient)/\($0.channel)" } == ["a1/email", "mp1/email", "*/ops-hook", "a1/undescribed",
                                                                        "mp1/undescribed"])
        #expect(plan.queued.allSatisfy { $0.notBefore == Self.t.adding(seconds: 60) })
        #expect(plan.outboxed == [.init(channel: "outbox", includeClient: false), .init(channel: "named-outbox", includeClient: true)])
    }

    @Test func aJournalOnlyFireQueuesNothing() {
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: Self.t), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "N", due: Self.t, firedAt: Self.t, deliverAt: Self.t, action: .remind,
                        recipients: ["a1"], channels: ["journal"])
        #expect(DeliveryPlan(fire, channels: [:]) == DeliveryPlan(fire, channels: ["journal": .journal]))
        #expect(DeliveryPlan(fire, channels: [:]).queued.isEmpty)
    }
}
