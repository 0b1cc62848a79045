import Foundation
import Glibc
import Testing
import TicklerCore
@testable import TicklerJournal
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerDaemon
@testable import TicklerStore

/// `ticklerd` processes sharing one PostgreSQL database.
@Suite(.serialized, .ownThreads) struct PostgresInstancesTests {
    /// A firm directory whose configuration names `db`, its password in a credentials directory.
    static func directory(_ db: TestDatabase) throws -> (dir: String, env: [String: String]) {
        let dir = "/tmp/tickler-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try FirmFixture.config.replacingOccurrences(of: "store: { sqlite: tickler.db }",
                                                    with: "store: { postgres: \"\(db.url)\", password_credential: pg-password }")
            .write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        try db.password.write(toFile: dir + "/credentials/pg-password", atomically: true, encoding: .utf8)
        return (dir, ["CREDENTIALS_DIRECTORY": dir + "/credentials"])
    }

    /// An instance per configuration, started together; returns once each has sent READY=1 and caught up
    /// (its notifications are then drained in the background). Those started are killed if one is not ready.
    static func startReady(_ configs: [String], environment: [String: String]) throws -> [DaemonProcess] {
        let sockets = configs.map { _ in NotifySocket() }
        let daemons = try zip(configs, sockets).map { try DaemonProcess(config: $0, notify: $1, environment: environment) }
        for (s, d) in zip(sockets, daemons) {
            guard s.untilCaughtUp().contains(where: { $0.contains("READY=1") }) else {
                for d in daemons { d.signal(SIGKILL) }
                throw NotReady(stderr: d.stderrText)
            }
            s.drainInBackground()
        }
        return daemons
    }

    struct NotReady: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "an instance never became ready: \(stderr)" }
    }

    /// Waits (bounded, as a hang guard) until `sql` returns `expected`.
    static func until(_ db: TestDatabase, _ sql: String, is expected: [[String]], timeout: Double = 120) throws -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try db.rows(sql) == expected { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// Three instances started at once on an empty database: the schema is made once, all three become
    /// ready, and a case written afterwards fires once, journaled by the instance that claimed it with its
    /// name.
    @Test func threeInstancesColdStartOnAnEmptyDatabaseAndShareTheWork() throws {
        let db = try TestDatabase()
        let (dir, env) = try Self.directory(db)
        let sockets = (0..<3).map { _ in NotifySocket() }
        let daemons = try sockets.map { try DaemonProcess(config: dir + "/tickler.yaml", notify: $0, environment: env) }
        for (s, d) in zip(sockets, daemons) {
            let ready = s.untilCaughtUp()
            #expect(ready.contains { $0.contains("READY=1") }, "\(d.stderrText)")
            s.drainInBackground()
        }
        #expect(try db.rows("SELECT count(*), count(DISTINCT name) FROM tickler_migrations") == [["\(PostgresSchema.migrations.count)", "\(PostgresSchema.migrations.count)"]])
        // A case opened long ago: its two stages are due; only the second fires (collapse), once.
        let (status, output) = try db.psql("""
            INSERT INTO people (id, name, role) VALUES ('p1', 'Pat', 'paralegal'), ('a1', 'Alex', 'attorney');
            INSERT INTO cases (id, number, status, assignee_id, attorney_id, opened_at)
                VALUES ('c0', 'N-0', 'open', 'p1', 'a1', '2026-09-01T16:00:00Z');
            """)
        try #require(status == 0, "\(output)")
        #expect(try Self.until(db, "SELECT stage, outcome, journaled FROM tickler_ledger ORDER BY stage",
                               is: [["1", "skipped", "t"], ["2", "fired", "t"]]))
        let by = try db.rows("SELECT recorded_by FROM tickler_ledger WHERE outcome = 'fired'").first?.first ?? ""
        let pids = daemons.map { $0.process.processIdentifier }
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
        let entries = try JournalQuery.entries(["MESSAGE_ID=\(JournalEvent.escalationFired.messageID)", "TICKLER_CASE_ID=c0"]
            ).filter { e in pids.contains { "\($0)" == e["_PID"] as? String } }
        #expect(entries.count == 1)
        #expect(entries.first?["TICKLER_INSTANCE"] as? String == by)
        // Each instance recorded itself for `tickler status`; the chores' lease was released at the stop.
        #expect(try db.rows("SELECT count(*) FROM tickler_instances") == [["3"]])
        #expect(try db.rows("SELECT count(*) FROM tickler_leases") == [["0"]])
    }

    /// An instance whose host clock is ten minutes ahead or behind (libfaketime, see `SkewedClock`) takes
    /// legal time from the database: a step fires at its due instant by the database's clock, neither ten
    /// minutes early nor late, and the offset is journaled once.
    @Test(arguments: ["+10m", "-10m"]) func aSkewedHostClockFiresNothingEarlyOrLate(_ skew: String) throws {
        let db = try TestDatabase()
        let (dir, env) = try Self.directory(db)
        try """
            store: { postgres: "\(db.url)", password_credential: pg-password }
            poll: { interval: 1s, full_rescan: 1h }
            policies:
              - id: welcome
                clock: { since: opened }
                stages: [{ after: 1 minute, notify: [assignee] }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let notify = NotifySocket()
        let wrapper = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify,
                                        environment: env.merging(SkewedClock.environment()) { $1 },
                                        wrapper: SkewedClock.wrapper(offset: skew))
        let ready = notify.untilCaughtUp()
        try #require(ready.contains { $0.contains("READY=1") }, "\(wrapper.stderrText)")
        notify.drainInBackground()
        // faketime runs ticklerd as its child: signals go to the child.
        let children = try String(contentsOfFile: "/proc/\(wrapper.process.processIdentifier)/task/\(wrapper.process.processIdentifier)/children",
                                  encoding: .utf8)
        let pid = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        var exited = false
        defer { if !exited { kill(pid, SIGKILL) } }
        // Due 10 seconds from now by the database's clock.
        let (inserted, output) = try db.psql("""
            INSERT INTO people (id, name) VALUES ('p1', 'Pat');
            INSERT INTO cases (id, number, status, assignee_id, opened_at) VALUES ('c0', 'N-0', 'open', 'p1', now() - interval '50 seconds');
            """)
        #expect(inserted == 0, "\(output)")
        let fired = try Self.until(db, "SELECT count(*) FROM tickler_ledger WHERE outcome = 'fired'", is: [["1"]], timeout: 120)
        let wakes = try db.rows("SELECT case_id, wake_at FROM tickler_wake"), changes = try db.rows("SELECT count(*) FROM tickler_changes")
        #expect(fired, "wakes: \(wakes), changes: \(changes)")
        let lateness = try db.rows("SELECT extract(epoch FROM fired_at - due_at)::int FROM tickler_ledger WHERE outcome = 'fired'")
        let late = Int(lateness.first?.first ?? "") ?? -1
        #expect(late >= 0 && late <= 15, "fired \(late) s after it was due by the database's clock")
        kill(pid, SIGTERM)
        #expect(wrapper.wait() == 0, "\(wrapper.stderrText)")
        exited = true
        let offsets = try JournalQuery.values(of: "TICKLER_OFFSET_MS", ["MESSAGE_ID=\(JournalEvent.clockOffset.messageID)", "_PID=\(pid)"])
        #expect(offsets.count == 1)
        let ms = Int(offsets.first ?? "") ?? 0
        #expect(abs(abs(ms) - 600_000) < 30_000, "offset \(ms) ms")
        #expect((ms < 0) == skew.hasPrefix("+"), "the database is behind a host that runs ahead")
    }

    /// A stop asked for while the instance is still starting (here: waiting for another's migrations) is
    /// kept and carried out once it can be: a clean exit, not death by the signal.
    @Test func aStopDuringStartIsACleanExit() throws {
        let db = try TestDatabase()
        let (dir, env) = try Self.directory(db)
        try db.psql("CREATE TABLE go (x int)")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: db.bin + "/psql")
        holder.arguments = ["-X", "-q", "-h", db.host, "-p", "\(db.port)", "-U", db.user, "-d", db.name, "-c", """
            BEGIN; SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock));
            DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM go) LOOP PERFORM pg_sleep(0.02); END LOOP; END $$;
            COMMIT;
            """]
        holder.environment = ["PGPASSWORD": db.password]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        #expect(try Self.until(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted", is: [["1"]]))
        let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: env)
        defer { daemon.signal(SIGKILL) }
        // It waits on the lock, inside its start.
        #expect(try Self.until(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", is: [["1"]]))
        daemon.signal(SIGTERM)
        try db.psql("INSERT INTO go VALUES (1)")
        holder.waitUntilExit()
        #expect(daemon.wait() == 0, "\(daemon.stderrText)")
        #expect(daemon.process.terminationReason == .exit)
    }
}
