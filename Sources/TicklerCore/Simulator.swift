/// Every fire that would happen if the daemon ran from `from` to `to` over an unchanging store.
///
/// Cycles are independent while the data does not change, so each is replayed on its own: decided at
/// `from` (where catch-up collapse applies), then at each instant it next needs, exactly as the
/// evaluator would be asked by a daemon that never misses a wake-up. The window is `[from, to)`.
public struct Simulator: Sendable {
    public let evaluator: Evaluator

    public init(evaluator: Evaluator) { self.evaluator = evaluator }

    /// Fires of one case in `[from, to)`, recording them (and collapsed steps) in `ledger`.
    public func run(_ c: CaseSnapshot, from: Instant, to: Instant, snoozes: [Snooze] = [],
                    ledger: inout LedgerState) -> [Fire] {
        var carried: LedgerState? = ledger
        defer { ledger = carried! }
        return run(c, from: from, to: to, snoozes: snoozes, carrying: &carried)
    }

    /// Fires of one case in `[from, to)` from an empty ledger.
    public func run(_ c: CaseSnapshot, from: Instant, to: Instant, snoozes: [Snooze] = []) -> [Fire] {
        var none: LedgerState?
        return run(c, from: from, to: to, snoozes: snoozes, carrying: &none)
    }

    private func run(_ c: CaseSnapshot, from: Instant, to: Instant, snoozes: [Snooze],
                     carrying ledger: inout LedgerState?) -> [Fire] {
        var fires: [Fire] = []
        guard from < to else { return fires }
        for policy in evaluator.policies where policy.appliesTo.matches(c) {
            for subject in policy.clock.subjects(of: c) {
                let hold = Snooze.hold(snoozes, policy: policy, subject: subject)
                let schedule = CycleSchedule(policy: policy, subject: subject, through: max(to, hold ?? to))
                var recorded = ledger?.highestRecorded(schedule.key)
                var now = from
                while true {
                    let decision = schedule.decide(now: now, recorded: recorded, holdUntil: hold)
                    if let step = decision.fire {
                        fires.append(evaluator.fire(step, of: schedule, policy: policy, case: c, at: now))
                        recorded = step.index
                        ledger?.record(schedule.key, step.index)
                    }
                    guard let next = decision.nextWakeUp, next < to, next > now else { break }
                    now = next
                }
            }
        }
        return fires
    }

    /// The contract's order: (`at`, case, policy, stage, repeat), then subject to make it total.
    public static func precedes(_ a: Fire, _ b: Fire) -> Bool {
        if a.deliverAt != b.deliverAt { return a.deliverAt < b.deliverAt }
        if a.caseID != b.caseID { return a.caseID < b.caseID }
        if a.policy != b.policy { return a.policy < b.policy }
        if a.key.step != b.key.step { return a.key.step < b.key.step }
        return a.subject < b.subject
    }

    public static func sort(_ fires: inout [Fire]) { fires.sort(by: precedes) }
}
