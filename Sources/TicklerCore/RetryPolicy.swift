/// When a failed delivery is tried again: exponential backoff from `base`, doubled per attempt and capped
/// at `cap`, with "equal jitter" (half the delay fixed, half drawn) so that deliveries failed together by
/// one outage do not all come back in the same second, yet none comes back sooner than half its delay.
public struct RetryPolicy: Sendable, Equatable {
    /// Seconds before the second attempt (before jitter).
    public var base: Int64
    /// The longest wait, in seconds.
    public var cap: Int64

    public init(base: Int64 = 30, cap: Int64 = 3600) {
        precondition(base > 0 && cap >= base)
        self.base = base
        self.cap = cap
    }

    /// The wait before attempt `failedAttempts + 1`, after `failedAttempts` (≥ 1) failures in a row:
    /// `d = min(cap, base·2^(failedAttempts−1))`, then `d/2 + jitter·d/2` with `jitter` in [0, 1).
    public func delay(afterFailures failedAttempts: Int, jitter: Double) -> Int64 {
        let exponent = max(0, min(failedAttempts - 1, 62))
        let full = exponent >= 40 ? cap : min(cap, base << Int64(exponent))
        let half = full / 2
        let drawn = Int64((Double(full - half) * min(max(jitter, 0), 0.999_999_999)).rounded(.down))
        return half + drawn
    }

    /// The instant of the next attempt.
    public func nextAttempt(after failedAttempts: Int, now: Instant, jitter: Double) -> Instant {
        now.adding(seconds: delay(afterFailures: failedAttempts, jitter: jitter))
    }
}
