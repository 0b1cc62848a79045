import Foundation
import Testing
import TicklerClio
import TicklerCore
import TicklerDelivery
import TicklerPostgres
import TicklerStore
import TicklerTestKit

/// Clio's webhooks end to end over real HTTP: the sync (on an injected clock) subscribes them with the real
/// `tickler-inbound` as their URL, and the fake Clio delivers signed changes to it. A change is in the store
/// and on the change feed when the delivery is answered; a forged one gets 401 and writes nothing; a
/// repeat or an older version writes nothing; a deleted task's row goes; a change whose delivery was
/// dropped is caught by the next reconcile; and nothing of the client reaches the receiver's log.
@Suite(.serialized, .ownThreads) struct ClioWebhookTests {
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tickler-inbound")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: TestServer.root + "/.build/debug/tickler-inbound")
    }()

    static func matter(stage: String, updated: String) -> [String: Any] {
        ["id": 1001, "display_number": "M-1", "description": "Canary v. Finch", "status": "Open", "open_date": "2026-09-01",
         "matter_stage": ["id": 4, "name": stage], "updated_at": updated,
         "client": ["id": 501, "name": "Ann Canary", "primary_email_address": "ann@example.test"]]
    }

    static func task(updated: String) -> [String: Any] {
        ["id": 90, "name": "Call client", "due_at": "2027-01-15", "matter": ["id": 1001], "updated_at": updated]
    }

    /// A delivery through the fake; the receiver's status.
    static func deliver(_ base: String, webhook: String, event: String = "updated", data: [String: Any], forge: Bool = false) throws -> Int {
        let body = try JSONSerialization.data(withJSONObject: ["webhook_id": Int(webhook)!, "event": event, "data": data, "forge": forge])
        let r = HTTPExchange().send("POST", base + "/fake/deliver", headers: ["Content-Type: application/json"], body: Array(body))
        let o = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
        return o?["status"] as? Int ?? -1
    }

    enum Kind: String, CaseIterable { case sqlite, postgres }

    @Test(arguments: Kind.allCases)
    func signedChangesReachTheStoreAndNothingElseDoes(_ kind: Kind) async throws {
        let dir = "/tmp/tickler-clio-webhook-\(UUID().uuidString.prefix(8))"
        let clio = try ClioFakeAccount(directory: dir + "/fake", firm: ["matters": [Self.matter(stage: "Intake", updated: Self.ago(hours: 72))],
                                                                   "tasks": [Self.task(updated: Self.ago(hours: 72))]])
        defer { clio.server.stop() }
        let base = clio.base
        // The store (SQLite, or a PostgreSQL database whose password is a credential of tickler-inbound's).
        let store: any SyncState
        let rows: (String) throws -> [[String]]
        var storeLine = "store: { sqlite: tickler.db }"
        var database: TestDatabase?
        switch kind {
        case .sqlite:
            store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
            rows = { try sqliteRows(dir + "/tickler.db", $0) }
        case .postgres:
            let db = try TestDatabase()
            database = db
            try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
            try db.password.write(toFile: dir + "/credentials/pg-password", atomically: true, encoding: .utf8)
            var settings = PostgresSettings(host: db.host, port: db.port, user: db.user, database: db.name, tls: .disable, password: db.password)
            settings.applicationName = "test"
            store = try await PostgresCaseStore(settings, instance: "test")
            rows = { try db.rows($0) }
            storeLine = "store: { postgres: \"\(db.url)\", password_credential: pg-password }"
        }
        defer { _ = database }
        try """
            calendars:
              firm: { timezone: America/New_York }
            \(storeLine)
            \(clio.syncBlock())
            policies:
              - { id: p, clock: { since: opened }, stages: [{ after: 1 day, notify: [assignee] }] }
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let inbound = Process()
        inbound.executableURL = Self.binary
        inbound.arguments = ["--config", dir + "/tickler.yaml", "--listen", "127.0.0.1:0"]
        inbound.environment = ProcessInfo.processInfo.environment.merging(["CREDENTIALS_DIRECTORY": dir + "/credentials"]) { _, n in n }
        let out = Pipe()
        inbound.standardOutput = out
        _ = FileManager.default.createFile(atPath: dir + "/inbound.log", contents: nil)
        inbound.standardError = FileHandle(forWritingAtPath: dir + "/inbound.log")
        try inbound.run()
        defer { if inbound.isRunning { inbound.terminate() } }
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let port = try #require(Int(String(decoding: line, as: UTF8.self).dropFirst(5).prefix { $0.isNumber }))

        let start = Instant(seconds: Int64(Date().timeIntervalSince1970))
        let clock = ManualClock(start)
        // The API's pacing and retries on the wall clock, the service's schedule on the injected one (as in
        // ClioSyncServiceTests).
        let api = ClioAPI(account: .init(apiURL: base + "/api/v4", tokenURL: base + "/oauth/token", clientID: "app", clientSecret: "s",
                                         refreshToken: "r"), clock: SystemClock(), perMinute: 100_000)
        let sync = ClioSync(api: api, store: store, mapping: ClioMapping(defaults: .init(timeZone: "America/New_York"))!, clock: clock)
        let service = ClioSyncService(sync: sync, webhookURL: "http://127.0.0.1:\(port)/clio/webhook", reconcile: 600)
        let task = Task { try await service.run { _ in } }
        defer { task.cancel() }
        #expect(await ClioSyncServiceTests.asleep(clock, until: start.adding(seconds: 600)))
        let hooks = try await store.syncWebhooks(source: "clio")
        #expect(hooks.count == 5 && hooks.allSatisfy { $0.status == "enabled" })
        let matterHook = try #require(hooks.first { $0.model == "matter" }).id
        let taskHook = try #require(hooks.first { $0.model == "task" }).id
        #expect(try rows("SELECT stage FROM cases") == [["intake"]])

        // Versions are Clio's updated_at, in the past of this clock (a reconcile asks from a little before its start).
        let discovered = Self.ago(hours: 24)
        // A stage change: in the store and on the change feed by the time the delivery is answered.
        let seq = try rows("SELECT max(seq) FROM tickler_changes")[0][0]
        #expect(try Self.deliver(base, webhook: matterHook, data: Self.matter(stage: "Discovery", updated: discovered)) == 200)
        #expect(try rows("SELECT stage FROM cases") == [["discovery"]])
        #expect(try rows("SELECT DISTINCT table_name FROM tickler_changes WHERE seq > \(seq) ORDER BY 1")
            == [["cases"], ["contacts"], ["stage_changes"]])
        let after = try rows("SELECT max(seq) FROM tickler_changes")

        // Forged: refused before it is read, nothing written.
        #expect(try Self.deliver(base, webhook: matterHook, data: Self.matter(stage: "Closing", updated: Self.ago(hours: 1)), forge: true)
            == 401)
        // The same delivery again, and an older version after it: answered, nothing written.
        #expect(try Self.deliver(base, webhook: matterHook, data: Self.matter(stage: "Discovery", updated: discovered)) == 200)
        #expect(try Self.deliver(base, webhook: matterHook, data: Self.matter(stage: "Intake", updated: Self.ago(hours: 48))) == 200)
        #expect(try rows("SELECT max(seq) FROM tickler_changes") == after)
        #expect(try rows("SELECT stage FROM cases") == [["discovery"]])
        // A matter delivered by the task's webhook is not a task: refused.
        #expect(try Self.deliver(base, webhook: taskHook, data: ["id": "x"]) == 400)
        // A deleted task: its deadline goes.
        #expect(try rows("SELECT id FROM deadlines") == [["clio:task:90"]])
        #expect(try Self.deliver(base, webhook: taskHook, event: "deleted", data: ["id": 90]) == 200)
        #expect(try rows("SELECT count(*) FROM deadlines") == [["0"]])

        // A change whose delivery was dropped: the next reconcile brings it.
        let renamed = Self.matter(stage: "Trial", updated: Self.stamp(Date()))
        try JSONSerialization.data(withJSONObject: ["matters": [renamed]]).write(to: URL(fileURLWithPath: dir + "/fake/firm.json"))
        clock.advance(to: start.adding(seconds: 600))
        #expect(await ClioSyncServiceTests.asleep(clock, until: start.adding(seconds: 1200)))
        #expect(try rows("SELECT stage FROM cases") == [["trial"]])

        // The client's new address, delivered by the contacts' webhook: on the case the contact is the client of.
        let contactHook = try #require(hooks.first { $0.model == "contact" }).id
        #expect(try Self.deliver(base, webhook: contactHook, data: ["id": 501, "name": "Ann Canary", "primary_email_address": "ann@new.example.test",
                                                                   "updated_at": Self.ago(hours: 0)]) == 200)
        #expect(try rows("SELECT id, email FROM contacts") == [["clio:contact:501:matter:1001", "ann@new.example.test"]])

        // A handshake with a secret no webhook has is refused; with one it has, echoed.
        let bogus = HTTPExchange().send("POST", "http://127.0.0.1:\(port)/clio/webhook", headers: ["X-Hook-Secret: guessed"], body: Array("{}".utf8))
        #expect(bogus.status == 403)
        let real = HTTPExchange().send("POST", "http://127.0.0.1:\(port)/clio/webhook", headers: ["X-Hook-Secret: \(hooks[0].secret)"],
                                       body: Array("{}".utf8))
        #expect(real.status == 200 && real.headers["x-hook-secret"] == hooks[0].secret)
        inbound.terminate()
        inbound.waitUntilExit()
        let log = (try? String(contentsOfFile: dir + "/inbound.log", encoding: .utf8)) ?? ""
        #expect(!log.contains("Canary") && !log.contains("example.test"), "\(log)")
    }

    static func stamp(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
    static func ago(hours: Int) -> String { stamp(Date().addingTimeInterval(-Double(hours) * 3600)) }
}
