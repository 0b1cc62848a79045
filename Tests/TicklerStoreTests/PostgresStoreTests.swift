import Foundation
import Testing
import TicklerCore
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerStore

/// The PostgreSQL store against the tests' real server: migrations under several instances at once, the
/// same firm read back as SQLite reads it, the change queue, claims of due cases, and leases.
@Suite(.ownThreads) struct PostgresStoreTests {
    static let t0 = RFC3339.parse("2026-09-01T16:00:00Z")!

    static func open(_ db: TestDatabase, instance: String = "test") async throws -> PostgresCaseStore {
        var s = PostgresSettings(host: db.host, port: db.port, user: db.user, database: db.name, tls: .disable, password: db.password)
        s.applicationName = instance
        return try await PostgresCaseStore(s, instance: instance)
    }

    /// A small firm with every kind of record, NULLs, tags with quotes, and a case moved between imports.
    static func firm(cases: Int = 60) -> ImportBatch {
        var b = ImportBatch()
        b.people = [
            .init(source: "t", record: Person(id: "p1", name: "Pat Lee", email: "pat@firm.test", role: "paralegal", managerID: "a1")),
            .init(source: "t", record: Person(id: "a1", name: "Ann Attorney", email: nil, role: "attorney", active: false)),
        ]
        for n in 0..<cases {
            let opened = t0.adding(seconds: Int64(n) * 3_600)
            let c = CaseSnapshot(id: "c\(String(format: "%03d", n))", number: "2026-\(n)", title: "Case \(n)", clientName: "Client \(n)",
                                 clientEmail: n % 3 == 0 ? nil : "c\(n)@example.test",
                                 status: CaseSnapshot.Status.allCases[n % 4], practiceArea: n % 2 == 0 ? "pi" : nil, office: "la",
                                 assigneeID: "p1", attorneyID: n % 5 == 0 ? nil : "a1", openedAt: opened,
                                 closedAt: n % 4 == 3 ? opened.adding(seconds: 86_400) : nil,
                                 tags: n % 7 == 0 ? ["vip", "say \"hi\"\\"] : [], court: n % 3 == 0 ? "ca-superior" : nil)
            b.cases.append(.init(source: "t", record: .init(fields: c, updatedAt: opened)))
            b.communications.append(.init(source: "t", caseID: c.id, record: Communication(
                id: "m\(n)", direction: n % 2 == 0 ? .inbound : .outbound, channel: .call, kind: n % 3 == 0 ? .statusUpdate : .other,
                occurredAt: opened.adding(seconds: 600), respondedAt: n % 2 == 0 ? nil : opened.adding(seconds: 1200))))
            b.deadlines.append(.init(source: "t", caseID: c.id, record: Deadline(
                id: "d\(n)", title: "Answer\ttab", kind: .court, dueAt: opened.adding(seconds: 20 * 86_400),
                completedAt: n % 6 == 0 ? opened.adding(seconds: 86_400) : nil)))
            b.documentRequests.append(.init(source: "t", caseID: c.id, record: DocumentRequest(
                id: "r\(n)", title: "Records\nline", requestedAt: opened, receivedAt: nil)))
            b.appointments.append(.init(source: "t", caseID: c.id, record: Appointment(
                id: "ap\(n)", title: "Prep", startsAt: opened.adding(seconds: 5 * 86_400), withClient: n % 2 == 0, cancelled: n % 9 == 0)))
            b.events.append(.init(source: "t", caseID: c.id, record: TriggerEvent(
                id: "e\(n)", kind: "service", occurredAt: opened, serviceMethod: n % 2 == 0 ? .mail : nil)))
        }
        return b
    }

    /// Records in id order: each store keeps them in its own order, which nothing downstream depends on.
    static func normalized(_ cases: [CaseSnapshot]) -> [CaseSnapshot] {
        cases.map { c in
            var c = c
            c.communications.sort { $0.id < $1.id }
            c.deadlines.sort { $0.id < $1.id }
            c.documentRequests.sort { $0.id < $1.id }
            c.appointments.sort { $0.id < $1.id }
            c.events.sort { $0.id < $1.id }
            return c
        }
    }

    @Test func threeInstancesStartingAtOnceApplyTheMigrationsOnce() async throws {
        let db = try TestDatabase()
        async let a = Self.open(db, instance: "a")
        async let b = Self.open(db, instance: "b")
        async let c = Self.open(db, instance: "c")
        let stores = try await [a, b, c]
        let applied = try db.rows("SELECT name, count(*) FROM tickler_migrations GROUP BY name ORDER BY name")
        #expect(applied.map { $0[0] } == PostgresSchema.migrations.map(\.name).sorted())
        #expect(applied.allSatisfy { $0[1] == "1" })
        // A later start finds nothing to do.
        let d = try await Self.open(db, instance: "d")
        #expect(try db.rows("SELECT count(*) FROM tickler_migrations") == [["\(PostgresSchema.migrations.count)"]])
        for s in stores + [d] { await s.close() }
    }

    /// The server ends the session running the migrations (as it does a transaction left idle past its
    /// timeout while the process was held up): the open tries once more on a new connection, and the
    /// migrations, rolled back whole, are applied once.
    @Test func aMigrationTheServerEndsIsAppliedOnANewConnection() async throws {
        let db = try TestDatabase()
        let holder = try db.psqlInBackground("SELECT pg_advisory_lock(\(PostgresSchema.migrationLock)); SELECT pg_sleep(600)")
        defer { holder.terminate() }
        func until(_ sql: String) throws -> String? {
            let end = Date().addingTimeInterval(120)
            while Date() < end {
                if let v = try db.rows(sql).first?.first, !v.isEmpty { return v }
                usleep(20_000)
            }
            return nil
        }
        // Other tests' stores take the same lock in their own databases: only this database's sessions count.
        let holderPID = try #require(try until("""
            SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objid = \(PostgresSchema.migrationLock & 0xFFFF_FFFF)
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND a.query LIKE '%pg_sleep(600)%'
            """), "the holder never took the migrations' lock")
        async let opened = Self.open(db, instance: "retried")
        // The open's first connection waits on the lock inside its migration transaction: ended there.
        let first = try #require(try until("""
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'retried' AND wait_event_type = 'Lock'
            """), "the open never waited on the migrations' lock")
        #expect(try db.rows("SELECT pg_terminate_backend(\(first))") == [["t"]])
        #expect(try until("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'retried' AND pid <> \(first)") != nil,
                "no second connection")
        #expect(try db.rows("SELECT pg_terminate_backend(\(holderPID))") == [["t"]])
        let store = try await opened
        #expect(try db.rows("SELECT count(*) FROM tickler_migrations") == [["\(PostgresSchema.migrations.count)"]])
        await store.close()
    }

    @Test func aFirmImportedReadsBackAsSQLiteReadsIt() async throws {
        let db = try TestDatabase()
        let pg = try await Self.open(db)
        let lite = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        let batch = Self.firm()
        try await pg.write(batch, now: Self.t0)
        try await lite.write(batch, now: Self.t0)
        // An update moves a record to another case; the importer's upsert keeps the last of an id.
        var again = ImportBatch()
        again.deadlines = [.init(source: "t", caseID: "c001", record: Deadline(id: "d0", kind: .filing, dueAt: Self.t0))]
        // A later write of a case that gives no court (a sync that knows none) keeps the one recorded.
        var courtless = batch.cases[0]
        courtless.record.fields.court = nil
        again.cases = [courtless]
        try await pg.write(again, now: Self.t0)
        try await lite.write(again, now: Self.t0)

        let a = try await pg.snapshot(caseIDs: nil, detail: .full, people: true)
        let b = try await lite.snapshot(caseIDs: nil, detail: .full, people: true)
        #expect(a.people == b.people)
        #expect(a.cases.count == 60)
        #expect(a.cases.first { $0.id == "c000" }?.court == "ca-superior" && a.cases.first { $0.id == "c001" }?.court == nil)
        #expect(b.cases.first { $0.id == "c000" }?.court == "ca-superior")
        #expect(Self.normalized(a.cases) == Self.normalized(b.cases))
        #expect(a.badRows.isEmpty && b.badRows.isEmpty)
        // Evaluation reads leave client data out, on both.
        let ea = try await pg.chunk(caseIDs: ["c010", "c002", "nope"], detail: .evaluation, ledger: true, holds: true)
        let eb = try await lite.chunk(caseIDs: ["c010", "c002", "nope"], detail: .evaluation, ledger: true, holds: true)
        #expect(ea.cases.map(\.id) == ["c002", "c010"])
        #expect(Self.normalized(ea.cases) == Self.normalized(eb.cases))
        #expect(ea.cases.allSatisfy { $0.clientName.isEmpty && ($0.clientEmail ?? "").isEmpty && $0.title.isEmpty })
        #expect(ea.cases.map { $0.clientEmail != nil } == eb.cases.map { $0.clientEmail != nil })
        // A walk in steps gives every case once, in id order, as one read gives them.
        var walked: [String] = [], cursor: CaseCursor?
        repeat {
            let (chunk, next) = try await pg.chunk(after: cursor, size: 7, detail: .evaluation, ledger: false, holds: false)
            walked += chunk.cases.map(\.id)
            cursor = next
        } while cursor != nil
        #expect(walked == b.cases.map(\.id))
        #expect(try await pg.caseCount() == 60)
        #expect(try await pg.existingIDs(table: "deadlines", among: ["d0", "d1", "zz"]) == ["d0", "d1"])
        await pg.close()
    }

    @Test func aRowOutsideTicklersVocabularyIsSkippedWithItsIDOnly() async throws {
        let db = try TestDatabase()
        let pg = try await Self.open(db)
        try await pg.write(Self.firm(cases: 3), now: Self.t0)
        try db.psql("UPDATE cases SET status = 'archived' WHERE id = 'c001'; UPDATE communications SET channel = 'fax' WHERE id = 'm2'")
        let s = try await pg.snapshot(caseIDs: nil, detail: .full, people: false)
        #expect(s.cases.map(\.id) == ["c000", "c002"])
        #expect(Set(s.badRows.map(\.description)) == ["cases row 'c001' skipped: unknown status",
                                                        "communications row 'm2' skipped: unknown direction, channel or kind"])
        #expect(!s.badRows.description.contains("Client"))
        await pg.close()
    }

    /// The triggers queue each case a committed write touched; an instance turns the queue into wakes and
    /// empties it, and a person's change moves the people generation.
    @Test func committedChangesBecomeWakesAndLeaveTheQueue() async throws {
        let db = try TestDatabase()
        let pg = try await Self.open(db)
        try db.pinNow("2026-10-01T12:00:00Z")
        try await pg.write(Self.firm(cases: 5), now: Self.t0)
        let before = try await pg.generations()
        #expect(try await pg.absorbChanges(limit: 1000) > 0)
        #expect(try db.rows("SELECT count(*) FROM tickler_changes") == [["0"]])
        #expect(try await pg.dueCases(at: RFC3339.parse("2026-10-01T12:00:00Z")!, limit: 10) == ["c000", "c001", "c002", "c003", "c004"])
        // An earlier wake stays; a later one is brought forward to now.
        try db.psql("UPDATE tickler_wake SET wake_at = '2026-09-01T00:00:00Z' WHERE case_id = 'c000'; UPDATE tickler_wake SET wake_at = '2027-01-01T00:00:00Z' WHERE case_id = 'c001'")
        try db.psql("UPDATE communications SET responded_at = now() WHERE case_id IN ('c000', 'c001'); UPDATE people SET role = 'x' WHERE id = 'p1'")
        #expect(try await pg.absorbChanges(limit: 1000) == 2)
        #expect(try db.rows("SELECT case_id, wake_at AT TIME ZONE 'UTC' FROM tickler_wake WHERE case_id IN ('c000', 'c001') ORDER BY case_id")
                == [["c000", "2026-09-01 00:00:00"], ["c001", "2026-10-01 12:00:00"]])
        #expect(try await pg.generations().people == before.people + 1)
        await pg.close()
    }

    /// A writer that holds its transaction: its change is not seen (nor lost) until it commits.
    @Test func aSlowWritersChangeIsTakenOnlyOnceCommitted() async throws {
        let db = try TestDatabase()
        let pg = try await Self.open(db)
        try await pg.write(Self.firm(cases: 2), now: Self.t0)
        _ = try await pg.absorbChanges(limit: 1000)
        try db.psql("DELETE FROM tickler_wake")
        // A psql session that writes, waits for a signal row, then commits.
        try db.psql("CREATE TABLE go (x int)")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: db.bin + "/psql")
        writer.arguments = ["-X", "-q", "-h", db.host, "-p", "\(db.port)", "-U", db.user, "-d", db.name, "-c", """
            BEGIN; UPDATE cases SET title = 'x' WHERE id = 'c001';
            DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM go) LOOP PERFORM pg_sleep(0.05); END LOOP; END $$;
            COMMIT;
            """]
        writer.environment = ["PGPASSWORD": db.password]
        try writer.run()
        // Wait until the writer holds its row (the event), then take the queue: nothing of it yet.
        var polls = 0
        while try db.rows("""
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'cases' AND l.mode = 'RowExclusiveLock' AND l.granted
            """) == [["0"]] {
            polls += 1
            try #require(polls < 1200, "the writer never took its lock")
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await pg.absorbChanges(limit: 1000) == 0)
        #expect(try await pg.wakeCount() == 0)
        try db.psql("INSERT INTO go VALUES (1)")
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(try await pg.absorbChanges(limit: 1000) == 1)
        #expect(try db.rows("SELECT case_id FROM tickler_wake") == [["c001"]])
        await pg.close()
    }

    @Test func aLeaseIsHeldByOneInstanceUntilItRunsOut() async throws {
        let db = try TestDatabase()
        let a = try await Self.open(db, instance: "a"), b = try await Self.open(db, instance: "b")
        #expect(try await a.acquireLease("chores", for: .seconds(60)))
        #expect(try await !b.acquireLease("chores", for: .seconds(60)))
        #expect(try await a.acquireLease("chores", for: .seconds(60)), "the holder renews")
        // Run it out by the database's clock.
        try db.psql("UPDATE tickler_leases SET until_at = clock_timestamp() - interval '1 second'")
        #expect(try await b.acquireLease("chores", for: .seconds(60)))
        #expect(try await !a.acquireLease("chores", for: .seconds(60)), "a stale holder cannot renew")
        try await b.releaseLease("chores")
        #expect(try await a.acquireLease("chores", for: .seconds(60)))
        await a.close()
        await b.close()
    }

    /// A delivery's claim: committed before sending, taken over once it runs out, and a late completion by
    /// the first claimant refused.
    @Test func anExpiredDeliveryClaimIsTakenOverAndTheLateCompletionRefused() async throws {
        let db = try TestDatabase()
        let a = try await Self.open(db, instance: "a"), b = try await Self.open(db, instance: "b")
        try db.pinNow("2026-09-01T17:00:00Z")
        try await a.write(Self.firm(cases: 1), now: Self.t0)
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c000"), anchor: Self.t0), step: StepIndex(stage: 1))
        let fire = Fire(key: key, caseID: "c000", caseNumber: "2026-0", due: Self.t0, firedAt: Self.t0, deliverAt: Self.t0, action: .remind,
                        recipients: ["p1"], channels: ["email"])
        let recorded = try await a.record(fires: [fire], skipped: [], explanations: [:], channels: [:],
                                          wakes: [], now: Self.t0)
        #expect(recorded.map(\.fireID) == [fire.fireID])
        let claimed = try await a.claimDue(channel: "email", now: Self.t0, limit: 10, lease: .seconds(60), claimant: "a")
        #expect(claimed.count == 1 && claimed[0].fire?.caseID == "c000" && claimed[0].person?.name == "Pat Lee")
        #expect(try await b.claimDue(channel: "email", now: Self.t0, limit: 10, lease: .seconds(60), claimant: "b").isEmpty)
        try db.psql("UPDATE tickler_deliveries SET claimed_until = clock_timestamp() - interval '1 second'")
        let taken = try await b.claimDue(channel: "email", now: Self.t0, limit: 10, lease: .seconds(60), claimant: "b")
        #expect(taken.map(\.id) == claimed.map(\.id))
        // The late claimant's heartbeat renews nothing: the claim is b's now; b's renews it.
        #expect(try await a.renew(claimsOf: "a", now: Self.t0, lease: .seconds(60)) == 0)
        #expect(try await b.renew(claimsOf: "b", now: Self.t0, lease: .seconds(60)) == 1)
        #expect(try await !a.complete(delivery: claimed[0].id, attempt: 1, result: .delivered, at: Self.t0, claimant: "a"))
        #expect(try await b.complete(delivery: claimed[0].id, attempt: 1, result: .delivered, at: Self.t0, claimant: "b"))
        #expect(try await a.deliveries().map(\.status) == ["delivered"])
        // Recording the same fire again queues nothing more.
        #expect(try await b.record(fires: [fire], skipped: [], explanations: [:], channels: [:],
                                   wakes: [], now: Self.t0).isEmpty)
        #expect(try await a.deliveries().count == 1)
        await a.close()
        await b.close()
    }
}
