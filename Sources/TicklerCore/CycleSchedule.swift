/// The steps of one cycle in order, each with the instant it comes due.
public struct CycleSchedule: Sendable {
    public struct Step: Sendable, Equatable {
        public var index: StepIndex
        public var due: Instant
    }

    public let key: CycleKey
    public let subject: Subject
    /// Every step due at or before the horizon it was computed for, plus the first one after it.
    public let steps: [Step]

    /// Computes due instants only as far as `horizon`: later stages are never needed to decide before it.
    public init(policy: Policy, subject: Subject, through horizon: Instant) {
        self.key = CycleKey(policy: policy.id, subject: subject.ref, anchor: subject.anchor)
        self.subject = subject
        var steps: [Step] = []
        for stage in policy.stages {
            let due = Self.due(of: stage, in: policy, anchor: subject.anchor, courtCalendar: subject.courtCalendar)
            steps.append(Step(index: StepIndex(stage: stage.number), due: due))
            if due > horizon { break }
        }
        if let last = policy.stages.last, steps.count == policy.stages.count, let first = steps.last,
           first.due <= horizon, let rule = last.repeatRule {
            for n in stride(from: 1, through: rule.max, by: 1) {
                let due = Self.repeatDue(first.due, rule: rule, number: n)
                steps.append(Step(index: StepIndex(stage: last.number, repeat: n), due: due))
                if due > horizon { break }
            }
        }
        self.steps = steps
    }

    /// The anchor shifted by the stage's offset on its counting calendar, then placed at `at:` on that date.
    /// `court days` before a deadline a court counted are that court's (`courtCalendar`).
    public static func due(of stage: Stage, in policy: Policy, anchor: Instant, courtCalendar: CalendarRef? = nil,
                           recorder: SkipRecorder? = nil) -> Instant {
        let counting = stage.offset.unit == .courtDays ? courtCalendar?.calendar ?? stage.counting : stage.counting
        var t = counting.shift(anchor, by: stage.offset, sign: stage.side == .after ? 1 : -1, recorder: recorder)
        if let at = stage.at { t = policy.calendar.place(t, at: at) }
        return t
    }

    /// Repeat `number` of a stage first due at `first`: `number × every` after it.
    public static func repeatDue(_ first: Instant, rule: Stage.Repeat, number: Int, recorder: SkipRecorder? = nil) -> Instant {
        rule.counting.shift(first, by: Period(rule.every.amount * number, rule.every.unit), recorder: recorder)
    }

    /// What happens to this cycle at `now`, given the highest step the ledger already holds for it.
    ///
    /// All unrecorded steps due by `now` collapse into the highest of them (catch-up); the rest are
    /// skipped. A hold (snooze) defers everything to its end. A cycle that has ended (an appointment
    /// that started) does nothing.
    public func decide(now: Instant, recorded: StepIndex?, holdUntil: Instant? = nil) -> CycleDecision {
        let endsAt = subject.endsAt
        if let e = endsAt, now >= e { return CycleDecision() }
        var due: [Step] = []
        var next: Instant?
        for step in steps {
            if let r = recorded, step.index <= r { continue }
            if let e = endsAt, step.due >= e { break }
            if step.due <= now { due.append(step) } else {
                next = step.due
                break
            }
        }
        if let hold = holdUntil, now < hold {
            let wake = due.isEmpty ? next.map { max($0, hold) } : hold
            if let w = wake, let e = endsAt, w >= e { return CycleDecision() }
            return CycleDecision(fire: nil, skipped: [], nextWakeUp: wake)
        }
        guard let top = due.last else { return CycleDecision(fire: nil, skipped: [], nextWakeUp: next) }
        return CycleDecision(fire: top, skipped: Array(due.dropLast()), nextWakeUp: next)
    }
}

/// The outcome of deciding one cycle at one instant.
public struct CycleDecision: Sendable, Equatable {
    /// The step that fires now, if any.
    public var fire: CycleSchedule.Step?
    /// Lower steps due at the same time, recorded as skipped (catch-up collapse).
    public var skipped: [CycleSchedule.Step] = []
    /// When this cycle next needs looking at; nil if never (without a change in the data).
    public var nextWakeUp: Instant?

    public init(fire: CycleSchedule.Step? = nil, skipped: [CycleSchedule.Step] = [], nextWakeUp: Instant? = nil) {
        self.fire = fire
        self.skipped = skipped
        self.nextWakeUp = nextWakeUp
    }
}
