/// A clock whose instants are Tickler's `Instant` (whole seconds of wall time): the system's
/// (`SystemClock`) in the service, one a test moves by hand (`ManualClock`) in the tests. Whatever waits for
/// a time of day (a delivery lane's next attempt, the catch-up's retry) sleeps on it, so a test advances
/// the clock instead of waiting.
public protocol InstantClock: Clock, Sendable where Instant == TicklerCore.Instant, Duration == Swift.Duration {}

extension SystemClock: InstantClock {}
