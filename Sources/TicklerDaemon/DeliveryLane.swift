import Foundation
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerStore

/// One channel's deliveries, sent in queue order beside the poll loop. Each attempt is recorded in the
/// store before the next one starts; a delivery is marked delivered only after the channel accepted it,
/// so a crash in between sends it again with the same Message-ID or Idempotency-Key (at least once).
///
/// When the channel itself is down (no connection, TLS or login failure, timeout, 5xx from a webhook)
/// the lane pauses with backoff instead of trying every queued delivery: it journals the outage once,
/// probes with the oldest due delivery when the pause ends, and journals the recovery once.
actor DeliveryLane {
    let channel: String
    private let store: any DeliveryQueue
    /// The claimant's name (one per daemon process), what every lane has in flight, the metrics, the clock.
    private let basis: LaneBasis
    private let events: EventLog
    /// What sends: the channel's worker, or the client queue's safeguards and media.
    private let sender: any LaneSending
    private let signal = LaneSignal()
    private let heartbeat: ClaimHeartbeat
    private let onAttempt: @Sendable () -> Void
    /// When to look at the queue, what an attempt's result means, when the channel is down.
    private var state: LaneStateMachine
    private var stopping = false
    private var jitter = SystemRandomNumberGenerator()
    /// Deliveries claimed at once.
    static let batch = 10
    /// How long a claim lasts on SQLite, where one instance uses the store: long enough for every send of a
    /// batch to run to its time limit (70 s: the connect and transfer timeouts of email) even unrenewed.
    static let lease = Duration.seconds(Int64(batch) * 70 + 60)

    init(channel: String, sender: any LaneSending, store: any DeliveryQueue, basis: LaneBasis, events: EventLog, retry: RetryPolicy,
         heartbeat: ClaimHeartbeat, onAttempt: @escaping @Sendable () -> Void = {}) {
        self.onAttempt = onAttempt
        self.channel = channel
        self.sender = sender
        self.store = store
        self.basis = basis
        self.events = events
        self.state = LaneStateMachine(retry: retry)
        self.heartbeat = heartbeat
    }

    private var claimant: String { basis.claimant }
    private var metrics: Metrics { basis.metrics }
    private var inFlight: InFlight { basis.inFlight }
    private func now() -> Instant { basis.clock.now }

    /// Sends until `stop`: what is due, then sleeps until the next delivery comes due, a kick, or a pause ends.
    func run() async {
        while !stopping {
            let wait = await step(drainOnly: false)
            if stopping { break }
            if let wait { await signal.wait(wait, on: basis.clock) }
        }
    }

    /// `ticklerd --once`: sends what is due now, until nothing due is left, the channel is down, or
    /// `deadline` passes. True when nothing due was left behind.
    func drain(deadline: ContinuousClock.Instant) async -> Bool {
        while ContinuousClock.now < deadline && !stopping {
            if await step(drainOnly: true) != nil { break }
        }
        let left = (try? await dueCount()) ?? 1
        return !state.isChannelDown && left == 0
    }

    func kick() async { await signal.kick() }

    func stop() async {
        stopping = true
        await signal.kick()
    }

    private func dueCount() async throws -> Int {
        try await store.dueCount(channel: channel, now: now())
    }

    /// One pass: sends the due deliveries of one batch. Returns how long to wait before the next pass, or
    /// nil to go on at once (more may be due). With `drainOnly`, any wait means "done for now".
    private func step(drainOnly: Bool) async -> Duration? {
        let t = now()
        if case .wait(let pause) = state.passStarts(now: t) { return pause }
        let due: [PendingDelivery]
        let claimedAt = ContinuousClock.now
        do { due = try await store.claimDue(channel: channel, now: t, limit: Self.batch, lease: heartbeat.lease, claimant: claimant) } catch {
            return LaneStateMachine.storeRetry  // the store is unavailable: the poll loop journals that
        }
        if due.isEmpty {
            if drainOnly { return .seconds(1) }
            guard case .wait(let idle) = state.nothingDue(now: t, nextDue: try? await store.nextDeliveryDue(channel: channel))
            else { return nil }
            // At least once a lease: a delivery another instance claimed and never completed (it died, or
            // was stopped) is taken over soon after its claim runs out, whoever queued it.
            return min(idle, heartbeat.lease)
        }
        for (k, d) in due.enumerated() {
            if stopping {
                // What this lane claimed and will not send is free for the next lane at once.
                try? await store.release(claimsOf: claimant, ids: due[k...].map(\.id))
                return nil
            }
            // Not renewed for two thirds of the lease (this process was stopped, or the store is out of
            // reach): the rest of the batch may be another instance's by now. It is claimed again.
            guard heartbeat.holds(claimedAt: claimedAt) else {
                try? await store.release(claimsOf: claimant, ids: due[k...].map(\.id))
                return nil
            }
            // A lane of the configuration before a reload may still be sending it.
            guard inFlight.claim(d.id) else { continue }
            defer { inFlight.release(d.id) }
            let attempt = d.attempts + 1
            let result: SendOutcome
            let client: ClientSend?
            switch await sender.attempt(d, now: now()) {
            case .attempted(let outcome, let sent):
                result = outcome
                client = sent
            case .storeUnavailable:
                try? await store.release(claimsOf: claimant, ids: due[k...].map(\.id))
                return LaneStateMachine.storeRetry
            case .settled(let settled):
                // Held, cancelled or made a staff task before any attempt: the queue says why; no attempt is
                // counted.
                do {
                    if try await store.complete(delivery: d.id, attempt: d.attempts, result: settled, at: now(), claimant: claimant) {
                        events.clientMessageSettled(d, settled)
                    }
                } catch { return LaneStateMachine.storeRetry }
                continue
            }
            let at = now()
            defer { onAttempt() }
            let after = state.attempted(result, attempt: attempt, now: at, jitter: Double.random(in: 0..<1, using: &jitter))
            do {
                // A client message refused by one medium is not done: the next consented medium, or a staff
                // task, is decided when the lane looks at it again (at once).
                let result: DeliveryResult = switch (after.record, client) {
                case (.delivered, nil): .delivered
                case (.delivered, let c?): .sentToClient(c)
                case (.failed(let reason), nil): .failed(error: reason)
                case (.failed(let reason), let c?): .refused(medium: c.medium, error: reason)
                case (.retry(let next, let reason), _): .retry(next: next, error: reason)
                }
                // Recorded only while the claim is this lane's (renewed while this instance lives).
                if try await store.complete(delivery: d.id, attempt: attempt, result: result, at: at, claimant: claimant) {
                    switch after.record {
                    case .delivered:
                        metrics.delivery(channel: channel, outcome: "delivered")
                        events.delivered(d, attempt: attempt)
                    case .failed(let reason):
                        metrics.delivery(channel: channel, outcome: "failed")
                        events.deliveryFailed(d, attempt: attempt, error: reason, retryAt: nil, refusedBy: client?.medium)
                    case .retry(let next, let reason):
                        metrics.delivery(channel: channel, outcome: "retry")
                        events.deliveryFailed(d, attempt: attempt, error: reason, retryAt: next)
                    }
                } else {
                    // The claim ran out during the send: another instance holds the delivery and sends it
                    // itself (with the same idempotency key); this attempt is not recorded.
                    events.claimLost(d, attempt: attempt)
                }
            } catch {
                // The attempt happened but could not be recorded: it stays pending and is sent again
                // (same Message-ID / Idempotency-Key) once the store is back.
                return LaneStateMachine.storeRetry
            }
            switch after.news {
            case .outage(let reason): events.channelOutage(channel, reason: reason)
            case .recovered: events.channelRecovered(channel)
            case nil: break
            }
            if let pause = after.pause {
                try? await store.release(claimsOf: claimant, ids: due[(k + 1)...].map(\.id))
                return drainOnly ? .seconds(1) : pause
            }
        }
        return nil
    }
}
