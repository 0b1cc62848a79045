/// The one evaluation pipeline: a stored case, with the ledger's facts and the holds of its cycles, becomes
/// a case with its computed deadlines joined (the configuration's deadline rules), then the evaluator's
/// answer. The daemon's tick, its digest, and `plan`, `simulate`, `status`, `diff-config` all go through
/// here, one case at a time (so nothing needs the whole firm at once), and so all see the same thing.
public struct FirmEvaluation: Sendable {
    public let rules: DeadlineRuleSet
    public let evaluator: Evaluator

    public init(policies: [Policy], rules: DeadlineRuleSet, staff: Staff) {
        self.rules = rules
        evaluator = Evaluator(policies: policies, staff: staff)
    }

    public var policies: [Policy] { evaluator.policies }
    public var staff: Staff { evaluator.staff }

    /// The case as the evaluator sees it: the stored one with its computed deadlines.
    public func prepared(_ stored: CaseSnapshot) -> CaseSnapshot { rules.apply(to: stored) }

    /// The tick's question: what fires now, what is skipped, when to look again (`Evaluator.evaluate`).
    public func evaluate(_ stored: CaseSnapshot, ledger: some LedgerFacts, holds: [Snooze], now: Instant) -> Evaluation {
        let c = prepared(stored)
        return Evaluation(case: c, result: evaluator.evaluate(c, ledger: ledger, snoozes: holds, now: now))
    }

    /// `plan`'s question: the open cycles at `now`.
    public func cycles(_ stored: CaseSnapshot, ledger: some LedgerFacts, holds: [Snooze], now: Instant)
        -> (case: CaseSnapshot, cycles: [Evaluator.CycleView]) {
        let c = prepared(stored)
        return (c, evaluator.cycles(of: c, ledger: ledger, snoozes: holds, now: now))
    }

    /// The digest's and `status`'s question: the cycles whose last fired step is still open.
    public func openFollowUps(_ stored: CaseSnapshot, ledger: some LedgerFacts, now: Instant)
        -> (case: CaseSnapshot, open: [OpenFollowUp]) {
        let c = prepared(stored)
        return (c, evaluator.openFollowUps(of: c, ledger: ledger, now: now))
    }

    /// `simulate`'s and `diff-config`'s question: every fire in `[from, to)`, as a daemon that never misses
    /// a wake-up would make them, from `ledger` (empty when nil), which records what fired.
    public func simulate(_ stored: CaseSnapshot, from: Instant, to: Instant, holds: [Snooze], ledger: inout LedgerState?)
        -> [Fire] {
        let simulator = Simulator(evaluator: evaluator)
        let c = prepared(stored)
        guard var carried = ledger else { return simulator.run(c, from: from, to: to, snoozes: holds) }
        defer { ledger = carried }
        return simulator.run(c, from: from, to: to, snoozes: holds, ledger: &carried)
    }

    /// A case's evaluation, with the case as evaluated (computed deadlines joined).
    public struct Evaluation: Sendable {
        public var `case`: CaseSnapshot
        public var result: Evaluator.Evaluation
    }
}
