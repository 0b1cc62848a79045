import GRDB
import TicklerCore

extension SQLiteCaseStore {
    /// Records a snooze of `caseID` (one policy, or all) until `until`. The case goes on the change feed,
    /// so the daemon re-evaluates it at its next tick.
    public func snooze(caseID: String, policy: String?, until: Instant, reason: String, by user: String,
                       now: Instant) async throws -> Int64 {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO tickler_holds (kind, case_id, policy, until_at, reason, created_by, created_at)
                VALUES ('snooze', ?, ?, ?, ?, ?, ?)
                """, arguments: [caseID, policy, until.rfc3339, reason, user, now.rfc3339])
            let id = db.lastInsertedRowID
            try Self.touch(db, caseID)
            return id
        }
    }

    /// Records an ack of `fire`: the later stages of its cycle wait until `until`.
    public func ack(_ fire: LedgerEntry, until: Instant, reason: String, by user: String, now: Instant) async throws -> Int64 {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO tickler_holds (kind, case_id, policy, subject, anchor_at, fire_id, until_at, reason, created_by,
                    created_at)
                VALUES ('ack', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [fire.caseID, fire.key.cycle.policy, fire.key.cycle.subject.description,
                                 fire.key.cycle.anchor.rfc3339, fire.fireID, until.rfc3339, reason, user, now.rfc3339])
            let id = db.lastInsertedRowID
            try Self.touch(db, fire.caseID)
            return id
        }
    }

    /// Ends hold `id` now; false when there is no such hold in force.
    public func endHold(id: Int64, now: Instant) async throws -> Bool {
        try await write { db in
            guard let caseID = try Row.fetchOne(db, sql: "SELECT case_id FROM tickler_holds WHERE id = ? AND ended_at IS NULL",
                                                arguments: [id])?.text(0) else { return false }
            try db.execute(sql: "UPDATE tickler_holds SET ended_at = ? WHERE id = ?", arguments: [now.rfc3339, id])
            try Self.touch(db, caseID)
            return true
        }
    }

    /// The holds, oldest first: those in force at `now` (not ended, not run out), or all with `all`.
    public func holds(caseID: String? = nil, now: Instant, all: Bool = false) async throws -> [HoldRecord] {
        try await pool.read { db in
            var conditions: [String] = []
            var args = StatementArguments()
            if let caseID { conditions.append("case_id = ?"); args += [caseID] }
            if !all { conditions.append("ended_at IS NULL AND until_at > ?"); args += [now.rfc3339] }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT id, kind, case_id, policy, subject, fire_id, until_at, reason, created_by, created_at, ended_at
                FROM tickler_holds \(filter) ORDER BY id
                """, arguments: args).compactMap { r in
                guard let id = r.int64(0), let kind = r.text(1).flatMap(HoldRecord.Kind.init(rawValue:)), let caseID = r.text(2),
                      let until = r.text(6).flatMap(RFC3339.parse), let created = r.text(9).flatMap(RFC3339.parse) else { return nil }
                return HoldRecord(id: id, kind: kind, caseID: caseID, policy: r.text(3), subject: r.text(4), fireID: r.text(5),
                                  until: until, reason: r.text(7) ?? "", createdBy: r.text(8) ?? "", createdAt: created,
                                  endedAt: r.text(10).flatMap(RFC3339.parse))
            }
        }
    }

    /// Puts `caseID` on the change feed: the daemon evaluates it again at its next tick.
    static func touch(_ db: Database, _ caseID: String) throws {
        try db.execute(sql: "INSERT INTO tickler_changes (table_name, case_id) VALUES ('tickler_holds', ?)", arguments: [caseID])
    }
}
