import Foundation
import GRDB
import Testing
import TicklerCore
@testable import TicklerStore

/// A store of an earlier schema keeps its rows through the migrations.
@Suite struct MigrationTests {
    @Test func holdsAndQueuedDeliveriesSurviveTheRenamesOfVersion8() async throws {
        let path = temporaryDirectory() + "/v7.db"
        let t0 = RFC3339.parse("2026-09-01T16:00:00Z")!
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v7-journal-mark")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO cases (id, number, status, opened_at, updated_at) VALUES ('c1', 'N-1', 'open', '2026-09-01T16:00:00Z', '2026-09-01T16:00:00Z');
                    INSERT INTO tickler_snoozes (case_id, policy, until_at, reason, created_by, created_at)
                        VALUES ('c1', NULL, '2026-09-30T16:00:00Z', 'abroad', 'u', '2026-09-01T16:00:00Z');
                    INSERT INTO tickler_digests (id, person_id, day, items, created_at)
                        VALUES ('dg1', 'p1', '2026-09-02', '[]', '2026-09-02T15:00:00Z');
                    INSERT INTO tickler_deliveries (kind, fire_id, recipient, channel, next_attempt_at)
                        VALUES ('digest', 'dg1', 'p1', 'email', '2026-09-02T15:00:00Z');
                    """)
            }
        }
        let store = try SQLiteCaseStore(path: path, create: false)
        #expect(try await store.snoozes(caseIDs: ["c1"]).map(\.until) == [t0.adding(seconds: 29 * 86_400)])
        #expect(try await store.deliveries().map { "\($0.kind) \($0.sourceID)" } == ["digest dg1"])
        let tables = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables.contains("tickler_holds") && !tables.contains("tickler_snoozes"))
    }
}
