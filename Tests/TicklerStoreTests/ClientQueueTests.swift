import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// What the client queue records, the same on both stores: a medium that refused a message (kept, the
/// message looked at again at once), a message delivered (its medium, the gateway's id, an automated
/// outbound communication on the case), a message replaced by a staff task (written once, read with the
/// case, closed once), and a carrier's undelivered status reopening a delivered text.
@Suite struct ClientQueueTests {
    static let now = RFC3339.parse("2026-12-01T16:00:00Z")!

    @Test(arguments: ClientRecordsTests.Kind.allCases)
    func refusalsDeliveriesTasksAndCarrierStatusesAreRecorded(_ kind: ClientRecordsTests.Kind) async throws {
        let (opened, keep) = try await ClientRecordsTests.store(kind)
        defer { withExtendedLifetime(keep) {} }
        let s = try #require(opened as? any FirmStore)
        let key = FireKey(cycle: CycleKey(policy: "hearing", subject: SubjectRef(.deadline, "d1"), anchor: Self.now), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "2026-0142", due: Self.now, firedAt: Self.now, deliverAt: Self.now,
                        action: .remind, recipients: ["contact:k1", "contact:k2", "contact:k3"], channels: ["email"])
        let email = ChannelSettings.email(.init(url: "smtp://127.0.0.1:25", startTLS: .off, from: "t@firm.test"))
        _ = try await s.record(fires: [fire], skipped: [], explanations: [:], channels: ["email": email], wakes: [], now: Self.now)
        let due = try await s.claimDue(channel: DeliveryPlan.clientChannel, now: Self.now, limit: 10, lease: .seconds(60), claimant: "A")
        #expect(due.map(\.recipient) == ["contact:k1", "contact:k2", "contact:k3"])
        let (k1, k2, k3) = (due[0], due[1], due[2])

        // k1: the gateway refused the text; the message is looked at again at once, knowing that.
        #expect(try await s.complete(delivery: k1.id, attempt: 1, result: .refused(medium: .sms, error: "HTTP 400"), at: Self.now,
                                     claimant: "A"))
        let again = try await s.claimDue(channel: DeliveryPlan.clientChannel, now: Self.now, limit: 10, lease: .seconds(60), claimant: "A")
        #expect(again.map(\.recipient) == ["contact:k1"])
        #expect(again.first?.refusedMedia == [.sms] && again.first?.medium == .sms && again.first?.attempts == 1)
        // Then it went by text after all (say the number was fixed): delivered, with the gateway's id.
        let sent = ClientSend(medium: .sms, providerID: "SM0001", communication: CaseRecord(caseID: "c1", Communication(
            id: Communication.clientMessageID(fireID: k1.sourceID, contactID: "k1"), direction: .outbound, channel: .sms,
            kind: .other, occurredAt: Self.now, automated: true)))
        #expect(try await s.complete(delivery: k1.id, attempt: 2, result: .sentToClient(sent), at: Self.now, claimant: "A"))

        // k2 and k3: no medium; k2's message becomes a task; k3's is only cancelled.
        let task = StaffTask(id: StaffTask.id(fireID: k2.sourceID, recipient: k2.recipient), caseID: "c1", contactID: "k2",
                             fireID: k2.sourceID, reason: "no medium the contact consented to for reminders", createdAt: Self.now)
        #expect(try await s.complete(delivery: k2.id, attempt: 0, result: .replacedByTask(task), at: Self.now, claimant: "A"))
        #expect(try await s.complete(delivery: k3.id, attempt: 0, result: .cancelled(reason: "no consent"), at: Self.now, claimant: "A"))

        #expect(try await s.staffTasks(caseID: "c1", includeDone: true) == [task])
        let c = try #require(try await s.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases.first)
        #expect(c.staffTasks == [task])
        #expect(c.communications.filter(\.automated).map(\.id) == [sent.communication.record.id])
        #expect(PolicyClock.sinceStaffTask.subjects(of: c).map(\.ref.description) == ["staff_task:\(task.id)"])

        // The carrier reports the text undelivered: reopened, sms refused, its communication taken back.
        let status = CarrierStatus(messageSID: "SM0001", status: "undelivered", errorCode: "30007")
        #expect(try await s.apply(InboundEffects(messageID: "SM0001.undelivered", route: "status", receivedAt: Self.now,
                                                 carrierStatus: status), now: Self.now))
        #expect(try await !s.apply(InboundEffects(messageID: "SM0001.undelivered", route: "status", receivedAt: Self.now,
                                                  carrierStatus: status), now: Self.now), "a repeat writes nothing")
        let reopened = try await s.claimDue(channel: DeliveryPlan.clientChannel, now: Self.now.adding(seconds: 1), limit: 10, lease: .seconds(60), claimant: "B")
        #expect(reopened.map(\.recipient) == ["contact:k1"])
        #expect(reopened.first?.refusedMedia == [.sms])
        let after = try #require(try await s.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases.first)
        #expect(after.communications.filter(\.automated).isEmpty)

        // Closing the task: once, with who and why; the clock no longer yields it.
        let closed = try await s.closeStaffTask(id: task.id, by: "pat", reason: "called", now: Self.now.adding(seconds: 60))
        #expect(closed?.doneBy == "pat" && closed?.doneReason == "called" && closed?.doneAt == Self.now.adding(seconds: 60))
        let twice = try await s.closeStaffTask(id: task.id, by: "sam", reason: "again", now: Self.now.adding(seconds: 120))
        #expect(twice?.doneBy == "pat", "a closed task stays as it was closed")
        #expect(try await s.staffTasks(caseID: nil, includeDone: false).isEmpty)
        let done = try #require(try await s.snapshot(caseIDs: ["c1"], detail: .evaluation, people: false).cases.first)
        #expect(PolicyClock.sinceStaffTask.subjects(of: done).isEmpty)
        #expect(try await s.closeStaffTask(id: "nope", by: "pat", reason: "x", now: Self.now) == nil)
    }
}
