import Foundation
import GRDB
import Testing
import TicklerCore
@testable import TicklerStore

/// A sync that touches more cases than SQLite binds variables (250,000 here) is read like any other.
/// Heavy: run apart from the fast suite (see HeavyKillStormTests).
@Suite struct HeavyLargeChangeSetTests {
    @Test func threeHundredThousandChangedCasesAreReadByOneTick() async throws {
        let n = 300_000
        let store = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        try await store.pool.write { db in
            try db.execute(sql: """
                WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ?)
                INSERT INTO cases (id, number, status, opened_at, updated_at)
                SELECT 'c' || n, 'N-' || n, 'open', '2026-09-01T16:00:00Z', 'x' FROM i;
                INSERT INTO communications (id, case_id, direction, channel, occurred_at)
                VALUES ('m1', 'c299999', 'inbound', 'call', '2026-09-02T16:00:00Z');
                INSERT INTO tickler_holds (case_id, until_at, reason, created_by, created_at)
                VALUES ('c7', '2027-01-01T00:00:00Z', 'r', 'u', '2026-09-01T00:00:00Z');
                """, arguments: [n - 1])
        }
        // What a tick does with the change feed: every query takes the whole set of ids.
        let changes = try await store.changes(after: 0)
        #expect(changes.cases.count == n)
        let ids = Array(changes.cases)
        let snapshot = try await store.snapshot(caseIDs: ids, detail: .evaluation, people: false)
        #expect(snapshot.cases.count == n)
        #expect(snapshot.cases.map(\.id) == snapshot.cases.map(\.id).sorted())
        #expect(snapshot.cases.first { $0.id == "c299999" }?.communications.map(\.id) == ["m1"])
        #expect(try await store.ledgerFacts(caseIDs: ids).highest.isEmpty)
        #expect(try await store.snoozes(caseIDs: ids).map(\.caseID) == ["c7"])
        #expect(try await store.existingIDs(table: "cases", among: Set(ids)).count == n)
        #expect(try await store.snapshot(caseIDs: [], detail: .evaluation, people: false).cases.isEmpty)
    }
}
