import GRDB
import TicklerCore

extension SQLiteCaseStore: Wakes {
    public func dueCases(at now: Instant, limit: Int) async throws -> [String] {
        try await readTransaction { db in
            try String.fetchAll(db, sql: "SELECT case_id FROM tickler_wake WHERE wake_at <= ? ORDER BY wake_at, case_id LIMIT ?",
                                arguments: [now.seconds, limit])
        }
    }

    public func wakeCount() async throws -> Int {
        try await readTransaction { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tickler_wake") ?? 0 }
    }
}
