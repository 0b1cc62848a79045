import Foundation
import Testing
import TicklerTestKit

/// The operator's commands against a PostgreSQL store: the same answers as on SQLite.
@Suite(.ownThreads) struct PostgresCommandTests {
    /// The small firm's configuration pointed at a fresh database, its password in a credentials directory.
    static func postgresFirm(_ db: TestDatabase) throws -> (dir: String, env: [String: String]) {
        let dir = scratch()
        let config = smallConfig.replacingOccurrences(
            of: "store: { sqlite: tickler.db }", with: "store: { postgres: \"\(db.url)\", password_credential: pg-password }")
        put(config, dir + "/tickler.yaml")
        put(smallFirm, dir + "/firm.json")
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        put(db.password, dir + "/credentials/pg-password")
        return (dir, ["CREDENTIALS_DIRECTORY": dir + "/credentials"])
    }

    @Test func importPlanSimulateAndHistoryAnswerAsOnSQLite() throws {
        let db = try TestDatabase()
        let (dir, env) = try Self.postgresFirm(db)
        let imported = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/firm.json"], env: env)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try db.rows("SELECT id FROM cases") == [["c1"]])
        let lite = try smallFirmDirectory()
        for args in [["simulate", "--from", "2026-09-01T00:00:00Z", "--to", "2026-10-10T00:00:00Z"],
                     ["plan", "--at", "2026-09-20T00:00:00Z"], ["plan", "--at", "2026-09-20T00:00:00Z", "--format", "json"]] {
            let pg = try TicklerBinary.run(args + ["--config", dir + "/tickler.yaml"], env: env)
            let sqlite = try TicklerBinary.run(args + ["--config", lite + "/tickler.yaml"])
            #expect(pg.status == 0, "\(args): \(pg.stderr)")
            #expect(pg.stdout == sqlite.stdout, "\(args)")
            #expect(!pg.stdout.isEmpty)
        }
        // A snooze is recorded in the database and wakes the case for the instances.
        let snooze = try TicklerBinary.run(["snooze", "c1", "--until", "2026-09-25T00:00:00Z", "--reason", "waiting on client",
                                            "--config", dir + "/tickler.yaml", "--at", "2026-09-20T00:00:00Z"], env: env)
        #expect(snooze.status == 0, "\(snooze.stderr)")
        #expect(try db.rows("SELECT case_id, kind FROM tickler_holds") == [["c1", "snooze"]])
    }

    @Test func anUnreachableOrRefusingDatabaseIsExitThreeWithTheServersReason() throws {
        let db = try TestDatabase()
        let (dir, env) = try Self.postgresFirm(db)
        put("wrong", dir + "/credentials/pg-password")
        let refused = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml"], env: env)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("password authentication failed"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("wrong"))
        let nowhere = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--store", "postgres://postgres@127.0.0.1:1/x?sslmode=disable"],
                                            env: env)
        #expect(nowhere.status == 3)
        #expect(nowhere.stderr.contains("postgres://postgres@127.0.0.1:1/x"), "\(nowhere.stderr)")
    }
}

/// `ticklerd --once` on PostgreSQL records what it records on SQLite: the same demo firm imported into
/// both, each caught up once. (The PostgreSQL catch-up woke its cases at a fraction of a second past the
/// second its claim then read, so none was due to it, and it recorded nothing.)
@Suite(.ownThreads) struct PostgresOnceTests {
    @Test func ticklerdOnceRecordsOnPostgreSQLWhatItRecordsOnSQLite() throws {
        let db = try TestDatabase()
        let (dir, env) = try PostgresCommandTests.postgresFirm(db)
        let lite = scratch()
        put(smallConfig, lite + "/tickler.yaml")
        let demo = try TicklerBinary.run(["demo-data", "--cases", "40", "--seed", "11", "--out", dir + "/demo.json", "--force"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(try TicklerBinary.run(["import", "--config", lite + "/tickler.yaml", dir + "/demo.json"]).status == 0)
        #expect(try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/demo.json"], env: env).status == 0)
        let before = RFC3339Text.now()
        let sqlite = try TicklerBinary.run(TicklerBinary.url.deletingLastPathComponent().appendingPathComponent("ticklerd"), ["--config", lite + "/tickler.yaml", "--once", "--deliver-timeout", "0"])
        let postgres = try TicklerBinary.run(TicklerBinary.url.deletingLastPathComponent().appendingPathComponent("ticklerd"), ["--config", dir + "/tickler.yaml", "--once", "--deliver-timeout", "0"], env: env)
        #expect(sqlite.status == 0 && postgres.status == 0, "\(sqlite.stderr) \(postgres.stderr)")
        // What came due between the two runs may differ; everything due before the first must not.
        let query = "SELECT policy, subject, stage, repeat, outcome FROM tickler_ledger WHERE due_at < '\(before)' ORDER BY policy, subject, stage, repeat"
        let onSQLite = try sqliteRows(lite + "/tickler.db", query)
        let onPostgres = try db.rows(query.replacingOccurrences(of: "'\(before)'", with: "'\(before)'::timestamptz"))
        #expect(onSQLite.count > 10, "the demo firm recorded too little to compare")
        #expect(onPostgres == onSQLite)
        // The caught-up entry counts what was recorded.
        let fired = onPostgres.filter { $0.last == "fired" }.count
        #expect(fired > 0)
        #expect(postgres.stderr.contains("fires recorded") && !postgres.stderr.contains(" 0 fires recorded"), "\(postgres.stderr)")
    }
}

enum RFC3339Text {
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}
