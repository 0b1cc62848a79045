import Foundation
import Testing
import TicklerTestKit

/// The operator's commands against a PostgreSQL store: the same answers as on SQLite.
@Suite struct PostgresCommandTests {
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
