import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// Every requirement of `DeliveryQueue`, the same on SQLite and on PostgreSQL: what is due and when, claims
/// that keep others off and that only their holder records or gives back, renewals, the queue's health,
/// client messages cancelled, kept by their day's key and counted by why they wait, and a digest claimed
/// once. PostgreSQL reads what is due by the database's clock (legal time is the database's), SQLite by the
/// caller's: the test's instants are an hour ago (due to both) and tomorrow (due to neither). A claim
/// running out is each store's own test (`DeliveryLeaseTests`, `PostgresClaimTests`): here every claim holds.
@Suite struct DeliveryQueueConformanceTests {

    @Test(arguments: ClientRecordsTests.Kind.allCases)
    func everyRequirementOfTheDeliveryQueue(_ kind: ClientRecordsTests.Kind) async throws {
        let (opened, keep) = try await ClientRecordsTests.store(kind)
        defer { withExtendedLifetime(keep) {} }
        let s = try #require(opened as? any FirmStore)
        let now = Instant(seconds: SystemClock().now.seconds)
        let t = now.adding(seconds: -3600), tomorrow = now.adding(seconds: 86_400)
        let email = ChannelSettings.email(.init(url: "smtp://127.0.0.1:25", startTLS: .off, from: "t@firm.test"))
        func fire(_ policy: String, _ recipients: [String], channels: [String], deliverAt: Instant) -> Fire {
            let key = FireKey(cycle: CycleKey(policy: policy, subject: SubjectRef(.case, "c1"), anchor: t), step: StepIndex(stage: 1))
            return Fire(key: key, caseID: "c1", caseNumber: "2026-0142", due: t, firedAt: t, deliverAt: deliverAt, action: .remind,
                        recipients: recipients, channels: channels)
        }
        let staff = fire("staff", ["a1", "a2", "a3"], channels: ["email"], deliverAt: t)
        let later = fire("later", ["a4"], channels: ["email"], deliverAt: tomorrow)
        let client = fire("update", ["contact:k1"], channels: [], deliverAt: t)
        let cancelled = fire("cancelled", ["contact:k1"], channels: [], deliverAt: t)
        _ = try await s.record(fires: [staff, later, client, cancelled], skipped: [], explanations: [:], channels: ["email": email],
                               wakes: [], now: t)

        // What is due, and when the next comes: a look, not a claim.
        #expect(try await s.dueCount(channel: "email", now: t) == 3)
        #expect(try await s.nextDeliveryDue(channel: "email") == t)
        #expect(try await s.nextDeliveryDue(channel: "nowhere") == nil)

        // Oldest first, up to the limit; another claimant gets only what is not held.
        let a = try await s.claimDue(channel: "email", now: t, limit: 2, lease: .seconds(600), claimant: "A")
        #expect(a.map(\.recipient) == ["a1", "a2"])
        #expect(a.allSatisfy { $0.kind == .fire && $0.caseNumber == "2026-0142" && $0.sourceID == staff.fireID })
        let b = try await s.claimDue(channel: "email", now: t, limit: 5, lease: .seconds(600), claimant: "B")
        #expect(b.map(\.recipient) == ["a3"])
        #expect(try await s.dueCount(channel: "email", now: t) == 3, "claimed is still due until recorded")
        #expect(try await s.renew(claimsOf: "A", now: t, lease: .seconds(600)) == 2)
        #expect(try await s.renew(claimsOf: "nobody", now: t, lease: .seconds(600)) == 0)

        // Only the holder records an attempt or gives a claim back.
        #expect(try await !s.complete(delivery: a[0].id, attempt: 1, result: .delivered, at: t, claimant: "B"))
        #expect(try await s.complete(delivery: a[0].id, attempt: 1, result: .delivered, at: t, claimant: "A"))
        try await s.release(claimsOf: "B", ids: [a[1].id])
        #expect(try await s.claimDue(channel: "email", now: t, limit: 5, lease: .seconds(600), claimant: "C").isEmpty)
        try await s.release(claimsOf: "A", ids: [a[1].id])
        let c = try await s.claimDue(channel: "email", now: t, limit: 5, lease: .seconds(600), claimant: "C")
        #expect(c.map(\.recipient) == ["a2"])

        // A retry waits for its time; a refusal for good is counted as failed since it happened.
        #expect(try await s.complete(delivery: c[0].id, attempt: 1, result: .retry(next: tomorrow.adding(seconds: 60), error: "451"),
                                     at: t, claimant: "C"))
        #expect(try await s.complete(delivery: b[0].id, attempt: 1, result: .failed(error: "550 no such user"), at: t, claimant: "B"))
        #expect(try await s.dueCount(channel: "email", now: t) == 0)
        #expect(try await s.nextDeliveryDue(channel: "email") == tomorrow)
        let health = try await s.deliveryHealth(failedSince: t.adding(seconds: -60))
        let counts: [Int] = [health.pending, health.retrying, health.failed]
        #expect(counts == [4, 1, 1], "a2 retrying, a4 and two client messages pending")
        #expect(try await s.deliveryHealth(failedSince: t.adding(seconds: 60)).failed == 0)

        // Client messages: cancelled by their fire, kept by their day's key once sent, counted by why they wait.
        #expect(try await s.cancelClientMessages(fireID: cancelled.fireID, reason: "withdrawn by staff") == 1)
        #expect(try await s.cancelClientMessages(fireID: cancelled.fireID, reason: "again") == 0)
        #expect(try await s.clientMessagesWaiting() == ["": 1, "no consent": 0])
        let update = try await s.claimDue(channel: DeliveryPlan.clientChannel, now: t, limit: 10, lease: .seconds(600), claimant: "A")
        #expect(update.map(\.sourceID) == [client.fireID])
        #expect(try await s.complete(delivery: update[0].id, attempt: 0, result: .held(until: t.adding(seconds: 900), reason: "quiet hours"),
                                     at: t, claimant: "A"))
        #expect(try await s.clientMessagesWaiting() == ["quiet hours": 1, "no consent": 0])
        let key = ClientMessageKey.daily(kind: "update", about: "", caseID: "c1", contactID: "k1", at: t, zone: .utc)
        #expect(try await !s.clientMessageDelivered(key: key))
        let held = try #require(try await s.claimDue(channel: DeliveryPlan.clientChannel, now: t.adding(seconds: 900), limit: 10,
                                                     lease: .seconds(600), claimant: "A").first)
        let sent = ClientSend(medium: .email, key: key, communication: CaseRecord(caseID: "c1", Communication(
            id: Communication.clientMessageID(fireID: client.fireID, contactID: "k1"), direction: .outbound, channel: .email,
            occurredAt: t.adding(seconds: 900), automated: true)))
        #expect(try await s.complete(delivery: held.id, attempt: 1, result: .sentToClient(sent), at: t.adding(seconds: 900), claimant: "A"))
        #expect(try await s.clientMessageDelivered(key: key))
        #expect(try await s.clientMessagesWaiting() == ["no consent": 0])

        // A person's digest of a day is claimed and queued once.
        let day = ZoneRules.utc.localDate(t)
        let entries = [DigestEntry(caseID: "c1", caseNumber: "2026-0142", policy: "staff", stage: 1, action: .remind, due: t)]
        #expect(try await s.claimDigest(id: "digest-a1-2026-12-01", person: "a1", day: day, entries: entries, channel: "email", now: t))
        #expect(try await !s.claimDigest(id: "digest-a1-2026-12-01", person: "a1", day: day, entries: entries, channel: "email", now: t))
        let digest = try await s.claimDue(channel: "email", now: now, limit: 10, lease: .seconds(600), claimant: "D")
        #expect(digest.filter { $0.kind == .digest }.map(\.recipient) == ["a1"])
    }
}
