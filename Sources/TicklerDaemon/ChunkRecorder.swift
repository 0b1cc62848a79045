import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerStore

/// The one loop from a chunk of cases to the journal, on either store: evaluate each case (its fires, each
/// with its explanation, the steps it skipped, its next wake), let the store record that in one
/// transaction (its own business: a plain commit on SQLite, a claim on PostgreSQL), then journal the fires
/// the store says are new. Both tick engines use it; neither store evaluates anything.
struct ChunkRecorder: Sendable {
    let evaluation: FirmEvaluation
    let policies: [String: Policy]
    let events: EventLog

    /// `policies`: the configuration's, by id (the daemon keeps them so).
    init(config: Configuration, policies: [String: Policy], staff: Staff, events: EventLog) {
        self.evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: staff)
        self.policies = policies
        self.events = events
    }

    /// Evaluates each case of `chunk` at `now`: what fires (with explanations), what is skipped, and each
    /// case's next wake. `visit` sees each case as evaluated (the daemon keeps its open cases and gauges).
    func evaluate(_ chunk: EvaluationChunk, now: Instant,
                  visit: (CaseSnapshot, Evaluator.Evaluation) -> Void = { _, _ in }) -> EvaluationRecord {
        var record = EvaluationRecord()
        for stored in chunk.cases {
            let evaluated = evaluation.evaluate(stored, ledger: chunk.ledger, holds: chunk.holds[stored.id] ?? [], now: now)
            let (c, e) = (evaluated.case, evaluated.result)
            visit(c, e)
            record.wakes.append(CaseWake(caseID: c.id, at: e.nextWakeUp))
            for f in e.fires {
                if let policy = policies[f.policy], let subject = policy.clock.subjects(of: c).first(where: { $0.ref == f.subject }) {
                    record.explanations[f.fireID] = Explanation(fire: f, policy: policy, subject: subject).text
                }
            }
            record.fires += e.fires
            record.skipped += e.skipped
        }
        return record
    }

    /// Journals fires the store has committed, in order, each marked in the ledger once journald took it
    /// (and, for a fire redirected from an inactive recipient, the redirection). `resent`: fires of an
    /// earlier tick or run whose entries were never marked. Returns how many were journaled; fewer than
    /// given when journald refuses one (the rest are sent again later).
    func journal(_ fires: [Fire], explanations: [String: String], resent: Bool = false, on ledger: any Ledger) async throws -> Int {
        if fires.isEmpty { return 0 }
        let events = self.events
        return try await ledger.journal(fires) { f in
            guard events.fired(f, explanation: explanations[f.fireID], resent: resent) else { return false }
            if !resent && !f.redirectedFrom.isEmpty { events.redirected(f, to: f.recipients) }
            return true
        }
    }
}
