import Foundation
import Glibc
import Testing
import TicklerCore
import TicklerPostgres
import TicklerTestKit
@testable import TicklerDaemon

/// Writers that hold their transaction for seconds, interleaved with fast ones, under two instances: a
/// change is seen when its writer commits, however long after the changes that committed meanwhile.
@Suite(.serialized, .ownThreads) struct PostgresSlowWriterTests {
    static let slow = 10, fast = 30, inert = 10_000

    /// The database's clock is pinned, so nothing comes due by time passing: a case fires only once an
    /// instance has evaluated it after the commit that made it due. Each slow writer's case was written
    /// before (not due for an hour) and is made due by an update held at least 5 s, until fast writers
    /// have committed updates to other cases. The sweep that re-evaluates every case goes through the
    /// inert cases first (ten thousand, an hour's lap), so it is not what finds them.
    @Test func everyCaseIsEvaluatedAfterItsLastCommit() throws {
        let db = try TestDatabase()
        let (dir, env) = try PostgresInstancesTests.directory(db)
        try """
            store: { postgres: "\(db.url)", password_credential: pg-password }
            poll: { interval: 1s, full_rescan: 1h }
            policies:
              - id: welcome
                applies_to: { status: [open] }
                clock: { since: opened }
                stages: [{ after: 1 minute, notify: [assignee] }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let daemons = try PostgresInstancesTests.startReady([dir + "/tickler.yaml", dir + "/tickler.yaml"], environment: env)
        var stopped = false
        defer { if !stopped { for d in daemons { d.signal(SIGKILL) } } }
        try db.pinNow("2026-11-02T15:00:00Z")
        try #require(db.psql("""
            INSERT INTO people (id, name) VALUES ('p1', 'Pat');
            INSERT INTO cases (id, number, status, assignee_id, opened_at)
                SELECT 'a' || lpad(n::text, 5, '0'), 'A-' || n, 'closed', 'p1', '2026-11-02T14:00:00Z'
                FROM generate_series(1, \(Self.inert)) AS n;
            INSERT INTO cases (id, number, status, assignee_id, opened_at)
                SELECT 's' || n, 'S-' || n, 'open', 'p1', '2026-11-02T16:00:00Z' FROM generate_series(1, \(Self.slow)) AS n;
            INSERT INTO cases (id, number, status, assignee_id, opened_at)
                SELECT 'f' || n, 'F-' || n, 'open', 'p1', '2026-11-02T16:00:00Z' FROM generate_series(1, \(Self.fast)) AS n;
            """).0 == 0)
        // The first version of every case is evaluated: its wake is the hour after.
        #expect(try PostgresInstancesTests.until(db, """
            SELECT (SELECT count(*) FROM tickler_changes) + (SELECT count(*) FROM tickler_wake WHERE case_id !~ '^a' AND wake_at <= tickler_now())
            """, is: [["0"]]))

        // Each slow writer holds its update at least 5 s, and until every fast write has committed: the
        // slow changes are queued before fast ones that commit first, whatever the machine's speed.
        try #require(db.psql("CREATE TABLE go (x int)").0 == 0)
        var writers: [Process] = []
        var next = 1
        for n in 1...Self.slow {
            writers.append(try db.psqlInBackground("""
                BEGIN;
                UPDATE cases SET opened_at = '2026-11-02T14:58:00Z' WHERE id = 's\(n)';
                SELECT pg_sleep(5);
                DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM go) LOOP PERFORM pg_sleep(0.02); END LOOP; END $$;
                COMMIT;
                """))
            // Writer n has made its update and holds it (every writer holds in pg_sleep).
            let holding = try PostgresStallTests.until {
                Int(try db.rows("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")[0][0]) ?? 0 >= n ? true : nil
            }
            try #require(holding != nil, "slow writer \(n) never held its update")
            for _ in 0..<(Self.fast / Self.slow) {
                try #require(db.psql("UPDATE cases SET opened_at = '2026-11-02T14:58:00Z' WHERE id = 'f\(next)'").0 == 0)
                next += 1
            }
        }
        try #require(db.psql("INSERT INTO go VALUES (1)").0 == 0)
        for w in writers { w.waitUntilExit() }
        #expect(writers.allSatisfy { $0.terminationStatus == 0 }, "every slow writer committed")

        // Every case made due fires once, by whichever instance, at the due instant its last commit set.
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_ledger", is: [["\(Self.slow + Self.fast)"]]))
        let ledger = try db.rows("SELECT case_id, outcome, due_at FROM tickler_ledger ORDER BY case_id")
        #expect(ledger.count == Self.slow + Self.fast)
        #expect(Set(ledger.map { $0[0] }) == Set((1...Self.slow).map { "s\($0)" } + (1...Self.fast).map { "f\($0)" }))
        #expect(ledger.allSatisfy { $0[1] == "fired" && $0[2].hasPrefix("2026-11-02 14:59:00") }, "\(ledger.prefix(3))")
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
        stopped = true
    }
}
