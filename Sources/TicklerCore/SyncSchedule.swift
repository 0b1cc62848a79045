/// When a long-running sync (`tickler sync clio`) does what, as a value the runner asks and tells:
/// - a webhook for each model, created when missing and renewed when less than a third of its lifetime is
///   left (Clio lets a webhook live at most 31 days; it is asked for 30);
/// - a pass (reconciliation) every `reconcile` seconds;
/// - after a failure, nothing before a retry 30 s later, doubling up to the interval; the first failure is
///   an outage and the first success after it the recovery (each journaled once).
/// A clock that jumps back does not stall it: a pass or a retry further away than one interval is due now.
public struct SyncSchedule: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Reconcile every model.
        case pass
        /// Create the webhook of a model that has none (or whose webhook Clio no longer has).
        case subscribe(String)
        /// Extend the webhook of a model.
        case renew(String)
        case wait(until: Instant)
    }

    /// What to journal.
    public enum Change: Sendable, Equatable {
        case outage(since: Instant)
        case recovered(after: Int64)
    }

    /// The lifetime asked for a webhook, and how much of it may be left before it is renewed.
    public static let webhookLifetime: Int64 = 30 * 86_400
    public static let renewWithin: Int64 = 10 * 86_400
    /// The first retry after a failure.
    public static let firstRetry: Int64 = 30

    public let reconcile: Int64
    /// The models that have webhooks, in the order they are subscribed.
    public let models: [String]
    public private(set) var nextPass: Instant
    /// Each model's webhook expiry, as Clio last said.
    public private(set) var expiries: [String: Instant]
    public private(set) var failingSince: Instant?
    public private(set) var failures = 0
    private var retryAt: Instant?

    /// A schedule whose first pass is due at `start`, with the webhooks the store knows of.
    public init(reconcile: Int64, models: [String], start: Instant, expiries: [String: Instant] = [:]) {
        self.reconcile = max(1, reconcile)
        self.models = models
        nextPass = start
        self.expiries = expiries
    }

    public func next(now: Instant) -> Action {
        if let r = retryAt, now < r, r.seconds - now.seconds <= reconcile { return .wait(until: r) }
        for m in models {
            guard let e = expiries[m] else { return .subscribe(m) }
            if e.seconds - now.seconds <= Self.renewWithin { return .renew(m) }
        }
        if now >= nextPass || nextPass.seconds - now.seconds > reconcile { return .pass }
        var until = nextPass
        for e in expiries.values { until = min(until, e.adding(seconds: -Self.renewWithin)) }
        return .wait(until: until)
    }

    /// How far before the last complete pass began the next one asks from: Clio's clock and this one may
    /// differ, and a record written while that pass read is caught by the next.
    public static let clockMargin: Int64 = 300

    /// The `updated_since` of a pass after a complete one that began at `syncedFrom` (nil: every record).
    public static func updatedSince(_ syncedFrom: Instant?) -> Instant? { syncedFrom.map { $0.adding(seconds: -clockMargin) } }

    /// The expiry to ask for a webhook subscribed or renewed at `now`.
    public static func expiry(from now: Instant) -> Instant { now.adding(seconds: webhookLifetime) }

    public mutating func passed(at now: Instant) -> Change? {
        nextPass = now.adding(seconds: reconcile)
        return succeeded(at: now)
    }

    /// A model's webhook was created or renewed; Clio says it expires at `expiresAt`.
    public mutating func subscribed(_ model: String, expiresAt: Instant, at now: Instant) -> Change? {
        expiries[model] = expiresAt
        return succeeded(at: now)
    }

    /// Clio no longer has a model's webhook (it expired, or was deleted): it is created again.
    public mutating func lost(_ model: String) { expiries[model] = nil }

    /// Something says the sources changed (new mail in IDLE): a pass is due now.
    public mutating func due(at now: Instant) {
        if retryAt == nil { nextPass = min(nextPass, now) }
    }

    /// A pass, a subscription or a renewal failed at `now`.
    public mutating func failed(at now: Instant) -> Change? {
        failures += 1
        let delay = min(reconcile, Self.firstRetry << Int64(min(failures - 1, 20)))
        retryAt = now.adding(seconds: delay)
        guard failingSince == nil else { return nil }
        failingSince = now
        return .outage(since: now)
    }

    private mutating func succeeded(at now: Instant) -> Change? {
        retryAt = nil
        failures = 0
        guard let since = failingSince else { return nil }
        failingSince = nil
        return .recovered(after: max(0, now.seconds - since.seconds))
    }
}
