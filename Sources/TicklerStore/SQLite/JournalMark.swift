import GRDB
import TicklerCore

/// A recorded fire's journal entry, tracked like a delivery: `journaled` is set once journald took the
/// entry, so a fire recorded just before a crash is journaled at the next start, never lost.
extension SQLiteCaseStore {
    /// Journals `fires` in order with `send`, marking each right after `send` says its entry was written,
    /// one commit per fire: a crash leaves at most one fire journaled and not marked (it is journaled once
    /// more at the next start). Stops at the first entry not written; the rest stay unmarked, to be sent
    /// again. Returns how many were marked.
    @discardableResult
    public func journal(_ fires: [Fire], send: @escaping @Sendable (Fire) -> Bool) async throws -> Int {
        if fires.isEmpty { return 0 }
        return try await writeWithoutTransaction { db in
            let mark = try db.cachedStatement(sql: "UPDATE tickler_ledger SET journaled = 1 WHERE fire_id = ? AND outcome = 'fired'")
            var marked = 0
            for f in fires {
                guard send(f) else { break }
                try mark.execute(arguments: [f.fireID])
                marked += 1
            }
            return marked
        }
    }

    /// Fires recorded and not yet journaled, oldest first, at most `limit`, each with its explanation. A
    /// row that cannot be read back is marked (it cannot be journaled) and its printable id returned.
    public func unjournaledFires(limit: Int) async throws -> (fires: [(Fire, explanation: String?)], unreadable: [String]) {
        // A read: it runs at every tick, and most ticks find nothing (the partial index holds only what is
        // unmarked). Only rows that cannot be read back are written, to mark them.
        let (fires, unreadable, rowids) = try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT l.rowid, l.fire_id, l.policy, l.subject, l.anchor_at, l.stage, l.repeat, l.case_id, l.action,
                    l.due_at, l.fired_at, l.deliver_at, l.recipients, l.channels, l.explanation, c.number
                FROM tickler_ledger l LEFT JOIN cases c ON c.id = l.case_id
                WHERE l.journaled = 0 ORDER BY l.recorded_at, l.rowid LIMIT ?
                """, arguments: [limit])
            var fires: [(Fire, explanation: String?)] = []
            var unreadable: [String] = []
            var rowids: [Int64] = []
            for row in rows {
                if let fire = Self.unjournaledFire(row) {
                    fires.append((fire, row.text(14)))
                } else {
                    let rowid = row.int64(0) ?? 0
                    unreadable.append(row.text(1) ?? "rowid \(rowid)")
                    rowids.append(rowid)
                }
            }
            return (fires, unreadable, rowids)
        }
        if !rowids.isEmpty {
            try await write { db in
                for rowid in rowids { try db.execute(sql: "UPDATE tickler_ledger SET journaled = 1 WHERE rowid = ?", arguments: [rowid]) }
            }
        }
        return (fires, unreadable)
    }

    private static func unjournaledFire(_ row: Row) -> Fire? {
        guard let policy = row.text(2), let subject = row.text(3).flatMap(SubjectRef.init(parsing:)),
              let anchor = row.text(4).flatMap(RFC3339.parse), let stage = row.integer(5), let rep = row.integer(6),
              let caseID = row.text(7), let action = row.text(8).flatMap(Stage.Action.init(rawValue:)),
              let due = row.text(9).flatMap(RFC3339.parse), let fired = row.text(10).flatMap(RFC3339.parse),
              let deliver = row.text(11).flatMap(RFC3339.parse) else { return nil }
        let key = FireKey(cycle: CycleKey(policy: policy, subject: subject, anchor: anchor), step: StepIndex(stage: stage, repeat: rep))
        guard row.text(1) == key.fireID else { return nil }
        return Fire(key: key, caseID: caseID, caseNumber: row.text(15) ?? caseID, due: due, firedAt: fired, deliverAt: deliver,
                    action: action, recipients: row.text(12).flatMap(JSONText.parseArray) ?? [],
                    channels: row.text(13).flatMap(JSONText.parseArray) ?? [])
    }
}
