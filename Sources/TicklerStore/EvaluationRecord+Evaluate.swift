import TicklerCore

extension EvaluationRecord {
    /// Evaluates each case of `chunk` at `now` through the one pipeline: its fires (each with its
    /// explanation), the steps skipped, and its next wake. `visit` sees each case as evaluated (the daemon
    /// keeps its open cases and gauges from it).
    public init(evaluating chunk: EvaluationChunk, with evaluation: FirmEvaluation, now: Instant,
                visit: (CaseSnapshot, Evaluator.Evaluation) -> Void = { _, _ in }) {
        self.init()
        let policies = Dictionary(evaluation.policies.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for stored in chunk.cases {
            let evaluated = evaluation.evaluate(stored, ledger: chunk.ledger, holds: chunk.holds[stored.id] ?? [], now: now)
            let (c, e) = (evaluated.case, evaluated.result)
            visit(c, e)
            wakes.append(CaseWake(caseID: c.id, at: e.nextWakeUp))
            for f in e.fires {
                if let policy = policies[f.policy], let subject = policy.clock.subjects(of: c).first(where: { $0.ref == f.subject }) {
                    explanations[f.fireID] = Explanation(fire: f, policy: policy, subject: subject).text
                }
            }
            fires += e.fires
            skipped += e.skipped
        }
    }
}
