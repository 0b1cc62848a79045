import Foundation
import Glibc
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerPostgres
import TicklerTestKit
@testable import TicklerDaemon

/// An instance stopped (SIGSTOP) for longer than the store's lease, in the middle of a claim and in the
/// middle of a send, then resumed: the others take its work over, and what it does late is refused.
@Suite(.serialized, .ownThreads) struct PostgresStallTests {
    static let lease = 5, poll = 1

    /// The process of the instance whose session matches `condition` in pg_stat_activity (its sessions carry
    /// its name, `host:pid:random`).
    static func instance(_ db: TestDatabase, where condition: String, among daemons: [DaemonProcess]) throws -> DaemonProcess? {
        let names = try db.rows("SELECT application_name FROM pg_stat_activity WHERE \(condition)").map { $0[0] }
        return daemons.first { d in names.contains { $0.split(separator: ":").dropFirst().first == "\(d.process.processIdentifier)" } }
    }

    /// Waits (bounded, as a hang guard) for `value` to be non-nil.
    static func until<T>(timeout: Double = 120, _ value: () throws -> T?) rethrows -> T? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let v = try value() { return v }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    @Test func aStalledInstancesLateCommitAndLateCompletionAreRefusedAndTheOthersTakeOver() throws {
        let db = try TestDatabase()
        let (dir, env) = try PostgresInstancesTests.directory(db)
        let receiver = try TestServer.webhook(directory: dir + "/hook", secret: DeliveryFirm.secret)
        try DeliveryFirm.secret.write(toFile: dir + "/credentials/webhook-secret", atomically: true, encoding: .utf8)
        try """
            store: { postgres: "\(db.url)", password_credential: pg-password, lease: \(Self.lease)s }
            poll: { interval: \(Self.poll)s, full_rescan: 1h }
            delivery: { retry_after: 1s, retry_max: 2s }
            channels:
              hook: { type: webhook, url: "http://127.0.0.1:\(receiver.port)/tickler", secret_credential: webhook-secret }
            policies:
              - id: welcome
                clock: { since: opened }
                stages: [{ after: 1 minute, notify: [assignee], via: [hook], deliver: immediately }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let daemons = try PostgresInstancesTests.startReady([dir + "/tickler.yaml", dir + "/tickler.yaml"], environment: env)
        defer { for d in daemons { d.signal(SIGCONT); d.signal(SIGKILL) } }
        try #require(db.psql("INSERT INTO people (id, name) VALUES ('p1', 'Pat')").0 == 0)

        // 1. Stalled inside a claim. A session holds the ledger so that the claim of c1 waits on it, inside
        // its transaction: the instance that claimed c1 is stopped there; the ledger is then let go.
        try db.psql("CREATE TABLE go (x int)")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: db.bin + "/psql")
        holder.arguments = ["-X", "-q", "-h", db.host, "-p", "\(db.port)", "-U", db.user, "-d", db.name, "-c", """
            BEGIN; LOCK TABLE tickler_ledger IN SHARE MODE;
            DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM go) LOOP PERFORM pg_sleep(0.02); END LOOP; END $$;
            COMMIT;
            """]
        holder.environment = ["PGPASSWORD": db.password]
        try holder.run()
        try #require(Self.until {
            try db.rows("""
                SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'tickler_ledger' AND l.mode = 'ShareLock' AND l.granted
                """).first
        } != nil, "the holder never took the ledger")
        try #require(db.psql("""
            INSERT INTO cases (id, number, status, assignee_id, opened_at) VALUES ('c1', 'N-1', 'open', 'p1', now() - interval '2 minutes')
            """).0 == 0)
        let stalled = try #require(try Self.until {
            try Self.instance(db, where: "wait_event_type = 'Lock' AND query LIKE '%tickler_ledger%'", among: daemons)
        }, "no instance's claim waited on the ledger")
        let other = daemons.first { $0.process.processIdentifier != stalled.process.processIdentifier }!
        let (stalledPID, otherPID) = (stalled.process.processIdentifier, other.process.processIdentifier)
        stalled.signal(SIGSTOP)
        let letGo = try db.rows("SELECT extract(epoch FROM clock_timestamp())")[0][0]
        try db.psql("INSERT INTO go VALUES (1)")
        holder.waitUntilExit()
        // The server ends the stalled transaction after the lease; the other instance then claims c1.
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_ledger WHERE case_id = 'c1'", is: [["1"]], timeout: 120))
        let row = try db.rows("""
            SELECT recorded_by, extract(epoch FROM recorded_at)::float8 - \(letGo) FROM tickler_ledger WHERE case_id = 'c1'
            """)
        #expect(row.first?[0].split(separator: ":").dropFirst().first == "\(otherPID)", "c1 fired from the instance that was not stopped")
        let after = Double(row.first?[1] ?? "") ?? .infinity
        #expect(after >= Double(Self.lease) - 1, "the stalled claim held c1 until the server ended it (\(after) s)")
        #expect(after <= Double(Self.lease + Self.poll) + 5, "c1 fired \(after) s after it was let go: within the lease and one poll")
        // Resumed, the stalled instance finds its transaction gone: its late commit fails (journaled as an
        // outage of the store, then its recovery), and c1 stays recorded once.
        stalled.signal(SIGCONT)
        let recovered = try Self.until {
            try JournalQuery.entries(["MESSAGE_ID=\(JournalEvent.storeRecovered.messageID)", "_PID=\(stalledPID)"]).first
        }
        #expect(recovered != nil, "\(stalled.stderrText)")
        #expect(try JournalQuery.entries(["MESSAGE_ID=\(JournalEvent.storeOutage.messageID)", "_PID=\(stalledPID)"]).count == 1)
        #expect(try db.rows("SELECT count(*) FROM tickler_ledger WHERE case_id = 'c1'") == [["1"]])
        // c1's webhook went out once, from the other instance.
        #expect(receiver.waitFor(1).count == 1)

        // 2. Stalled inside a send. The receiver holds the next request; its sender is stopped; the request
        // is answered into the stopped process; the claim runs out and the other instance sends it again
        // (same Idempotency-Key) and records it; the late completion is refused and journaled.
        receiver.setMode("hold")
        try #require(db.psql("""
            INSERT INTO cases (id, number, status, assignee_id, opened_at) VALUES ('c2', 'N-2', 'open', 'p1', now() - interval '2 minutes')
            """).0 == 0)
        try #require(receiver.waitFor(2, timeout: 120).count == 2, "c2's webhook never came")
        let sender = try #require(try Self.until {
            try db.rows("""
                SELECT d.claimed_by FROM tickler_deliveries d JOIN tickler_ledger l ON l.fire_id = d.source_id
                WHERE l.case_id = 'c2' AND d.claimed_by IS NOT NULL
                """).first?[0]
        })
        let slow = try #require(daemons.first { sender.split(separator: ":").dropFirst().first == "\($0.process.processIdentifier)" })
        let fast = daemons.first { $0.process.processIdentifier != slow.process.processIdentifier }!
        slow.signal(SIGSTOP)
        receiver.setMode("200")
        _ = FileManager.default.createFile(atPath: receiver.directory + "/release", contents: nil)
        let delivered = try Self.until {
            try db.rows("""
                SELECT a.claimant FROM tickler_delivery_attempts a JOIN tickler_deliveries d ON d.id = a.delivery_id
                JOIN tickler_ledger l ON l.fire_id = d.source_id WHERE l.case_id = 'c2' AND a.outcome = 'delivered'
                """).first?[0]
        }
        #expect(delivered?.split(separator: ":").dropFirst().first == "\(fast.process.processIdentifier)",
                "the other instance sent c2's webhook again and recorded it")
        let requests = receiver.received().filter { ($0["body"] as? String)?.contains("N-2") ?? false }
        #expect(requests.count == 2)
        let keys = Set(requests.compactMap { ($0["headers"] as? [String: String])?["Idempotency-Key"] })
        #expect(keys.count == 1, "both sends carry the fire's idempotency key: \(keys)")
        slow.signal(SIGCONT)
        let lost = try Self.until {
            try JournalQuery.entries(["MESSAGE_ID=\(JournalEvent.claimLost.messageID)", "_PID=\(slow.process.processIdentifier)"]).first
        }
        #expect(lost != nil, "the late completion was refused and journaled")
        #expect(try db.rows("""
            SELECT count(*) FROM tickler_delivery_attempts a JOIN tickler_deliveries d ON d.id = a.delivery_id
            JOIN tickler_ledger l ON l.fire_id = d.source_id WHERE l.case_id = 'c2'
            """) == [["1"]], "only the holder's attempt is recorded")
        #expect(try JournalQuery.entries(["MESSAGE_ID=\(JournalEvent.delivered.messageID)", "TICKLER_CASE_ID=c2",
                                          "_PID=\(slow.process.processIdentifier)"]).isEmpty)
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
        _ = (stalledPID, otherPID)
    }
}
