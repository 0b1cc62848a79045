import Foundation
import Testing
import TicklerCore
@testable import TicklerStore

/// A delivery is claimed for a bounded time before it is sent, and only its claimant records the attempt.
@Suite struct DeliveryLeaseTests {
    static let now = RFC3339.parse("2026-09-01T16:00:00Z")!

    /// A store with three deliveries of one fire on `email`, due at `now`.
    static func queued() async throws -> SQLiteCaseStore {
        let s = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: now), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c1", caseNumber: "N", due: now, firedAt: now, deliverAt: now, action: .remind,
                        recipients: ["a1", "a2", "a3"], channels: ["email"])
        let email = ChannelSettings.email(.init(url: "smtp://127.0.0.1:25", startTLS: .off, from: "t@firm.test"))
        _ = try await s.record(fires: [fire], skipped: [], channels: ["email": email], now: now)
        return s
    }

    @Test func aClaimKeepsOthersOffUntilItRunsOutAndOnlyTheClaimantRecords() async throws {
        let s = try await Self.queued()
        let a = try await s.claimDue(channel: "email", now: Self.now, limit: 2, lease: .seconds(60), claimant: "A")
        #expect(a.map(\.recipient) == ["a1", "a2"])
        // B gets only what A does not hold.
        let b = try await s.claimDue(channel: "email", now: Self.now.adding(seconds: 10), limit: 5, lease: .seconds(60), claimant: "B")
        #expect(b.map(\.recipient) == ["a3"])
        // B cannot record A's delivery.
        #expect(try await !s.complete(delivery: a[0].id, attempt: 1, result: .delivered, at: Self.now, claimant: "B"))
        #expect(try await s.complete(delivery: a[0].id, attempt: 1, result: .delivered, at: Self.now, claimant: "A"))
        // A's other claim runs out (A died or hung): B takes it, and A's late record is refused.
        let later = try await s.claimDue(channel: "email", now: Self.now.adding(seconds: 61), limit: 5, lease: .seconds(60),
                                         claimant: "B")
        #expect(later.map(\.recipient) == ["a2"])
        #expect(try await !s.complete(delivery: a[1].id, attempt: 1, result: .delivered, at: Self.now, claimant: "A"))
        #expect(try await s.complete(delivery: a[1].id, attempt: 1, result: .delivered, at: Self.now, claimant: "B"))
        let attempts = try await s.attempts(delivery: a[1].id)
        #expect(attempts.count == 1, "only the claimant's attempt is recorded")
        // What is done is never claimed again.
        #expect(try await s.claimDue(channel: "email", now: Self.now.adding(seconds: 3600), limit: 5, lease: .seconds(60),
                                     claimant: "C").map(\.recipient) == ["a3"])
    }

    @Test func releasedClaimsAreFreeAtOnce() async throws {
        let s = try await Self.queued()
        let a = try await s.claimDue(channel: "email", now: Self.now, limit: 3, lease: .seconds(600), claimant: "A")
        #expect(try await s.claimDue(channel: "email", now: Self.now, limit: 3, lease: .seconds(600), claimant: "B").isEmpty)
        try await s.release(claimsOf: "A", ids: a.dropFirst().map(\.id))
        #expect(try await s.claimDue(channel: "email", now: Self.now, limit: 3, lease: .seconds(600), claimant: "B")
            .map(\.recipient) == ["a2", "a3"])
        // A claim released by someone else's name stays.
        try await s.release(claimsOf: "B", ids: [a[0].id])
        #expect(try await s.claimDue(channel: "email", now: Self.now, limit: 3, lease: .seconds(600), claimant: "C").isEmpty)
        // A store only one daemon uses frees every claim at start.
        try await s.releaseAllClaims()
        #expect(try await s.claimDue(channel: "email", now: Self.now, limit: 3, lease: .seconds(600), claimant: "C").count == 3)
        #expect(try await s.dueCount(channel: "email", now: Self.now) == 3)
    }

    /// A live claimant renews its claims (its heartbeat); a claim that ran out is not renewed, whoever holds
    /// it now.
    @Test func aClaimantRenewsOnlyTheClaimsThatStillHold() async throws {
        let s = try await Self.queued()
        let a = try await s.claimDue(channel: "email", now: Self.now, limit: 2, lease: .seconds(30), claimant: "A")
        #expect(a.count == 2)
        // Renewed at +20 s: the claims hold until +50 s, past their first end.
        #expect(try await s.renew(claimsOf: "A", now: Self.now.adding(seconds: 20), lease: .seconds(30)) == 2)
        #expect(try await s.claimDue(channel: "email", now: Self.now.adding(seconds: 40), limit: 5, lease: .seconds(30),
                                     claimant: "B").map(\.recipient) == ["a3"])
        // Not renewed in time: at +51 s they are free, and a renewal then comes too late.
        #expect(try await s.renew(claimsOf: "A", now: Self.now.adding(seconds: 51), lease: .seconds(30)) == 0)
        #expect(try await s.claimDue(channel: "email", now: Self.now.adding(seconds: 51), limit: 5, lease: .seconds(30),
                                     claimant: "B").map(\.recipient) == ["a1", "a2"])
        #expect(try await !s.complete(delivery: a[0].id, attempt: 1, result: .delivered, at: Self.now, claimant: "A"))
    }
}
