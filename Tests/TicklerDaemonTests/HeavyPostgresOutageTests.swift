import Foundation
import Glibc
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerPostgres
import TicklerTestKit
@testable import TicklerDaemon

/// Heavy: the database restarts under two instances, and one instance is cut off from it for two
/// minutes, while steps come due: each is recorded once, journaled, and late by no more than the fault
/// allows; each instance journals the outage it saw once, and its end once.
@Suite(.serialized, .ownThreads) struct HeavyPostgresOutageTests {
    static let lease = 5, poll = 1

    /// A configuration for `url`: one policy whose single stage is due a minute after a case opens.
    static func configure(_ dir: String, url: String, name: String = "tickler.yaml") throws -> String {
        let path = dir + "/" + name
        try """
            store: { postgres: "\(url)", password_credential: pg-password, lease: \(lease)s }
            poll: { interval: \(poll)s, full_rescan: 1h }
            policies:
              - id: welcome
                clock: { since: opened }
                stages: [{ after: 1 minute, action: escalate, notify: [assignee] }]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `count` cases, one due every `spacing` seconds from `from` seconds after now (by the database's clock).
    static func cases(_ db: TestDatabase, count: Int, from: Int, spacing: Int) throws {
        let (status, output) = try db.psql("""
            INSERT INTO people (id, name) VALUES ('p1', 'Pat');
            INSERT INTO cases (id, number, status, assignee_id, opened_at)
                SELECT 'c' || n, 'N-' || n, 'open', 'p1', now() - interval '60 seconds' + make_interval(secs => \(from) + n * \(spacing))
                FROM generate_series(0, \(count - 1)) AS n;
            """)
        try #require(status == 0, "\(output)")
    }

    /// Entries of kind `event` written by `pid`.
    static func entries(_ event: JournalEvent, _ pid: Int32) throws -> [[String: Any]] {
        try JournalQuery.entries(["MESSAGE_ID=\(event.messageID)", "_PID=\(pid)"])
    }

    /// Every case fired once, journaled; returns each fire's lateness in seconds (fired − due, by the
    /// database's clock) and the fire ids journaled by `pids`.
    static func settle(_ db: TestDatabase, count: Int, pids: [Int32]) throws -> (late: [Double], journaled: [String]) {
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_ledger WHERE journaled", is: [["\(count)"]], timeout: 300))
        let rows = try db.rows("SELECT case_id, outcome, extract(epoch FROM fired_at - due_at)::float8 FROM tickler_ledger")
        #expect(rows.count == count, "each step recorded once")
        #expect(Set(rows.map { $0[0] }).count == count)
        #expect(rows.allSatisfy { $0[1] == "fired" })
        let journaled = try JournalQuery.values(of: "TICKLER_FIRE_ID", ["MESSAGE_ID=\(JournalEvent.escalationFired.messageID)"]
                                                    + pids.map { "_PID=\($0)" })
        let fired = Set(try db.rows("SELECT fire_id FROM tickler_ledger").map { $0[0] })
        #expect(Set(journaled) == fired, "every fire journaled, nothing else")
        return (rows.compactMap { Double($0[2]) }, journaled)
    }

    @Test func aDatabaseRestartIsOneOutageAndOneRecoveryOnEachInstanceAndLosesNothing() throws {
        let cluster = try TestCluster()
        let db = try TestDatabase(on: cluster)
        let (dir, env) = try PostgresInstancesTests.directory(db)
        let config = try Self.configure(dir, url: db.url)
        let daemons = try PostgresInstancesTests.startReady([config, config], environment: env)
        defer { for d in daemons { d.signal(SIGKILL) } }
        // 40 steps, one due every second from 5 s on; the database goes down after the first few fire.
        let count = 40
        try Self.cases(db, count: count, from: 5, spacing: 1)
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) >= 3 FROM tickler_ledger", is: [["t"]]))
        let down = Date()
        try cluster.crash()
        // Down until both instances have seen it (each journals the outage), and for at least 15 s.
        for d in daemons {
            #expect(PostgresStallTests.until { try? Self.entries(.storeOutage, d.process.processIdentifier).first } != nil,
                    "\(d.stderrText)")
        }
        Thread.sleep(until: down.addingTimeInterval(15))
        try cluster.start()
        let outage = Date().timeIntervalSince(down)
        let (late, journaled) = try Self.settle(db, count: count, pids: daemons.map(\.process.processIdentifier))
        let worst = late.max() ?? .infinity
        #expect(worst <= outage + Double(Self.poll) + 5, "fired \(worst) s late after an outage of \(outage) s")
        #expect(journaled.count - Set(journaled).count <= 2, "at most one repeated entry per instance the crash caught")
        for d in daemons {
            let pid = d.process.processIdentifier
            #expect(PostgresStallTests.until { try? Self.entries(.storeRecovered, pid).first } != nil)
            #expect(try Self.entries(.storeOutage, pid).count == 1)
            #expect(try Self.entries(.storeRecovered, pid).count == 1)
        }
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
    }

    @Test func anInstanceCutOffForTwoMinutesIsOneOutageAndTheOtherFiresItsWork() throws {
        let db = try TestDatabase()
        let proxy = try TCPProxy(to: db.port)
        let (dir, env) = try PostgresInstancesTests.directory(db)
        let direct = try Self.configure(dir, url: db.url)
        let behind = try Self.configure(dir, url: db.url.replacingOccurrences(of: ":\(db.port)/", with: ":\(proxy.port)/"),
                                        name: "behind-proxy.yaml")
        let daemons = try PostgresInstancesTests.startReady([behind, direct], environment: env)
        let (cutOff, other) = (daemons[0], daemons[1])
        defer { for d in daemons { d.signal(SIGKILL) } }
        // 60 steps, one due every 3 s from 5 s on: before, during and after the cut.
        let count = 60
        try Self.cases(db, count: count, from: 5, spacing: 3)
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) >= 5 FROM tickler_ledger", is: [["t"]]))
        let cutAt = Date()
        proxy.cut()
        #expect(PostgresStallTests.until(timeout: 60) { try? Self.entries(.storeOutage, cutOff.process.processIdentifier).first } != nil,
                "the instance cut off journals the outage: \(cutOff.stderrText)")
        Thread.sleep(until: cutAt.addingTimeInterval(120))
        proxy.heal()
        #expect(PostgresStallTests.until { try? Self.entries(.storeRecovered, cutOff.process.processIdentifier).first } != nil)
        let (late, journaled) = try Self.settle(db, count: count, pids: daemons.map(\.process.processIdentifier))
        // The other instance went on: a step the cut-off one held is freed by the server within the lease.
        let worst = late.max() ?? .infinity
        #expect(worst <= Double(Self.lease + Self.poll) + 5, "fired \(worst) s late while one instance was cut off")
        #expect(journaled.count - Set(journaled).count <= 1, "at most the entry the cut caught is repeated")
        #expect(try Self.entries(.storeOutage, cutOff.process.processIdentifier).count == 1)
        #expect(try Self.entries(.storeRecovered, cutOff.process.processIdentifier).count == 1)
        #expect(try Self.entries(.storeOutage, other.process.processIdentifier).isEmpty)
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
    }
}
