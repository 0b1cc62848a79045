import GRDB
import TicklerCore

extension SQLiteCaseStore: StaffTasks {
    public func staffTasks(caseID: String?, includeDone: Bool) async throws -> [StaffTask] {
        try await pool.read { db in
            var conditions: [String] = []
            var args: StatementArguments = []
            if let caseID { conditions.append("case_id = ?"); args += [caseID] }
            if !includeDone { conditions.append("done_at IS NULL") }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT id, case_id, contact_id, fire_id, reason, created_at, done_at, done_by, done_reason
                FROM tickler_staff_tasks\(filter) ORDER BY created_at, id
                """, arguments: args).compactMap(Self.staffTask)
        }
    }

    public func closeStaffTask(id: String, by user: String, reason: String, now: Instant) async throws -> StaffTask? {
        try await write { db in
            try db.execute(sql: """
                UPDATE tickler_staff_tasks SET done_at = ?, done_by = ?, done_reason = ? WHERE id = ? AND done_at IS NULL
                """, arguments: [now.rfc3339, user, reason, id])
            let closed = db.changesCount > 0
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, case_id, contact_id, fire_id, reason, created_at, done_at, done_by, done_reason
                FROM tickler_staff_tasks WHERE id = ?
                """, arguments: [id]), let task = Self.staffTask(row) else { return nil }
            if closed {
                try db.execute(sql: "INSERT INTO tickler_changes (table_name, case_id) VALUES ('tickler_staff_tasks', ?)",
                               arguments: [task.caseID])
            }
            return task
        }
    }

    private static func staffTask(_ r: Row) -> StaffTask? {
        guard let id = r.text(0), let caseID = r.text(1), let created = r.text(5).flatMap(RFC3339.parse) else { return nil }
        return StaffTask(id: id, caseID: caseID, contactID: r.text(2), fireID: r.text(3), reason: r.text(4) ?? "", createdAt: created,
                         doneAt: r.text(6).flatMap(RFC3339.parse), doneBy: r.text(7), doneReason: r.text(8))
    }
}
