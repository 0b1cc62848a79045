import Foundation

/// Instants are whole seconds: a duration added to one is counted in whole seconds, rounded down.
extension Instant: InstantProtocol {
    public func advanced(by duration: Duration) -> Instant {
        adding(seconds: duration.components.seconds)
    }

    public func duration(to other: Instant) -> Duration {
        .seconds(other.seconds - seconds)
    }
}

/// The wall clock, in whole seconds: the one place Tickler reads the time of day. Everything else takes
/// a clock (or an instant) as a parameter, so that tests set the time by hand.
public struct SystemClock: Clock, Sendable {
    public init() {}

    public var now: Instant { Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))) }

    public var minimumResolution: Duration { .seconds(1) }

    /// Sleeps on the monotonic clock for the wall-clock distance to `deadline` as it is now (a later jump of
    /// the wall clock does not stretch the sleep).
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let wait = now.duration(to: deadline)
        if wait > .zero { try await Task.sleep(for: wait, tolerance: tolerance) }
    }
}
