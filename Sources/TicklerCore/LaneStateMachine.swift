/// A delivery lane's control logic, as a value: when to look at the queue, what an attempt's result means
/// for the delivery (delivered, refused for good, retried when) and for the channel (down, back), and how
/// long to wait. It performs no I/O and reads no clock; the lane (`DeliveryLane`) performs what it says.
///
/// When the channel itself is down (no connection, TLS or login failure, timeout, 5xx from a webhook), the
/// lane pauses with the retry policy's backoff instead of trying every queued delivery: the outage is
/// journaled once, the oldest due delivery probes the channel when the pause ends, and the recovery is
/// journaled once.
public struct LaneStateMachine: Sendable {
    /// What to write in the queue for an attempt.
    public enum Record: Sendable, Equatable {
        case delivered
        case failed(reason: String)
        case retry(at: Instant, reason: String)
    }

    /// What to journal about the channel.
    public enum ChannelNews: Sendable, Equatable {
        case outage(reason: String)
        case recovered
    }

    /// After an attempt: what to record, what to journal, and whether to go on with the batch or pause.
    public struct AfterAttempt: Sendable, Equatable {
        public var record: Record
        public var news: ChannelNews?
        /// Nil: go on with the next delivery of the batch. Otherwise stop the batch and wait this long.
        public var pause: Duration?

        public init(record: Record, news: ChannelNews?, pause: Duration?) {
            self.record = record
            self.news = news
            self.pause = pause
        }
    }

    public enum Next: Sendable, Equatable {
        /// Read the due deliveries from the queue now.
        case readQueue
        /// Sleep (a kick wakes the lane earlier).
        case wait(Duration)
    }

    /// How long to wait when the queue cannot be read or an attempt cannot be recorded.
    public static let storeRetry = Duration.seconds(2)
    /// The longest sleep with nothing due: the lane looks at the queue at least this often.
    public static let idleLimit: Int64 = 60

    public let retry: RetryPolicy
    /// Failed probes in a row and when the next may be made, while the channel is down.
    public private(set) var outage: (failures: Int, until: Instant)?

    public init(retry: RetryPolicy) {
        self.retry = retry
    }

    public var isChannelDown: Bool { outage != nil }

    /// At the start of a pass: read the queue, unless a pause for an outage is still running.
    public func passStarts(now: Instant) -> Next {
        if let o = outage, now < o.until { return .wait(.seconds(max(1, o.until.seconds - now.seconds))) }
        return .readQueue
    }

    /// Nothing is due now: sleep until the next delivery comes due (at least a second, at most a minute).
    public func nothingDue(now: Instant, nextDue: Instant?) -> Next {
        let seconds = nextDue.map { max(1, min(Self.idleLimit, $0.seconds - now.seconds)) } ?? Self.idleLimit
        return .wait(.seconds(seconds))
    }

    /// The result of attempt number `attempt` of a delivery, at `now`. `jitter` in [0, 1) spreads retries.
    public mutating func attempted(_ result: SendOutcome, attempt: Int, now: Instant, jitter: Double) -> AfterAttempt {
        switch result {
        case .delivered:
            return AfterAttempt(record: .delivered, news: recover(), pause: nil)
        case .failed(let reason):
            // The channel answered: it is up, even though this delivery is refused.
            return AfterAttempt(record: .failed(reason: reason), news: recover(), pause: nil)
        case .retry(let reason, let down):
            let record = Record.retry(at: retry.nextAttempt(after: attempt, now: now, jitter: jitter), reason: reason)
            guard down else { return AfterAttempt(record: record, news: nil, pause: nil) }
            let failures = (outage?.failures ?? 0) + 1
            let news: ChannelNews? = outage == nil ? .outage(reason: reason) : nil
            let pause = retry.delay(afterFailures: failures, jitter: jitter)
            outage = (failures, now.adding(seconds: pause))
            return AfterAttempt(record: record, news: news, pause: .seconds(max(1, pause)))
        }
    }

    private mutating func recover() -> ChannelNews? {
        guard outage != nil else { return nil }
        outage = nil
        return .recovered
    }
}
