/// The only place that decides whether and when something fires.
///
/// Pure: given a case snapshot, the policies, what the ledger holds and `now`, it returns the fires due
/// now (after catch-up collapse), the steps to record as skipped, and the instant it next needs to run.
public struct Evaluator: Sendable {
    public let policies: [Policy]
    public let staff: Staff

    public init(policies: [Policy], staff: Staff) {
        self.policies = policies
        self.staff = staff
    }

    public struct Evaluation: Sendable, Equatable {
        public var fires: [Fire] = []
        public var skipped: [SkippedStep] = []
        /// The earliest instant after `now` at which this case needs evaluating again.
        public var nextWakeUp: Instant?
        /// Each open cycle whose highest step has fired (now or before), by policy and that step's stage:
        /// the backlog this case adds (metrics, status).
        public var openSteps: [(policy: String, stage: Int)] = []

        public static func == (a: Evaluation, b: Evaluation) -> Bool {
            a.fires == b.fires && a.skipped == b.skipped && a.nextWakeUp == b.nextWakeUp
                && a.openSteps.map { "\($0.policy)/\($0.stage)" } == b.openSteps.map { "\($0.policy)/\($0.stage)" }
        }
    }

    /// One open cycle of a case at one instant: the raw material of `plan`.
    public struct CycleView: Sendable {
        public var policy: Policy
        public var schedule: CycleSchedule
        public var decision: CycleDecision
        public var holdUntil: Instant?
    }

    /// The open cycles of `c` at `now`, in policy order then subject order.
    public func cycles(of c: CaseSnapshot, ledger: some LedgerFacts, snoozes: [Snooze] = [], now: Instant) -> [CycleView] {
        var out: [CycleView] = []
        for policy in policies where policy.appliesTo.matches(c) {
            for subject in policy.clock.subjects(of: c).sorted(by: { $0.ref < $1.ref }) {
                let schedule = CycleSchedule(policy: policy, subject: subject, through: now)
                let hold = Snooze.hold(snoozes, policy: policy, subject: subject)
                let decision = schedule.decide(now: now, recorded: ledger.highestRecorded(schedule.key), holdUntil: hold)
                out.append(CycleView(policy: policy, schedule: schedule, decision: decision, holdUntil: hold))
            }
        }
        return out
    }

    public func evaluate(_ c: CaseSnapshot, ledger: some LedgerFacts, snoozes: [Snooze] = [], now: Instant) -> Evaluation {
        var result = Evaluation()
        for view in cycles(of: c, ledger: ledger, snoozes: snoozes, now: now) {
            if let step = view.decision.fire?.index ?? ledger.highestRecorded(view.schedule.key) {
                result.openSteps.append((view.policy.id, step.stage))
            }
            if let step = view.decision.fire {
                result.fires.append(fire(step, of: view.schedule, policy: view.policy, case: c, at: now))
                for s in view.decision.skipped {
                    result.skipped.append(SkippedStep(key: FireKey(cycle: view.schedule.key, step: s.index), due: s.due,
                                                      caseID: c.id, supersededBy: step.index))
                }
            }
            if let w = view.decision.nextWakeUp, result.nextWakeUp.map({ w < $0 }) ?? true { result.nextWakeUp = w }
        }
        return result
    }

    /// The fire of `step`, seen due at `firedAt`, with its recipients, channels and delivery time.
    public func fire(_ step: CycleSchedule.Step, of schedule: CycleSchedule, policy: Policy, case c: CaseSnapshot,
                     at firedAt: Instant) -> Fire {
        let stage = policy.stages[step.index.stage - 1]
        var recipients: [String] = []
        var redirected: [String] = []
        for r in stage.notify {
            let resolved = r.resolve(for: c, staff: staff)
            for address in resolved where !recipients.contains(address) { recipients.append(address) }
            // A named person missing from what they resolved to was replaced (inactive): rare, so the
            // directory is consulted only then.
            if let named = r.namedPerson(for: c, staff: staff), !resolved.contains(named),
               staff.people[named]?.active == false, !redirected.contains(named) {
                redirected.append(named)
            }
        }
        return Fire(
            key: FireKey(cycle: schedule.key, step: step.index), caseID: c.id, caseNumber: c.number, due: step.due,
            firedAt: firedAt, deliverAt: Self.deliveryTime(firedAt, stage: stage, calendar: policy.calendar),
            action: stage.action, recipients: recipients, channels: stage.via, redirectedFrom: redirected)
    }

    /// `deliver: business_hours` holds a fire until the next opening of the policy's calendar.
    public static func deliveryTime(_ firedAt: Instant, stage: Stage, calendar: BusinessCalendar) -> Instant {
        switch stage.deliver {
        case .immediately: firedAt
        case .businessHours: calendar.nextOpening(atOrAfter: firedAt)
        }
    }
}
