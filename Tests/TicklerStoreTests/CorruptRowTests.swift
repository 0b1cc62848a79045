import Foundation
import GRDB
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// Whatever an integration writes into the case tables, reading the store never stops the process: an
/// unreadable row is skipped and reported (ids only), and every other row reads as before.
@Suite struct CorruptRowTests {
    static let opened = RFC3339.parse("2026-09-01T16:00:00Z")!

    /// A store with one good case (c0, with a good communication) and the whole corpus written beside it.
    static func corruptStore() async throws -> SQLiteCaseStore {
        let store = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", role: "paralegal"))]
        let c0 = CaseSnapshot(id: "c0", number: "N-0", status: .open, assigneeID: "p1", openedAt: opened)
        batch.cases = [.init(source: "t", record: .init(fields: c0, updatedAt: nil))]
        batch.communications = [.init(source: "t", caseID: "c0", record: Communication(
            id: "m-good", direction: .inbound, channel: .call, occurredAt: opened))]
        try await store.write(batch, now: Instant(seconds: 0))
        try await store.pool.write { db in
            for row in CorruptRows.corpus { try db.execute(sql: row.sql) }
        }
        return store
    }

    @Test func everyCorruptRowIsSkippedAndReportedOnceWhatIsGoodStillReads() async throws {
        #expect(CorruptRows.corpus.count >= 30)
        #expect(Set(CorruptRows.corpus.map(\.table)) == Set(Schema.caseTables))
        let store = try await Self.corruptStore()
        let expected = CorruptRows.corpus.map { "\($0.table) \($0.reportedID)" }.sorted()
        for detail in [SnapshotDetail.evaluation, .full] {
            let snap = try await store.snapshot(caseIDs: nil, detail: detail, people: true)
            #expect(snap.cases.map(\.id) == ["c0"])
            #expect(snap.cases[0].communications.map(\.id) == ["m-good"])
            #expect(snap.people.map(\.id) == ["p1"])
            #expect(snap.badRows.map { "\($0.table) \($0.id)" }.sorted() == expected)
            // Ids only: never a control character, never more than 64 characters.
            #expect(snap.badRows.allSatisfy { $0.id.count <= 64 && !$0.id.unicodeScalars.contains { $0.value < 0x20 } })
        }
        // The rows of one case, read by id (as a tick reads what changed).
        let one = try await store.snapshot(caseIDs: ["c0"], detail: .evaluation, people: false)
        #expect(one.cases.map(\.id) == ["c0"])
        #expect(Set(one.badRows.map(\.caseID)) == ["c0"])
        #expect(one.badRows.count == CorruptRows.corpus.filter { !["cases", "people"].contains($0.table) }.count)
    }

    /// The change feed, the ledger, the queue and the holds read their rows without trusting them either.
    @Test func storeTablesWithBytesOrWrongTypesAreReadWithoutStopping() async throws {
        let store = try await Self.corruptStore()
        let changes = try await store.changes(after: 0)
        #expect(changes.cases.contains("c0") && changes.people)
        try await store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at,
                    fired_at, recorded_at) VALUES (X'FF', 'p', 'case:c0', 'x', 'one', 1, X'FF', 'fired', 'x', 'x', 'x')
                """)
            try db.execute(sql: """
                INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at)
                VALUES ('fire', X'FF', X'80', 'email', '2026-01-01T00:00:00Z')
                """)
            try db.execute(sql: """
                INSERT INTO tickler_holds (case_id, policy, until_at, reason, created_by, created_at)
                VALUES (X'FF', 'p', '2027-01-01T00:00:00Z', X'FF', 'u', '2026-01-01T00:00:00Z')
                """)
            try db.execute(sql: "UPDATE cases SET client_name = X'52656EE9' WHERE id = 'c0'")
        }
        #expect(try await store.ledger().isEmpty)
        #expect(try await store.ledgerFacts(caseIDs: nil).highest.isEmpty)
        #expect(try await store.snoozes(caseIDs: nil).isEmpty)
        #expect(try await store.holds(now: Instant(seconds: 0)).isEmpty)
        #expect(try await store.deliveries().isEmpty)
        #expect(try await store.dueDeliveries(channel: "email", now: Instant(seconds: 2_000_000_000), limit: 10).isEmpty)
        // A name that is not text is left out of what is shown; the case itself still evaluates.
        let full = try await store.snapshot(caseIDs: ["c0"], detail: .full, people: false)
        #expect(full.cases.isEmpty && full.badRows.map(\.id).contains("c0"))
        let evaluation = try await store.snapshot(caseIDs: ["c0"], detail: .evaluation, people: false)
        #expect(evaluation.cases.map(\.id) == ["c0"])
    }
}
