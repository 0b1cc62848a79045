import TicklerCore

/// What the evaluation of a set of cases came to, to be recorded as one: fires and skipped steps (each once
/// by its key), their explanations, and each case's next wake (nil: nothing of it is pending).
public struct EvaluationRecord: Sendable {
    public var fires: [Fire] = []
    public var skipped: [SkippedStep] = []
    public var explanations: [String: String] = [:]
    public var wakes: [CaseWake] = []

    public init() {}
}

/// A claim's result: when it was evaluated (the database's legal time), the cases it held, what it read
/// that could not be read, and the fires newly recorded (to journal, now that they are committed).
public struct ClaimedEvaluation: Sendable {
    public var now: Instant
    public var claimed: [String]
    public var badRows: [BadRow] = []
    public var recorded: [Fire] = []
    /// The explanations of the fires, by fire id.
    public var explanations: [String: String] = [:]
    public var skipped = 0

    public init(now: Instant, claimed: [String]) {
        self.now = now
        self.claimed = claimed
    }
}

/// Work shared by several instances, without a leader for evaluation (PostgreSQL): due cases are claimed
/// and evaluated by whichever instance gets them first, each case by one instance at a time; changes become
/// wakes; chores run under a lease. Every step is idempotent, so an instance that dies, stalls or loses
/// the network wastes work at worst and never loses or doubles a fire.
public protocol WorkClaims: Sendable {
    /// Claims up to `limit` cases whose wake has come (by the database's clock) that no other instance holds,
    /// reads them, calls `evaluate` with them and legal now, and records what it returns, all in one
    /// transaction that holds the cases until it commits. New fires are queued on `channels` as their
    /// delivery plans say.
    func evaluateDue(limit: Int, channels: [String: ChannelSettings], _ evaluate: @escaping @Sendable (EvaluationChunk, Instant) throws -> EvaluationRecord) async throws
        -> ClaimedEvaluation
    /// Turns up to `limit` committed change-feed entries into wakes due now, and deletes them; returns how
    /// many were taken.
    func absorbChanges(limit: Int) async throws -> Int
    /// Wakes the next `size` cases after `cursor` (a slice of the sweep that evaluates every case once per
    /// full rescan); returns where to go on from (nil at the end of the firm).
    func wakeSlice(after cursor: CaseCursor?, size: Int) async throws -> (woken: Int, next: CaseCursor?)
    /// Counters every instance compares with what it last read: people written, case tables truncated.
    func generations() async throws -> StoreGenerations
    /// Takes or renews lease `name` for `duration` (by the database's clock); false when another holds it.
    func acquireLease(_ name: String, for duration: Duration) async throws -> Bool
    /// Gives lease `name` up, if this instance holds it.
    func releaseLease(_ name: String) async throws
    /// The database's clock against this host's: (database − host), measured over one round trip.
    func clockOffset() async throws -> Duration
    /// Every instance that has recorded itself, most recently seen first.
    func instances() async throws -> [InstanceRecord]
}

public struct StoreGenerations: Sendable, Equatable {
    public var people: Int64
    public var restores: Int64

    public init(people: Int64, restores: Int64) {
        self.people = people
        self.restores = restores
    }
}

/// An instance as it last recorded itself.
public struct InstanceRecord: Sendable, Equatable {
    public var id: String
    public var host: String
    public var pid: Int
    public var startedAt: Instant
    public var seenAt: Instant
    /// The database's clock minus this instance's, in milliseconds.
    public var offsetMilliseconds: Int64
    /// Its health (as `HealthRecord` keeps it: last tick, fired, leases held…).
    public var health: [String: String]

    public init(id: String, host: String, pid: Int, startedAt: Instant, seenAt: Instant, offsetMilliseconds: Int64,
                health: [String: String]) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.seenAt = seenAt
        self.offsetMilliseconds = offsetMilliseconds
        self.health = health
    }
}
