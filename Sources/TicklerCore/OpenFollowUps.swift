/// A follow-up that fired and is still open: its cycle's subject is unresolved and its anchor has not
/// moved. The daily digest lists these, per person, oldest first.
public struct OpenFollowUp: Sendable, Equatable {
    public var caseID: String
    public var caseNumber: String
    public var policy: String
    /// The highest step of the cycle that fired.
    public var step: StepIndex
    public var action: Stage.Action
    public var due: Instant
    /// Who that step notifies now (inactive people replaced by their managers).
    public var recipients: [String]
}

extension Evaluator {
    /// The open cycles of `c` at `now` whose highest recorded step has fired.
    public func openFollowUps(of c: CaseSnapshot, ledger: some LedgerFacts, now: Instant) -> [OpenFollowUp] {
        var out: [OpenFollowUp] = []
        for view in cycles(of: c, ledger: ledger, now: now) {
            guard let highest = ledger.highestRecorded(view.schedule.key),
                  let step = view.schedule.steps.first(where: { $0.index == highest }) else { continue }
            let f = fire(step, of: view.schedule, policy: view.policy, case: c, at: now)
            out.append(OpenFollowUp(caseID: c.id, caseNumber: c.number, policy: view.policy.id, step: highest,
                                    action: f.action, due: step.due, recipients: f.recipients))
        }
        return out
    }
}
