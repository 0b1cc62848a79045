import TicklerCore
import TicklerStore

/// The daemon's health as STATUS=, `tickler status` and the metrics report it: the delivery queue as last
/// read, this host's clock against the database's, and whether the metrics file can be written. Each
/// trouble is journaled when it begins and when it ends, not at every tick.
struct ServiceHealth {
    var deliveryHealth = DeliveryHealth()
    /// When the queue was last read (nil: never, or the store was replaced since).
    var deliveryHealthAt: Instant?
    /// This host's clock minus the database's, as last measured (PostgreSQL).
    var clockOffset: Duration = .zero
    private(set) var clockOffReported = false
    private(set) var metricsFailing = false

    /// How often the queue's counts are read again when nothing says they changed.
    static let deliveryHealthAge: Int64 = 60
    /// Beyond a second the clocks differ (journaled); beyond a minute the instance is degraded.
    static let clockTolerance = Duration.seconds(1)
    static let clockDegradedBeyond = Duration.seconds(60)

    /// Deliveries being retried or refused for good, as of the last reading of the queue.
    var deliveryErrors: Int { deliveryHealth.retrying + deliveryHealth.failed }

    var clockDegraded: Bool { abs(clockOffset.milliseconds) > Self.clockDegradedBeyond.milliseconds }

    /// Whether to read the queue's counts at `now`: a lane recorded an attempt, the sweep ended a lap, or
    /// the last reading is a minute old.
    func deliveryHealthDue(now: Instant, activity: Bool) -> Bool {
        activity || deliveryHealthAt.map { now.seconds - $0.seconds >= Self.deliveryHealthAge } ?? true
    }

    enum ClockNews: Equatable {
        case off(Duration)
        case agrees(Duration)
    }

    /// A new measure of the clocks: what to journal, once when they begin to differ and once when they agree.
    mutating func clockMeasured(_ offset: Duration) -> ClockNews? {
        clockOffset = offset
        let off = abs(offset.milliseconds) > Self.clockTolerance.milliseconds
        defer { clockOffReported = off }
        if off && !clockOffReported { return .off(offset) }
        if !off && clockOffReported { return .agrees(offset) }
        return nil
    }

    /// A write of the metrics file succeeded or failed: true when a failure is to be journaled (the first of
    /// a run of failures).
    mutating func metricsWritten(ok: Bool) -> Bool {
        defer { metricsFailing = !ok }
        return !ok && !metricsFailing
    }
}
