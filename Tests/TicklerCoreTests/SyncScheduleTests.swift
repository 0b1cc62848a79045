import Testing
import TicklerCore

/// The long-running sync's schedule, pinned: webhooks first, renewed ten days before they expire, a pass
/// every interval, retries after a failure 30 s then doubling up to the interval, one outage and one
/// recovery per failing spell, and a clock that jumps back never stalls it.
@Suite struct SyncScheduleTests {
    static let t0 = Instant(seconds: 1_796_000_000)
    let models = ["matter", "task"]

    @Test func webhooksFirstThenAPassEveryInterval() {
        var s = SyncSchedule(reconcile: 600, models: models, start: Self.t0)
        #expect(s.next(now: Self.t0) == .subscribe("matter"))
        #expect(s.subscribed("matter", expiresAt: SyncSchedule.expiry(from: Self.t0), at: Self.t0) == nil)
        #expect(s.next(now: Self.t0) == .subscribe("task"))
        #expect(s.subscribed("task", expiresAt: SyncSchedule.expiry(from: Self.t0.adding(seconds: 5)), at: Self.t0) == nil)
        #expect(s.next(now: Self.t0) == .pass)
        #expect(s.passed(at: Self.t0.adding(seconds: 40)) == nil)
        #expect(s.next(now: Self.t0.adding(seconds: 41)) == .wait(until: Self.t0.adding(seconds: 640)))
        #expect(s.next(now: Self.t0.adding(seconds: 640)) == .pass)
    }

    /// A pass after a complete one asks from five minutes before that one began; the first asks for everything.
    @Test func aPassAsksFromFiveMinutesBeforeTheLastCompleteOne() {
        #expect(SyncSchedule.updatedSince(nil) == nil)
        #expect(SyncSchedule.updatedSince(RFC3339.parse("2026-12-06T10:00:00Z")!) == RFC3339.parse("2026-12-06T09:55:00Z")!)
    }

    @Test func aWebhookIsRenewedTenDaysBeforeItExpires() {
        let expires = Self.t0.adding(seconds: 30 * 86_400)
        var s = SyncSchedule(reconcile: 600, models: ["matter"], start: Self.t0, expiries: ["matter": expires])
        _ = s.passed(at: Self.t0)
        // Twenty days on, the next pass is the next thing to do; at ten days before expiry, the renewal.
        let renewAt = expires.adding(seconds: -10 * 86_400)
        #expect(s.next(now: renewAt.adding(seconds: -1)) == .pass)
        _ = s.passed(at: renewAt.adding(seconds: -1))
        #expect(s.next(now: renewAt.adding(seconds: -1)) == .wait(until: renewAt))
        #expect(s.next(now: renewAt) == .renew("matter"))
        _ = s.subscribed("matter", expiresAt: SyncSchedule.expiry(from: renewAt), at: renewAt)
        #expect(s.next(now: renewAt) == .wait(until: renewAt.adding(seconds: 599)))
        // Clio no longer has it: created again.
        s.lost("matter")
        #expect(s.next(now: renewAt) == .subscribe("matter"))
    }

    @Test func failuresBackOffAndMakeOneOutageAndOneRecovery() {
        var s = SyncSchedule(reconcile: 600, models: [], start: Self.t0)
        var now = Self.t0
        #expect(s.failed(at: now) == .outage(since: Self.t0))
        var waits: [Int64] = []
        for _ in 0..<6 {
            guard case .wait(let until) = s.next(now: now) else { Issue.record("no wait after a failure"); return }
            waits.append(until.seconds - now.seconds)
            now = until
            #expect(s.next(now: now) == .pass)
            #expect(s.failed(at: now) == nil)
        }
        #expect(waits == [30, 60, 120, 240, 480, 600])
        #expect(s.passed(at: now) == .recovered(after: now.seconds - Self.t0.seconds))
        #expect(s.next(now: now) == .wait(until: now.adding(seconds: 600)))
        #expect(s.failed(at: now) == .outage(since: now))
    }

    /// Random clock jumps, forward and back, with passes and failures: the schedule never asks to wait more
    /// than one interval, and never past the time a webhook is due for renewal.
    @Test func noClockJumpStallsIt() {
        var rng = SplitMix64(seed: 25)
        for _ in 0..<200 {
            var now = Self.t0
            var s = SyncSchedule(reconcile: 300, models: ["matter"], start: now)
            for _ in 0..<60 {
                let jump = Int64(rng.next() % 200_000) - 100_000
                now = now.adding(seconds: rng.next() % 4 == 0 ? jump : Int64(rng.next() % 400))
                switch s.next(now: now) {
                case .wait(let until):
                    #expect(until > now && until.seconds - now.seconds <= 300)
                    if let e = s.expiries["matter"] { #expect(until <= e.adding(seconds: -SyncSchedule.renewWithin)) }
                case .pass:
                    _ = rng.next() % 3 == 0 ? s.failed(at: now) : s.passed(at: now)
                case .subscribe(let m), .renew(let m):
                    _ = rng.next() % 3 == 0 ? s.failed(at: now) : s.subscribed(m, expiresAt: SyncSchedule.expiry(from: now), at: now)
                }
            }
        }
    }
}
