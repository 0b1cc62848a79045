import Systemd
import TicklerConfig
import TicklerCore

/// What the delivery lanes keep when they are made anew (a reload, a store opened again): the name they
/// claim deliveries as, what they are sending, the metrics they count into, where secrets are read, and
/// the clock.
struct LaneBasis: Sendable {
    /// The name this daemon's lanes claim deliveries as.
    let claimant: String
    /// Counters and gauges for the metrics textfile.
    let metrics: Metrics
    /// What the lanes are sending, kept across reloads.
    let inFlight: InFlight
    let credentials: Credentials
    /// What the lanes read the time from and sleep on.
    let clock: any InstantClock
}
