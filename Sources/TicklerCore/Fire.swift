/// A step that fires: recorded once in the ledger, then delivered at `deliverAt`.
public struct Fire: Sendable, Equatable {
    /// The step's key.
    public let key: FireKey
    public var caseID: String
    public var caseNumber: String
    /// When the step came due.
    public var due: Instant
    /// When the evaluator saw it due: `due`, or later after downtime, catch-up or a snooze.
    public var firedAt: Instant
    /// When channels get it: `firedAt`, or the next opening under `deliver: business_hours`.
    public var deliverAt: Instant
    public var action: Stage.Action
    /// Person ids, email addresses, or `client`.
    public var recipients: [String]
    public var channels: [String]
    /// Inactive people the stage names, whose share went to their nearest active manager instead.
    public var redirectedFrom: [String]

    public init(key: FireKey, caseID: String, caseNumber: String, due: Instant, firedAt: Instant, deliverAt: Instant,
                action: Stage.Action, recipients: [String], channels: [String], redirectedFrom: [String] = []) {
        self.key = key
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.due = due
        self.firedAt = firedAt
        self.deliverAt = deliverAt
        self.action = action
        self.recipients = recipients
        self.channels = channels
        self.redirectedFrom = redirectedFrom
    }

    /// The step's id: a digest of its key, computed when asked (`simulate` never asks; a writer that names
    /// it several times keeps it).
    public var fireID: String { key.fireID }

    public var policy: String { key.cycle.policy }
    public var subject: SubjectRef { key.cycle.subject }
}

/// A lower step recorded as skipped because a higher one of its cycle fired at the same evaluation.
public struct SkippedStep: Sendable, Equatable {
    public var key: FireKey
    public var due: Instant
    public var caseID: String
    /// The step that fired instead.
    public var supersededBy: StepIndex

    public init(key: FireKey, due: Instant, caseID: String, supersededBy: StepIndex) {
        self.key = key
        self.due = due
        self.caseID = caseID
        self.supersededBy = supersededBy
    }
}

/// A deferral of a case's fires: `tickler snooze` (for one policy or all), or `tickler ack` (for one
/// cycle: its later stages wait).
public struct Snooze: Sendable, Equatable {
    public var caseID: String
    public var policy: String?
    /// Set for an ack: only this cycle is held.
    public var cycle: CycleKey?
    public var until: Instant

    public init(caseID: String, policy: String? = nil, cycle: CycleKey? = nil, until: Instant) {
        self.caseID = caseID
        self.policy = cycle?.policy ?? policy
        self.cycle = cycle
        self.until = until
    }

    /// The latest end among `snoozes` that cover `policy` (and, for acks, `cycle`).
    public static func holdUntil(_ snoozes: [Snooze], policy: String, cycle: CycleKey? = nil) -> Instant? {
        var hold: Instant?
        for s in snoozes where (s.policy == nil || s.policy == policy) && (s.cycle == nil || s.cycle == cycle) {
            if hold == nil || s.until > hold! { hold = s.until }
        }
        return hold
    }

    /// The hold on the cycle of `policy` for `subject`: the latest snooze or ack covering it, within `bound`.
    public static func hold(_ snoozes: [Snooze], policy: Policy, subject: Subject) -> Instant? {
        guard !snoozes.isEmpty else { return nil }
        let key = CycleKey(policy: policy.id, subject: subject.ref, anchor: subject.anchor)
        guard let h = holdUntil(snoozes, policy: policy.id, cycle: key) else { return nil }
        if let b = bound(policy: policy, anchor: subject.anchor, courtCalendar: subject.courtCalendar), h > b { return b }
        return h
    }

    /// How far a hold may reach for a cycle of `policy` anchored at `anchor`: a cycle counting down to a
    /// deadline or an appointment is never held past its last `before:` stage (a snooze must not swallow
    /// the T-2-court-days escalation). Nil: no bound.
    public static func bound(policy: Policy, anchor: Instant, courtCalendar: CalendarRef? = nil) -> Instant? {
        guard let last = policy.stages.last(where: { $0.side == .before }) else { return nil }
        return CycleSchedule.due(of: last, in: policy, anchor: anchor, courtCalendar: courtCalendar)
    }
}

/// What the ledger already knows, as the evaluator needs it: the highest step recorded per cycle.
public protocol LedgerFacts {
    func highestRecorded(_ cycle: CycleKey) -> StepIndex?
}

/// An in-memory ledger: the simulator's, and tests'.
public struct LedgerState: LedgerFacts, Sendable, Equatable {
    public private(set) var highest: [CycleKey: StepIndex] = [:]

    public init() {}

    public func highestRecorded(_ cycle: CycleKey) -> StepIndex? { highest.isEmpty ? nil : highest[cycle] }

    public mutating func record(_ cycle: CycleKey, _ step: StepIndex) {
        if let h = highest[cycle], h >= step { return }
        highest[cycle] = step
    }
}
