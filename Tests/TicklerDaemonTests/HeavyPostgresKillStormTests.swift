import Foundation
import Glibc
import Testing
import TicklerCore
@testable import TicklerJournal
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerDaemon
@testable import TicklerStore

/// Heavy: three instances on one PostgreSQL database while 50,000 fires come due, half of them sent by
/// email and half by webhook; one instance killed (`kill -9`) and restarted twenty times, ten while the
/// burst fires and ten while it is sent.
@Suite(.serialized, .ownThreads) struct HeavyPostgresKillStormTests {
    static let cases = 50_000
    static let kills = 20

    @Test func killingInstancesAtRandomLosesAndDoublesNothing() async throws {
        let cases = Self.cases
        let db = try TestDatabase()
        let (dir, env) = try PostgresInstancesTests.directory(db)
        let sink = try TestServer.smtp(directory: dir + "/sink", tally: true)
        let hook = try TestServer.webhook(directory: dir + "/hook", secret: DeliveryFirm.secret, tally: true)
        try DeliveryFirm.secret.write(toFile: dir + "/credentials/webhook-secret", atomically: true, encoding: .utf8)
        try """
            store: { postgres: "\(db.url)", password_credential: pg-password, lease: 10s }
            poll: { interval: 1s, full_rescan: 1h }
            delivery: { retry_after: 1s, retry_max: 2s }
            channels:
              email: { type: email, smtp: "smtp://127.0.0.1:\(sink.port)", starttls: off, from: "Tickler <tickler@firm.test>" }
              hook: { type: webhook, url: "http://127.0.0.1:\(hook.port)/tickler", secret_credential: webhook-secret }
            policies:
              - id: storm-mail
                applies_to: { practice_area: [mail] }
                clock: { since: opened }
                stages:
                  - { after: 1 day, action: remind, notify: [assignee] }
                  - { after: 2 days, action: escalate, notify: [assignee], via: [email], deliver: immediately }
              - id: storm-hook
                applies_to: { practice_area: [hook] }
                clock: { since: opened }
                stages:
                  - { after: 1 day, action: remind, notify: [assignee] }
                  - { after: 2 days, action: escalate, notify: [assignee], via: [hook], deliver: immediately }
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        var rng = SplitMix64(seed: 20_261_130)
        func count(_ sql: String) throws -> Int { Int(try db.rows(sql)[0][0]) ?? 0 }
        var pids: [Int32] = []
        var daemons: [DaemonProcess] = []
        for _ in 0..<3 {
            let d = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: env)
            pids.append(d.process.processIdentifier)
            daemons.append(d)
        }
        var stopped = false
        defer { if !stopped { for d in daemons { d.signal(SIGKILL) } } }
        // The schema is there once the first instance has started.
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'tickler_migrations'", is: [["1"]]))
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_migrations", is: [["\(PostgresSchema.migrations.count)"]]))
        // The burst: both stages of every case are due; the instances take the cases as the writer commits.
        let (status, output) = try db.psql("""
            INSERT INTO people (id, name, email, role) VALUES ('p1', 'Pat', 'pat@firm.test', 'paralegal');
            INSERT INTO cases (id, number, status, practice_area, assignee_id, opened_at)
                SELECT 'c' || n, 'N-' || n, 'open', CASE WHEN n % 2 = 0 THEN 'mail' ELSE 'hook' END, 'p1', '2026-09-01T16:00:00Z'
                FROM generate_series(0, \(cases - 1)) AS n;
            """)
        try #require(status == 0, "\(output)")
        // Kills paced by the burst's progress, not by the clock: the first half each time another share of
        // the fires is recorded, the second half each time another share of the sends is delivered; the
        // victim is drawn at random, wherever it is (claiming, journaling, sending).
        let firedCount = "SELECT count(*) FROM tickler_ledger WHERE outcome = 'fired'"
        let deliveredCount = "SELECT count(*) FROM tickler_deliveries WHERE status = 'delivered'"
        let half = Self.kills / 2
        var (whileFiring, whileSending) = (0, 0)
        for k in 0..<Self.kills {
            let (progress, target) = k < half ? (firedCount, (k + 1) * cases / (half + 1))
                : (deliveredCount, (k - half + 1) * cases / (half + 1))
            let end = Date().addingTimeInterval(600)  // a hang guard only
            while try count(progress) < target {
                try #require(Date() < end, "the burst stalled before \(target) (\(progress))")
                try await Task.sleep(for: .milliseconds(100))
            }
            let victim = Int(rng.next() % 3)
            daemons[victim].signal(SIGKILL)
            _ = daemons[victim].wait()
            if try count(firedCount) < cases { whileFiring += 1 }
            if try count(deliveredCount) < cases { whileSending += 1 }
            daemons[victim] = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: env)
            pids.append(daemons[victim].process.processIdentifier)
        }
        #expect(whileFiring > 0, "some kills landed while the burst was firing")
        #expect(whileSending > 0, "some kills landed while its deliveries were being sent")
        // The survivors finish: every fire recorded and journaled, every delivery delivered.
        #expect(try PostgresInstancesTests.until(db, "SELECT count(*) FROM tickler_ledger WHERE outcome = 'fired' AND journaled",
                                                 is: [["\(cases)"]], timeout: 600))
        #expect(try PostgresInstancesTests.until(db, "SELECT status, count(*) FROM tickler_deliveries GROUP BY status",
                                                 is: [["delivered", "\(cases)"]], timeout: 900))
        for d in daemons { d.signal(SIGTERM) }
        for d in daemons { #expect(d.wait() == 0, "\(d.stderrText)") }
        stopped = true

        // The ledger: each step recorded once, the second fired, the first skipped by the collapse.
        let ledger = try db.rows("SELECT case_id, stage, outcome FROM tickler_ledger")
        #expect(ledger.count == 2 * cases, "each step recorded once")
        #expect(Set(ledger.filter { $0[2] == "fired" }.map { $0[0] }).count == cases)
        let collapsed = ledger.allSatisfy { ($0[1] == "2") == ($0[2] == "fired") }
        #expect(collapsed, "the second stage fired, the first skipped")
        let fired = Set(try db.rows("SELECT fire_id FROM tickler_ledger WHERE outcome = 'fired'").map { $0[0] })
        let mailed = Set(try db.rows("SELECT fire_id FROM tickler_ledger WHERE outcome = 'fired' AND policy = 'storm-mail'").map { $0[0] })
        #expect(mailed.count == cases / 2)

        // The journal: every fire at least once, a repeat only for the batch of entries a kill caught.
        let journaled = try JournalQuery.values(of: "TICKLER_FIRE_ID", ["MESSAGE_ID=\(JournalEvent.escalationFired.messageID)"]
                                                    + pids.map { "_PID=\($0)" })
        // (Counts and flags, not the sets: a failure prints its operands, tens of thousands of ids.)
        let unjournaled = fired.subtracting(journaled).count, onlyFires = Set(journaled).isSubset(of: fired)
        #expect(unjournaled == 0, "fires that never reached the journal")
        #expect(onlyFires, "only the fires journaled")
        #expect(journaled.count - fired.count <= Self.kills * PostgresCaseStore.journalBatch,
                "a kill repeats at most the batch of entries it caught")

        // Each fire's email or webhook received, again only when a kill caught its send (one send in flight
        // per lane: at most one of each per kill), and always under the fire's key.
        let emails = sink.tally().map { line in
            (fire: String(line[0].dropFirst().prefix { $0 != "." }), to: line.count > 1 ? String(line[1]) : "")
        }
        let mailedFires = Set(emails.map(\.fire)), hooked = fired.subtracting(mailed)
        let unmailed = mailed.subtracting(mailedFires).count, onlyMailed = mailedFires.isSubset(of: mailed)
        #expect(unmailed == 0, "emails never received")
        #expect(onlyMailed, "only the fires' emails")
        let allToPat = emails.allSatisfy { $0.to == "pat@firm.test" }
        #expect(allToPat, "every email to the assignee")
        #expect(emails.count - mailed.count <= Self.kills, "\(emails.count - mailed.count) emails received twice")
        let requests = hook.tally()
        let hookedFires = Set(requests.map { String($0[0]) })
        let unhooked = hooked.subtracting(hookedFires).count, onlyHooked = hookedFires.isSubset(of: hooked)
        #expect(unhooked == 0, "webhooks never received")
        #expect(onlyHooked, "only the fires' webhooks")
        let allSigned = requests.allSatisfy { $0.count == 2 && $0[1] == "ok" }
        #expect(allSigned, "every request signed")
        #expect(requests.count - hooked.count <= Self.kills, "\(requests.count - hooked.count) webhooks received twice")
        // The instances spread the work.
        #expect(try count("SELECT count(DISTINCT recorded_by) FROM tickler_ledger WHERE outcome = 'fired'") >= 3)
    }
}
