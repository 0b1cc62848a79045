import Testing
import TicklerCore

/// A delivery lane's outage and backoff, driven by hand.
@Suite struct LaneStateMachineTests {
    static let t0 = RFC3339.parse("2026-09-17T16:00:00Z")!
    static let retry = RetryPolicy(base: 30, cap: 3600)

    @Test func aChannelOutageIsJournaledOncePausesTheLaneWithBackoffAndEndsAtTheFirstSuccess() {
        var lane = LaneStateMachine(retry: Self.retry)
        #expect(lane.passStarts(now: Self.t0) == .readQueue)
        // A delivery that fails on its own (the channel answered) does not pause the lane.
        let own = lane.attempted(.retry(reason: "452 mailbox full", channelDown: false), attempt: 1, now: Self.t0, jitter: 0)
        #expect(own == .init(record: .retry(at: Self.t0.adding(seconds: 15), reason: "452 mailbox full"), news: nil, pause: nil))
        #expect(!lane.isChannelDown)

        // The channel is down: journaled once, the batch stops, the lane pauses 15 s (30 s halved, no jitter).
        let down = lane.attempted(.retry(reason: "connection refused", channelDown: true), attempt: 3, now: Self.t0, jitter: 0)
        #expect(down.record == .retry(at: Self.t0.adding(seconds: 60), reason: "connection refused"))
        #expect(down.news == .outage(reason: "connection refused"))
        #expect(down.pause == .seconds(15))
        #expect(lane.passStarts(now: Self.t0.adding(seconds: 14)) == .wait(.seconds(1)))
        #expect(lane.passStarts(now: Self.t0.adding(seconds: 15)) == .readQueue)

        // The probe fails: no second journal entry, the pause doubles (60 s, most jitter: 59 s).
        let t1 = Self.t0.adding(seconds: 15)
        let again = lane.attempted(.retry(reason: "connection refused", channelDown: true), attempt: 1, now: t1, jitter: 0.999)
        #expect(again.news == nil)
        #expect(again.pause == .seconds(59))
        #expect(lane.passStarts(now: t1.adding(seconds: 10)) == .wait(.seconds(49)))
        #expect(lane.passStarts(now: t1.adding(seconds: 59)) == .readQueue)

        // Back: the recovery is journaled once; the lane goes on with its batch.
        let t2 = t1.adding(seconds: 59)
        let back = lane.attempted(.delivered, attempt: 2, now: t2, jitter: 0)
        #expect(back == .init(record: .delivered, news: .recovered, pause: nil))
        #expect(!lane.isChannelDown)
        #expect(lane.attempted(.delivered, attempt: 1, now: t2, jitter: 0).news == nil)
        #expect(lane.passStarts(now: t2) == .readQueue)
    }

    @Test func aRefusalAlsoShowsTheChannelIsUp() {
        var lane = LaneStateMachine(retry: Self.retry)
        _ = lane.attempted(.retry(reason: "timeout", channelDown: true), attempt: 1, now: Self.t0, jitter: 0.5)
        let refused = lane.attempted(.failed(reason: "550 no such user"), attempt: 1, now: Self.t0.adding(seconds: 30), jitter: 0)
        #expect(refused == .init(record: .failed(reason: "550 no such user"), news: .recovered, pause: nil))
    }

    @Test func anIdleLaneSleepsUntilTheNextDeliveryComesDueWithinAMinute() {
        let lane = LaneStateMachine(retry: Self.retry)
        #expect(lane.nothingDue(now: Self.t0, nextDue: nil) == .wait(.seconds(60)))
        #expect(lane.nothingDue(now: Self.t0, nextDue: Self.t0.adding(seconds: 7)) == .wait(.seconds(7)))
        #expect(lane.nothingDue(now: Self.t0, nextDue: Self.t0.adding(seconds: -5)) == .wait(.seconds(1)))
        #expect(lane.nothingDue(now: Self.t0, nextDue: Self.t0.adding(seconds: 86_400)) == .wait(.seconds(60)))
    }

    /// However long a channel stays down, each pause is within the policy's bounds and never shorter than
    /// the one before's lower half; the probe is never made before the pause ends.
    @Test func pausesGrowToTheCapAndProbesWaitForThem() {
        var rng = SplitMix64(seed: 11)
        var lane = LaneStateMachine(retry: Self.retry)
        var now = Self.t0
        for failures in 1...30 {
            let jitter = Double.random(in: 0..<1, using: &rng)
            let after = lane.attempted(.retry(reason: "down", channelDown: true), attempt: failures, now: now, jitter: jitter)
            let full: Int64 = min(3600, Int64(30) << Int64(min(failures - 1, 20)))
            let pause = after.pause!.components.seconds
            #expect(pause >= full / 2 && pause < full, "after \(failures) failures: \(pause) s")
            #expect(lane.passStarts(now: now.adding(seconds: pause - 1)) != .readQueue)
            now = now.adding(seconds: pause)
            #expect(lane.passStarts(now: now) == .readQueue)
        }
    }
}
