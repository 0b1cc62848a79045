/// A step that fires: recorded once in the ledger, then delivered at `deliverAt`.
public struct Fire: Sendable, Equatable {
    public var key: FireKey
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
}

/// A deferral of a case's fires (`tickler snooze`), for one policy or all.
public struct Snooze: Sendable, Equatable {
    public var caseID: String
    public var policy: String?
    public var until: Instant

    public init(caseID: String, policy: String? = nil, until: Instant) {
        self.caseID = caseID
        self.policy = policy
        self.until = until
    }

    /// The latest end among `snoozes` that cover `policy`.
    public static func holdUntil(_ snoozes: [Snooze], policy: String) -> Instant? {
        var hold: Instant?
        for s in snoozes where s.policy == nil || s.policy == policy {
            if hold == nil || s.until > hold! { hold = s.until }
        }
        return hold
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
