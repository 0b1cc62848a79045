import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// Staff tasks on PostgreSQL. Closing one wakes its case in the same transaction.
extension PostgresCaseStore: StaffTasks {
    public func staffTasks(caseID: String?, includeDone: Bool) async throws -> [StaffTask] {
        try await rows("""
            SELECT id, case_id, contact_id, fire_id, reason, created_at, done_at, done_by, done_reason FROM tickler_staff_tasks
            WHERE (\(caseID)::text IS NULL OR case_id = \(caseID)) AND (\(includeDone) OR done_at IS NULL)
            ORDER BY created_at, id
            """).compactMap(Self.staffTask)
    }

    public func closeStaffTask(id: String, by user: String, reason: String, now: Instant) async throws -> StaffTask? {
        try await transaction { c in
            let closed = try await c.run("""
                UPDATE tickler_staff_tasks SET done_at = \(now.date), done_by = \(user), done_reason = \(reason)
                WHERE id = \(id) AND done_at IS NULL RETURNING case_id
                """, logger: Self.logger).collect()
            guard let row = try await c.run("""
                SELECT id, case_id, contact_id, fire_id, reason, created_at, done_at, done_by, done_reason
                FROM tickler_staff_tasks WHERE id = \(id)
                """, logger: Self.logger).collect().first, let task = Self.staffTask(row) else { return nil }
            if !closed.isEmpty { try await Self.wake([task.caseID], on: c) }
            return task
        }
    }

    private static func staffTask(_ r: PostgresRow) -> StaffTask? {
        guard let (id, caseID, contact, fire, reason, created, done, by, why) =
            try? r.decode((String, String, String?, String?, String, Date, Date?, String?, String?).self) else { return nil }
        return StaffTask(id: id, caseID: caseID, contactID: contact, fireID: fire, reason: reason, createdAt: Instant(created),
                         doneAt: done.map(Instant.init), doneBy: by, doneReason: why)
    }
}
