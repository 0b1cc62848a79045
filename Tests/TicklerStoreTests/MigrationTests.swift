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

/// The shipped migrations keep their meaning: a store built from nothing has exactly the schema written
/// down beside this test (a migration's helper that changed would change it), whether it is migrated in
/// one go or one version at a time from v1. A schema change is a new migration and a new line here.
@Suite struct SchemaTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Schema/sqlite.sql").path

    static func dump(_ queue: some DatabaseReader) throws -> String {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY type, name
                """).map { r in "-- \(r["type"] as String? ?? "") \(r["name"] as String? ?? "")\n\(r["sql"] as String? ?? "");\n" }
                .joined(separator: "\n")
        }
    }

    @Test func aStoreMigratedFromNothingOrStepByStepHasTheSchemaWrittenDown() throws {
        let expected = try String(contentsOfFile: Self.golden, encoding: .utf8)
        let whole = try DatabaseQueue(path: temporaryDirectory() + "/whole.db")
        try Schema.migrator.migrate(whole)
        let actual = try Self.dump(whole)
        let written = temporaryDirectory() + "/sqlite.sql"
        if actual != expected { try actual.write(toFile: written, atomically: true, encoding: .utf8) }
        #expect(actual == expected, "the schema differs from Schema/sqlite.sql: today's is in \(written)")
        let stepped = try DatabaseQueue(path: temporaryDirectory() + "/stepped.db")
        for name in Schema.migrator.migrations { try Schema.migrator.migrate(stepped, upTo: name) }
        #expect(try Self.dump(stepped) == actual)
    }

    /// Version 14 rebuilds the queue (a new kind): what a version 13 queue held stays, columns and all.
    @Test func aVersion13QueueKeepsItsRowsThroughTheRebuild() async throws {
        let path = temporaryDirectory() + "/v13.db"
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v13-staff-tasks")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, status, attempts, next_attempt_at, medium,
                        refused_media, provider_id, carrier_status, hold_reason)
                    VALUES ('fire', 'f1', 'contact:k1', 'client', 'delivered', 1, '2026-09-02T15:00:00Z', 'sms', 'email', 'SM1', 'sent', NULL),
                           ('fire', 'f2', 'contact:k2', 'client', 'pending', 0, '2026-09-02T16:00:00Z', NULL, NULL, NULL, NULL, 'undo window');
                    """)
            }
        }
        let store = try SQLiteCaseStore(path: path, create: false)
        #expect(try await store.deliveries().map { "\($0.sourceID) \($0.status) \($0.medium ?? "-") \($0.providerID ?? "-") \($0.carrierStatus ?? "-")" }
            == ["f1 delivered sms SM1 sent", "f2 pending - - -"])
    }

    /// Version 15 rebuilds the ledger (only fires are in the index of fire ids): every row stays, with its
    /// rowid, and a step recorded before is still recorded once.
    @Test func aVersion14LedgerKeepsItsRowsThroughTheRebuild() async throws {
        let path = temporaryDirectory() + "/v14.db"
        let fire = FireKey(cycle: CycleKey(policy: "chase", subject: SubjectRef(.case, "c1"), anchor: Instant(seconds: 86_400)), step: StepIndex(stage: 2))
        let skip = FireKey(cycle: fire.cycle, step: StepIndex(stage: 1))
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v14-client-replies")
            try await queue.write { db in
                for (rowid, key, outcome) in [(7, skip, "skipped"), (9, fire, "fired")] {
                    try db.execute(sql: """
                        INSERT INTO tickler_ledger (rowid, fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action,
                            due_at, fired_at, recorded_at, journaled)
                        VALUES (?, ?, 'chase', ?, '1970-01-02T00:00:00Z', ?, 0, 'c1', ?, 'remind', '2026-09-02T15:00:00Z',
                            '2026-09-02T15:00:00Z', '2026-09-02T15:00:00Z', 1)
                        """, arguments: [rowid, key.fireID, key.cycle.subject.description, key.step.stage, outcome])
                }
            }
        }
        let store = try SQLiteCaseStore(path: path, create: false)
        #expect(try await store.ledger(caseID: "c1", policy: nil, since: nil).map { "\($0.key.step.stage) \($0.outcome)" }
            == ["1 skipped", "2 fired"])
        #expect(try await store.ledgerEntry(fireID: fire.fireID)?.outcome == .fired)
        let rowids = try await DatabaseQueue(path: path).read { try Int.fetchAll($0, sql: "SELECT rowid FROM tickler_ledger ORDER BY rowid") }
        #expect(rowids == [7, 9])
        // Recorded before, recorded once: neither the fire nor the skipped step is claimed again.
        let again = try await store.record(fires: [], skipped: [SkippedStep(key: skip, due: Instant(seconds: 0), caseID: "c1", supersededBy: fire.step)], now: Instant(seconds: 0))
        #expect(again.isEmpty)
        #expect(try await store.ledger(caseID: "c1", policy: nil, since: nil).count == 2)
        store.close()
    }
}
