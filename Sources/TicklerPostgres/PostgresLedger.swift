import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

extension PostgresCaseStore: Ledger {
    public func record(fires: [Fire], skipped: [SkippedStep], explanations: [String: String], channels: [String: ChannelSettings],
                       wakes: [CaseWake], now: Instant) async throws -> [Fire] {
        try await transaction { c in
            let recorded = try await Self.insert(fires: fires, skipped: skipped, explanations: explanations, channels: channels,
                                                 now: now, by: instance, on: c)
            try await Self.setWakes(wakes, on: c)
            return recorded
        }
    }

    /// Inserts the ledger rows of `fires` and `skipped` (a key already there is left as it is), and queues
    /// and outboxes the fires newly inserted, on `c` in its transaction: a few statements, whatever the
    /// number of fires. Returns the fires newly recorded, in the order given.
    static func insert(fires: [Fire], skipped: [SkippedStep], explanations: [String: String], channels: [String: ChannelSettings],
                       now: Instant, by instance: String, on c: PostgresConnection) async throws -> [Fire] {
        let at = now.date
        if !skipped.isEmpty {
            try await c.run("""
                INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at,
                    recorded_at, recorded_by, journaled)
                SELECT u.fire_id, u.policy, u.subject, u.anchor_at, u.stage, u.repeat, u.case_id, 'skipped', u.due, \(at), \(at),
                    \(instance), true
                FROM unnest(\(skipped.map(\.key.fireID)), \(skipped.map(\.key.cycle.policy)),
                            \(skipped.map(\.key.cycle.subject.description)), \(skipped.map(\.key.cycle.anchor.date)),
                            \(skipped.map(\.key.step.stage)), \(skipped.map(\.key.step.repeatNumber)), \(skipped.map(\.caseID)),
                            \(skipped.map(\.due.date))) AS u(fire_id, policy, subject, anchor_at, stage, repeat, case_id, due)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if fires.isEmpty { return [] }
        var inserted = Set<String>()
        let rows = try await c.run("""
            INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action, due_at,
                fired_at, deliver_at, recipients, channels, explanation, recorded_at, recorded_by, journaled)
            SELECT u.fire_id, u.policy, u.subject, u.anchor_at, u.stage, u.repeat, u.case_id, 'fired', u.action, u.due_at,
                u.fired_at, u.deliver_at, u.recipients::jsonb, u.channels::jsonb, NULLIF(u.explanation, ''), \(at), \(instance), false
            FROM unnest(\(fires.map(\.fireID)), \(fires.map(\.policy)), \(fires.map(\.subject.description)),
                        \(fires.map(\.key.cycle.anchor.date)), \(fires.map(\.key.step.stage)), \(fires.map(\.key.step.repeatNumber)),
                        \(fires.map(\.caseID)), \(fires.map(\.action.rawValue)), \(fires.map(\.due.date)), \(fires.map(\.firedAt.date)),
                        \(fires.map(\.deliverAt.date)), \(fires.map { JSONText.array($0.recipients) }),
                        \(fires.map { JSONText.array($0.channels) }), \(fires.map { explanations[$0.fireID] ?? "" }))
                AS u(fire_id, policy, subject, anchor_at, stage, repeat, case_id, action, due_at, fired_at, deliver_at, recipients,
                     channels, explanation)
            ON CONFLICT DO NOTHING
            RETURNING fire_id
            """, logger: logger)
        for try await id in rows.decode(String.self) { inserted.insert(id) }
        let recorded = fires.filter { inserted.contains($0.fireID) }
        var queued: (source: [String], recipient: [String], channel: [String], notBefore: [Date]) = ([], [], [], [])
        var outboxed: (fire: [String], channel: [String], include: [Bool], index: [Int]) = ([], [], [], [])
        for (i, f) in recorded.enumerated() {
            let plan = DeliveryPlan(f, channels: channels)
            for q in plan.queued {
                queued.source.append(f.fireID)
                queued.recipient.append(q.recipient)
                queued.channel.append(q.channel)
                queued.notBefore.append(q.notBefore.date)
            }
            for o in plan.outboxed {
                outboxed.fire.append(f.fireID)
                outboxed.channel.append(o.channel)
                outboxed.include.append(o.includeClient)
                outboxed.index.append(i)
            }
        }
        if !queued.source.isEmpty {
            try await c.run("""
                INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at)
                SELECT 'fire', u.* FROM unnest(\(queued.source), \(queued.recipient), \(queued.channel), \(queued.notBefore)) AS u
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if !outboxed.fire.isEmpty {
            let fs = outboxed.index.map { recorded[$0] }
            try await c.run("""
                INSERT INTO tickler_outbox (fire_id, channel, case_id, case_number, client_name, policy, stage, repeat, action,
                    subject, due_at, deliver_at, recipients, explanation, created_at)
                SELECT u.fire_id, u.channel, u.case_id, u.case_number, CASE WHEN u.include THEN c.client_name END, u.policy,
                    u.stage, u.repeat, u.action, u.subject, u.due_at, u.deliver_at, u.recipients::jsonb,
                    NULLIF(u.explanation, ''), \(at)
                FROM unnest(\(outboxed.fire), \(outboxed.channel), \(fs.map(\.caseID)), \(fs.map(\.caseNumber)), \(outboxed.include),
                            \(fs.map(\.policy)), \(fs.map(\.key.step.stage)), \(fs.map(\.key.step.repeatNumber)),
                            \(fs.map(\.action.rawValue)), \(fs.map(\.subject.description)), \(fs.map(\.due.date)),
                            \(fs.map(\.deliverAt.date)), \(fs.map { JSONText.array($0.recipients) }),
                            \(fs.map { explanations[$0.fireID] ?? "" }))
                    AS u(fire_id, channel, case_id, case_number, include, policy, stage, repeat, action, subject, due_at, deliver_at,
                         recipients, explanation)
                LEFT JOIN cases c ON c.id = u.case_id
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        return recorded
    }

    /// Sets (or, for a nil wake, clears) the wakes of their cases, on `c` in its transaction.
    static func setWakes(_ wakes: [CaseWake], on c: PostgresConnection) async throws {
        let set = wakes.filter { $0.at != nil }, clear = wakes.filter { $0.at == nil }.map(\.caseID)
        if !set.isEmpty {
            try await c.run("""
                INSERT INTO tickler_wake (case_id, wake_at) SELECT * FROM unnest(\(set.map(\.caseID)), \(set.map { $0.at!.date }))
                ON CONFLICT (case_id) DO UPDATE SET wake_at = excluded.wake_at
                """, logger: logger)
        }
        if !clear.isEmpty {
            try await c.run("DELETE FROM tickler_wake WHERE case_id = ANY(\(clear))", logger: logger)
        }
    }

    /// Fires journaled and marked per transaction: a crash repeats at most this many entries.
    static let journalBatch = 64

    /// Journals each fire that no instance has journaled or is journaling, in `fires`' order: a batch of
    /// rows is locked (`SKIP LOCKED`) while their entries are written and marked, so two instances taking
    /// over a dead one's fires never both write an entry, and a crash repeats at most the entries of the
    /// batch it caught between writing and committing. Stops at the first entry journald refuses.
    ///
    /// The marks are committed without waiting for the WAL flush (`synchronous_commit = off`): a mark lost
    /// to a crash of the database only repeats its entry, the at-least-once the journal already has, and
    /// waiting would cost a disk flush per batch. One fire a transaction (five statements) kept an instance
    /// to about 650 entries a second, which a burst's journaling then took minutes at.
    public func journal(_ fires: [Fire], send: @escaping @Sendable (Fire) -> Bool) async throws -> Int {
        var marked = 0
        for start in stride(from: 0, to: fires.count, by: Self.journalBatch) {
            let batch = fires[start..<min(fires.count, start + Self.journalBatch)]
            let (sent, refused) = try await session { c in
                try await c.run("BEGIN", logger: Self.logger)
                do {
                    try await c.run("SET LOCAL synchronous_commit = off", logger: Self.logger)
                    var mine = Set<String>()
                    for try await id in try await c.run("""
                        SELECT fire_id FROM tickler_ledger WHERE fire_id = ANY(\(batch.map(\.fireID))) AND NOT journaled
                        FOR UPDATE SKIP LOCKED
                        """, logger: Self.logger).decode(String.self) { mine.insert(id) }
                    var sent: [String] = []
                    var refused = false
                    for f in batch where mine.contains(f.fireID) {
                        guard send(f) else {
                            refused = true
                            break
                        }
                        sent.append(f.fireID)
                    }
                    if !sent.isEmpty {
                        try await c.run("UPDATE tickler_ledger SET journaled = true WHERE fire_id = ANY(\(sent))", logger: Self.logger)
                    }
                    try await c.run("COMMIT", logger: Self.logger)
                    return (sent.count, refused)
                } catch {
                    _ = try? await c.run("ROLLBACK", logger: Self.logger)
                    throw error
                }
            }
            marked += sent
            if refused { break }
        }
        return marked
    }

    /// How long a fire may stay unjournaled before any instance journals it: the instance that recorded it
    /// journals it right after its commit. Another takes it over at once when the recorder has no session
    /// left (it died between its commit and its entry: its sessions are named after it), or after this
    /// long in any case. At least once: a recorder that is only slow may write the entry too.
    static let journalGrace: Int64 = 60

    public func unjournaledFires(limit: Int) async throws -> (fires: [(Fire, explanation: String?)], unreadable: [String]) {
        let instance = self.instance
        let rows = try await rows("""
            SELECT l.fire_id, l.policy, l.subject, l.anchor_at, l.stage, l.repeat, l.case_id, l.action, l.due_at, l.fired_at,
                l.deliver_at, l.recipients::text, l.channels::text, l.explanation, c.number
            FROM tickler_ledger l LEFT JOIN cases c ON c.id = l.case_id
            WHERE NOT l.journaled
              AND (l.recorded_by = \(instance) OR l.recorded_at <= clock_timestamp() - make_interval(secs => \(Self.journalGrace))
                   OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = left(l.recorded_by, 63)))
            ORDER BY l.recorded_at, l.fire_id LIMIT \(limit)
            """)
        var fires: [(Fire, explanation: String?)] = []
        var unreadable: [String] = []
        for row in rows {
            guard let (id, policy, subject, anchor, stage, rep, caseID, actionText, due, fired, deliver, recipients, channelList,
                       explanation, number) =
                try? row.decode((String, String, String, Date, Int, Int, String, String?, Date, Date, Date?, String?, String?, String?,
                                 String?).self),
                let ref = SubjectRef(parsing: subject), let action = actionText.flatMap(Stage.Action.init(rawValue:)), let deliver
            else {
                let id = (try? row.decode(String.self)) ?? ""
                unreadable.append(id)
                _ = try? await self.rows("UPDATE tickler_ledger SET journaled = true WHERE fire_id = \(id)")
                continue
            }
            let key = FireKey(cycle: CycleKey(policy: policy, subject: ref, anchor: Instant(anchor)), step: StepIndex(stage: stage, repeat: rep))
            guard key.fireID == id else {
                unreadable.append(id)
                _ = try? await self.rows("UPDATE tickler_ledger SET journaled = true WHERE fire_id = \(id)")
                continue
            }
            fires.append((Fire(key: key, caseID: caseID, caseNumber: number ?? caseID, due: Instant(due), firedAt: Instant(fired),
                               deliverAt: Instant(deliver), action: action,
                               recipients: recipients.flatMap(JSONText.parseArray) ?? [],
                               channels: channelList.flatMap(JSONText.parseArray) ?? []), explanation))
        }
        return (fires, unreadable)
    }

    public func ledger(caseID: String?, policy: String?, since: Instant?) async throws -> [LedgerEntry] {
        // Each filter is bound, NULL when not given.
        try await rows("""
            SELECT \(unescaped: Self.entryColumns) FROM tickler_ledger
            WHERE (\(caseID)::text IS NULL OR case_id = \(caseID)) AND (\(policy)::text IS NULL OR policy = \(policy))
              AND (\(since?.date)::timestamptz IS NULL OR fired_at >= \(since?.date))
            ORDER BY fired_at, case_id, policy, stage, repeat
            """).compactMap(Self.ledgerEntry)
    }

    public func ledgerEntry(fireID: String) async throws -> LedgerEntry? {
        try await rows("SELECT \(unescaped: Self.entryColumns) FROM tickler_ledger WHERE fire_id = \(fireID) AND outcome = 'fired'").first.flatMap(Self.ledgerEntry)
    }

    public func fireIDs(prefix: String, limit: Int) async throws -> [String] {
        try await rows("""
            SELECT fire_id FROM tickler_ledger WHERE fire_id >= \(prefix) AND fire_id < \(prefix + "g") AND outcome = 'fired' ORDER BY fire_id LIMIT \(limit)
            """).map { try $0.decode(String.self) }
    }

    private static let entryColumns = """
        fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at, action, recipients::text,
        deliver_at, explanation
        """

    private static func ledgerEntry(_ row: PostgresRow) -> LedgerEntry? {
        guard let (fireID, policy, subject, anchor, stage, rep, caseID, outcome, due, fired, action, recipients, deliver, explanation) =
            try? row.decode((String, String, String, Date, Int, Int, String, String, Date, Date, String?, String?, Date?, String?).self),
            let ref = SubjectRef(parsing: subject), let outcome = LedgerEntry.Outcome(rawValue: outcome) else { return nil }
        let key = FireKey(cycle: CycleKey(policy: policy, subject: ref, anchor: Instant(anchor)), step: StepIndex(stage: stage, repeat: rep))
        return LedgerEntry(fireID: fireID, key: key, caseID: caseID, outcome: outcome, due: Instant(due), firedAt: Instant(fired),
                           action: action.flatMap(Stage.Action.init(rawValue:)), recipients: recipients.flatMap(JSONText.parseArray) ?? [],
                           deliverAt: deliver.map(Instant.init), explanation: explanation)
    }
}
