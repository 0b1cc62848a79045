/// Why a fire fired, in terms a firm admin can check by hand: the clock and its anchor, the offset and
/// the calendar it was counted on, every non-business day skipped and why, `at:` placement, the repeat,
/// and when it was fired and delivered. Holds ids only, never client data.
public struct Explanation: Sendable, Equatable {
    public var policy: String
    public var stage: StepIndex
    public var action: Stage.Action
    /// `since: client_update`, `until: deadline`…
    public var clock: String
    public var subject: SubjectRef
    public var anchor: Instant
    public var anchorSource: String
    /// `after: 10 business days`, `before: 2 court days at 09:00`.
    public var offset: String
    /// The calendar the offset (and repeat) was counted on.
    public var countedOn: String
    /// The zone local times are shown in: the policy calendar's.
    public var zone: ZoneRules
    /// Non-business days passed over while counting, in counting order.
    public var skipped: [SkippedDay]
    /// `every` of the repeat, for repeat numbers above 0.
    public var repeatEvery: Period?
    public var due: Instant
    public var firedAt: Instant
    public var deliverAt: Instant

    /// Recomputes how `fire` came due, recording what the count passed over.
    public init(fire: Fire, policy: Policy, subject: Subject) {
        let stage = policy.stages[fire.key.step.stage - 1]
        let recorder = SkipRecorder()
        var due = CycleSchedule.due(of: stage, in: policy, anchor: subject.anchor, courtCalendar: subject.courtCalendar, recorder: recorder)
        if fire.key.step.repeatNumber > 0, let rule = stage.repeatRule {
            due = CycleSchedule.repeatDue(due, rule: rule, number: fire.key.step.repeatNumber, recorder: recorder)
            repeatEvery = rule.every
        } else {
            repeatEvery = nil
        }
        self.policy = policy.id
        self.stage = fire.key.step
        self.action = fire.action
        self.clock = policy.clock.name
        self.subject = subject.ref
        self.anchor = subject.anchor
        self.anchorSource = subject.anchorSource.description
        self.offset = stage.offsetText
        self.countedOn = stage.offset.unit == .courtDays ? subject.courtCalendar?.calendar.name ?? stage.counting.name : stage.counting.name
        self.zone = policy.calendar.zone
        self.skipped = recorder.days
        self.due = due
        self.firedAt = fire.firedAt
        self.deliverAt = fire.deliverAt
    }

    /// One paragraph, local times in the policy calendar's zone.
    public var text: String {
        var s = "\(stage.description.prefix(1).uppercased())\(stage.description.dropFirst()) of \(policy) (\(action.rawValue)), "
            + "clock \(clock) on \(subject): anchor \(zone.format(anchor)), \(anchorSource). "
            + "Due \(offset) on calendar \(countedOn)"
        if let every = repeatEvery, stage.repeatNumber > 0 { s += ", repeat \(stage.repeatNumber) every \(every)" }
        s += ": \(zone.format(due))."
        if !skipped.isEmpty {
            s += " Skipped \(skipped.count) non-business day\(skipped.count == 1 ? "" : "s"): "
                + skipped.map { "\($0.date) (\($0.reason))" }.joined(separator: ", ") + "."
        }
        if firedAt != due { s += " Fired at \(zone.format(firedAt)) (after it came due)." }
        if deliverAt != firedAt { s += " Delivered at \(zone.format(deliverAt)), the next business-hours opening." }
        return s
    }
}
