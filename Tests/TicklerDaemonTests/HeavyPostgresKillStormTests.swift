import Foundation
import Glibc
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerDaemon

/// Heavy: three instances on one PostgreSQL database while 10,000 fires come due, one of them killed
/// (`kill -9`) and restarted twenty times.
@Suite(.serialized) struct HeavyPostgresKillStormTests {
    @Test func killingInstancesAtRandomLosesAndDoublesNothing() async throws {
        let cases = 10_000
        let db = try TestDatabase()
        let (dir, env) = try PostgresInstancesTests.directory(db)
        var rng = SplitMix64(seed: 20_261_130)
        func firedCount() throws -> Int { Int(try db.rows("SELECT count(*) FROM tickler_ledger WHERE outcome = 'fired'")[0][0]) ?? 0 }
        var pids: [Int32] = []
        var daemons: [DaemonProcess] = []
        for _ in 0..<3 {
            let d = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: env)
            pids.append(d.process.processIdentifier)
            daemons.append(d)
        }
        // The schema is there once the first instance has started.
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'tickler_migrations'", is: [["1"]]))
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_migrations", is: [["\(3)"]]))
        // The burst: every case's two stages are due; the instances take the cases as the writer commits.
        let (status, output) = try db.psql("""
            INSERT INTO people (id, name, role) VALUES ('p1', 'Pat', 'paralegal'), ('a1', 'Alex', 'attorney');
            INSERT INTO cases (id, number, status, assignee_id, attorney_id, opened_at)
                SELECT 'c' || n, 'N-' || n, 'open', 'p1', 'a1', '2026-09-01T16:00:00Z' FROM generate_series(0, \(cases - 1)) AS n;
            """)
        try #require(status == 0, "\(output)")
        var partial = 0
        for round in 0..<20 {
            let victim = Int(rng.next() % 3)
            if round % 2 == 0 {
                try await Task.sleep(for: .milliseconds(Int(rng.next() % 1500) + 50))
            } else {
                let target = min(cases - 1, try firedCount() + Int(rng.next() % 1500) + 1)
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline, try firedCount() < target { try await Task.sleep(for: .milliseconds(5)) }
            }
            daemons[victim].signal(SIGKILL)
            _ = daemons[victim].wait()
            let n = try firedCount()
            if n > 0 && n < cases { partial += 1 }
            daemons[victim] = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: env)
            pids.append(daemons[victim].process.processIdentifier)
        }
        #expect(partial > 0, "some kills landed inside the burst")
        // The survivors finish; every fire is then recorded and journaled.
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_ledger WHERE outcome = 'fired' AND journaled",
                                                 is: [["\(cases)"]], timeout: 300))
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
        let ledger = try db.rows("SELECT case_id, stage, outcome FROM tickler_ledger")
        #expect(ledger.count == 2 * cases, "each step recorded once")
        #expect(Set(ledger.filter { $0[2] == "fired" }.map { $0[0] }).count == cases)
        #expect(ledger.allSatisfy { ($0[1] == "2") == ($0[2] == "fired") })
        let journaled = try JournalQuery.values(of: "TICKLER_FIRE_ID", ["MESSAGE_ID=\(JournalEvent.escalationFired.messageID)"]
                                                    + pids.map { "_PID=\($0)" })
        let fired = Set(try db.rows("SELECT fire_id FROM tickler_ledger WHERE outcome = 'fired'").map { $0[0] })
        #expect(fired.subtracting(journaled).isEmpty, "\(fired.subtracting(journaled).count) fires never reached the journal")
        #expect(Set(journaled).isSubset(of: fired))
        #expect(journaled.count - Set(journaled).count <= 20, "a kill repeats at most the entry it caught")
        // The instances spread the work.
        #expect(Int(try db.rows("SELECT count(DISTINCT recorded_by) FROM tickler_ledger WHERE outcome = 'fired'")[0][0]) ?? 0 >= 3)
    }
}
