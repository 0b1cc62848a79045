import Foundation
import PostgresNIO
import Systemd
import Testing
import TicklerCore
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerDaemon
@testable import TicklerStore

/// Several instances on one PostgreSQL database fire exactly what one instance on SQLite fires, and what
/// `tickler simulate` lists: the same demo firm, copied with `tickler migrate-store`, over a month of the
/// database's pinned legal time, three daemons ticking at once every 15 minutes.
enum PostgresAgreement {
    static let config = SimulateAgreementTests.config

    /// `fullRescan`: the steady sweep's lap (a safety net that evaluates every case again; fires come from
    /// the wakes): a long lap keeps a large firm's month of ticks short in a debug build.
    static func run(cases: Int, days: Int, fullRescan: String = "6h") async throws {
        let dir = "/tmp/tickler-pg-agree-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        let db = try TestDatabase()
        let config = Self.config.replacingOccurrences(of: "full_rescan: 6h", with: "full_rescan: \(fullRescan)")
        try config.write(toFile: dir + "/sqlite.yaml", atomically: true, encoding: .utf8)
        try config.replacingOccurrences(of: "store: { sqlite: tickler.db }",
                                        with: "store: { postgres: \"\(db.url)\", password_credential: pg-password }")
            .write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        try db.password.write(toFile: dir + "/credentials/pg-password", atomically: true, encoding: .utf8)
        let tickler = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tickler")
        let made = try SimulateAgreementTests.run(tickler, ["demo-data", "--cases", "\(cases)", "--seed", "7", "--as-of", "2026-11-02",
                                                            "--out", dir + "/tickler.db"])
        #expect(made.status == 0, "\(made.err)")
        let from = RFC3339.parse("2026-11-02T16:00:00Z")!, to = from.adding(seconds: Int64(days) * 86_400)
        let listed = try SimulateAgreementTests.run(tickler, ["simulate", "--config", dir + "/sqlite.yaml", "--from", from.rfc3339,
                                                              "--to", to.rfc3339])
        #expect(listed.status == 0, "\(listed.err)")
        var simulated: [String: String] = [:]
        for line in listed.out.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            simulated["\(o["case"]!) \(o["policy"]!) \(o["subject"]!) \(o["stage"]!) \(o["repeat"]!)"] = o["due"] as? String
        }
        let migrated = try SimulateAgreementTests.run(tickler, ["migrate-store", "--config", dir + "/tickler.yaml",
                                                                "--from", dir + "/tickler.db"],
                                                        env: ["CREDENTIALS_DIRECTORY": dir + "/credentials"])
        #expect(migrated.status == 0, "\(migrated.err)")
        #expect(migrated.out.contains("copied \(cases) cases"), "\(migrated.out)")

        // Legal time is the database's: pinned, and moved by the test.
        var adminSettings = PostgresSettings(host: db.host, port: db.port, user: db.user, database: db.name, tls: .disable,
                                             password: db.password)
        adminSettings.applicationName = "test"
        let admin = try await PostgresCaseStore(adminSettings, instance: "test")
        func pin(_ t: Instant) async throws {
            _ = try await admin.rows(PostgresQuery(unsafeSQL: """
                CREATE OR REPLACE FUNCTION tickler_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT '\(t.rfc3339)'::timestamptz $$
                """))
        }
        try await pin(from)
        let clocks = (0..<3).map { _ in ManualClock(from) }
        var daemons: [Daemon] = []
        for clock in clocks {
            var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                         events: RecordedEvents().log)
            options.credentials = Credentials(directory: dir + "/credentials")
            daemons.append(try await Daemon(options: options))
        }
        // The three catch up at once, then tick at once every 15 minutes.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for d in daemons { group.addTask { try await d.catchUp() } }
            try await group.waitForAll()
        }
        // Ticks up to and including `to`: a step due after the last tick before `to` fires at `to`, as a
        // daemon running on would; the comparison is of the steps due before `to`.
        var t = from
        while t < to {
            t = t.adding(seconds: 900)
            try await pin(t)
            for c in clocks { c.set(t) }
            await withTaskGroup(of: Void.self) { group in
                for d in daemons { group.addTask { await d.timerFired() } }
            }
        }
        for d in daemons { await d.stop(bound: .seconds(5)) }
        var recorded: [String: String] = [:]
        var fireCount = 0
        for e in try await admin.ledger(caseID: nil, policy: nil, since: nil) where e.outcome == .fired && e.due < to {
            fireCount += 1
            recorded["\(e.caseID) \(e.key.cycle.policy) \(e.key.cycle.subject) \(e.key.step.stage) \(e.key.step.repeatNumber)"] = e.due.rfc3339
        }
        #expect(fireCount == recorded.count, "each step recorded once")
        #expect(Set(recorded.keys).subtracting(simulated.keys).sorted() == [], "fired by the instances only")
        #expect(Set(simulated.keys).subtracting(recorded.keys).sorted() == [], "listed by simulate only")
        #expect(recorded == simulated)
        #expect(simulated.count > cases / 2, "the firm should give work every day")
        // Each came at the first tick at or after it was due.
        let late = try await admin.ledger(caseID: nil, policy: nil, since: nil)
            .filter { $0.outcome == .fired && $0.firedAt.seconds - max($0.due, from).seconds >= 900 }
        #expect(late.map { "\($0.caseID) \($0.key.cycle.policy) due \($0.due) fired \($0.firedAt)" } == [])
        // More than one instance did the work.
        let instances = try db.rows("SELECT count(DISTINCT recorded_by) FROM tickler_ledger WHERE outcome = 'fired'")
        #expect(Int(instances.first?.first ?? "0") ?? 0 >= 2)
        await admin.close()
    }
}

@Suite(.serialized, .ownThreads) struct PostgresAgreementTests {
    @Test func threeInstancesFireWhatSimulateListsOverTwoDays() async throws {
        try await PostgresAgreement.run(cases: 60, days: 2)
    }
}

@Suite(.serialized, .ownThreads) struct HeavyPostgresAgreementTests {
    /// The issue's size: 10,000 cases over 30 days.
    @Test func threeInstancesFireWhatSimulateListsForTenThousandCasesOverAMonth() async throws {
        try await PostgresAgreement.run(cases: 10_000, days: 30, fullRescan: "720h")
    }
}
