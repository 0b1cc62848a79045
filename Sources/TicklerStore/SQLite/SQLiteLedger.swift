import GRDB
import TicklerCore

/// The ledger on SQLite: fires and skipped steps recorded once with their deliveries and wakes, read back by
/// case, policy, time, id or a prefix of it.
extension SQLiteCaseStore {
    /// Records fires and skipped steps, each once: a key already in the ledger is left as it is. In the same
    /// transaction, a newly recorded fire is queued and written to its outbox channels as its
    /// `DeliveryPlan` (decided in the core) says, and the cases' wakes are set (or cleared). Returns the
    /// fires that were newly recorded.
    public func record(fires: [Fire], skipped: [SkippedStep], explanations: [String: String] = [:],
                       channels: [String: ChannelSettings] = [:], wakes: [CaseWake] = [], now: Instant) async throws -> [Fire] {
        try await write { db in
            var recorded: [Fire] = []
            let sql = """
                INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action,
                    due_at, fired_at, deliver_at, recipients, channels, explanation, recorded_at, journaled)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """
            let statement = try db.cachedStatement(sql: sql)
            let enqueue = try db.cachedStatement(sql: """
                INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at) VALUES ('fire', ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            let outbox = try db.cachedStatement(sql: """
                INSERT INTO tickler_outbox (fire_id, channel, case_id, case_number, client_name, policy, stage, repeat, action,
                    subject, due_at, deliver_at, recipients, explanation, created_at)
                VALUES (?, ?, ?, ?, (SELECT client_name FROM cases WHERE id = ? AND ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            for s in skipped {
                try statement.execute(arguments: [
                    s.key.fireID, s.key.cycle.policy, s.key.cycle.subject.description, s.key.cycle.anchor.rfc3339,
                    s.key.step.stage, s.key.step.repeatNumber, s.caseID, "skipped", nil, s.due.rfc3339, now.rfc3339, nil,
                    nil, nil, nil, now.rfc3339, true,
                ])
            }
            for f in fires {
                let id = f.fireID
                let recipients = JSONText.array(f.recipients)
                try statement.execute(arguments: [
                    id, f.policy, f.subject.description, f.key.cycle.anchor.rfc3339, f.key.step.stage,
                    f.key.step.repeatNumber, f.caseID, "fired", f.action.rawValue, f.due.rfc3339, f.firedAt.rfc3339,
                    f.deliverAt.rfc3339, recipients, JSONText.array(f.channels), explanations[id],
                    now.rfc3339, false,
                ])
                guard db.changesCount > 0 else { continue }
                recorded.append(f)
                let plan = DeliveryPlan(f, channels: channels)
                for q in plan.queued {
                    try enqueue.execute(arguments: [id, q.recipient, q.channel, q.notBefore.rfc3339])
                }
                for o in plan.outboxed {
                    try outbox.execute(arguments: [
                        id, o.channel, f.caseID, f.caseNumber, f.caseID, o.includeClient, f.policy, f.key.step.stage,
                        f.key.step.repeatNumber, f.action.rawValue, f.subject.description, f.due.rfc3339,
                        f.deliverAt.rfc3339, recipients, explanations[id], now.rfc3339,
                    ])
                }
            }
            try Self.setWakes(wakes, db)
            return recorded
        }
    }

    static func setWakes(_ wakes: [CaseWake], _ db: Database) throws {
        if wakes.isEmpty { return }
        let set = try db.cachedStatement(sql: """
            INSERT INTO tickler_wake (case_id, wake_at) VALUES (?, ?) ON CONFLICT(case_id) DO UPDATE SET wake_at = excluded.wake_at
            """)
        let clear = try db.cachedStatement(sql: "DELETE FROM tickler_wake WHERE case_id = ?")
        for w in wakes {
            if let at = w.at { try set.execute(arguments: [w.caseID, at.seconds]) } else { try clear.execute(arguments: [w.caseID]) }
        }
    }

    /// The ledger, oldest first, optionally for one case, one policy, from one instant.
    public func ledger(caseID: String? = nil, policy: String? = nil, since: Instant? = nil) async throws -> [LedgerEntry] {
        try await pool.read { db in
            var conditions: [String] = []
            var args = StatementArguments()
            if let caseID { conditions.append("case_id = ?"); args += [caseID] }
            if let policy { conditions.append("policy = ?"); args += [policy] }
            if let since { conditions.append("fired_at >= ?"); args += [since.rfc3339] }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at,
                    action, recipients, deliver_at, explanation
                FROM tickler_ledger \(filter) ORDER BY fired_at, case_id, policy, stage, repeat
                """, arguments: args)
            return rows.compactMap { Self.ledgerEntry($0) }
        }
    }

    /// One fire of the ledger by its id (a skipped step is not looked up by id: nothing was sent for it).
    public func ledgerEntry(fireID: String) async throws -> LedgerEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at,
                    action, recipients, deliver_at, explanation
                FROM tickler_ledger WHERE fire_id = ? AND outcome = 'fired'
                """, arguments: [fireID]).flatMap { Self.ledgerEntry($0) }
        }
    }

    public func fireIDs(prefix: String, limit: Int) async throws -> [String] {
        try await pool.read { db in
            // A range on the key (fire ids are hex digits: every one with the prefix sorts below prefix + "g").
            try String.fetchAll(db, sql: "SELECT fire_id FROM tickler_ledger WHERE fire_id >= ? AND fire_id < ? AND outcome = 'fired' ORDER BY fire_id LIMIT ?",
                                arguments: [prefix, prefix + "g", limit])
        }
    }

    static func ledgerEntry(_ row: Row) -> LedgerEntry? {
        guard let fireID = row.text(0), let policy = row.text(1), let subject = row.text(2).flatMap(SubjectRef.init(parsing:)),
              let anchor = row.text(3).flatMap(RFC3339.parse), let stage = row.integer(4), let rep = row.integer(5),
              let caseID = row.text(6), let outcome = row.text(7).flatMap(LedgerEntry.Outcome.init(rawValue:)),
              let due = row.text(8).flatMap(RFC3339.parse), let fired = row.text(9).flatMap(RFC3339.parse) else { return nil }
        let key = FireKey(cycle: CycleKey(policy: policy, subject: subject, anchor: anchor), step: StepIndex(stage: stage, repeat: rep))
        return LedgerEntry(fireID: fireID, key: key, caseID: caseID, outcome: outcome, due: due, firedAt: fired,
                           action: row.text(10).flatMap(Stage.Action.init(rawValue:)),
                           recipients: row.text(11).flatMap(JSONText.parseArray) ?? [],
                           deliverAt: row.text(12).flatMap(RFC3339.parse), explanation: row.text(13))
    }
}
