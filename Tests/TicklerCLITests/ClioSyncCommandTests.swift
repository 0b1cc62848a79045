import Foundation
import Testing
import TicklerTestKit

/// `tickler sync clio --once` against the fake Clio API over loopback, into a real SQLite store: every
/// model's records become rows, what cannot be mapped is warned about by id only, a second pass writes
/// nothing new, and missing secrets are located errors.
@Suite(.serialized) struct ClioSyncCommandTests {
    static var firm: [String: Any] { [
        "users": [["id": 3, "name": "Alex Attorney", "email": "alex@firm.test", "enabled": true, "subscription_type": "Attorney"],
                  ["id": 7, "name": "Pat Paralegal", "email": "pat@firm.test", "enabled": true, "subscription_type": "NonAttorney"]],
        "matters": (1...250).map { i -> [String: Any] in
            ["id": 1000 + i, "display_number": i == 250 ? "" : "M-\(i)", "description": "Canary v. Finch \(i)", "status": "Open",
             "open_date": "2026-09-01", "updated_at": "2026-11-30T15:00:00Z", "responsible_attorney": ["id": 3], "responsible_staff": ["id": 7],
             "client": ["id": 500 + i, "name": "Ann Canary \(i)", "primary_email_address": "ann\(i)@example.test"]]
        },
        "calendar_entries": [["id": 77, "summary": "Hearing", "start_at": "2026-12-14T14:30:00Z", "all_day": false, "matter": ["id": 1001],
                              "attendees": [["id": 501, "type": "Contact"]]]],
        "tasks": [["id": 90, "name": "File before SOL", "due_at": "2027-03-01", "statute_of_limitations": true, "matter": ["id": 1001]]],
        "communications": [["id": 300, "type": "PhoneCommunication", "received_at": "2026-12-01T19:05:00Z", "matter": ["id": 1001],
                            "senders": [["id": 501, "type": "Contact"]]]],
    ] }

    struct Setup {
        let dir: String
        let server: TestServer
        var config: String { dir + "/tickler.yaml" }
        var db: String { dir + "/tickler.db" }

        init(writeSecrets: Bool = true) throws {
            dir = "/tmp/tickler-clio-sync-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: dir + "/fake", withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ClioSyncCommandTests.firm).write(to: URL(fileURLWithPath: dir + "/fake/firm.json"))
            server = try TestServer(script: "clio_fake.py", directory: dir + "/fake", arguments: [
                "--client-id", "tickler-app", "--client-secret", "secret-canary", "--refresh-token", "refresh-canary"])
            if writeSecrets {
                try "secret-canary\n".write(toFile: dir + "/credentials/clio-client-secret", atomically: true, encoding: .utf8)
                try "refresh-canary".write(toFile: dir + "/credentials/clio-refresh-token", atomically: true, encoding: .utf8)
            }
            try """
                firm: { name: Example Law }
                calendars:
                  firm: { timezone: America/New_York }
                store: { sqlite: tickler.db }
                sync:
                  clio:
                    region: us
                    client_id: tickler-app
                    client_secret_credential: clio-client-secret
                    refresh_token_credential: clio-refresh-token
                    webhook_url: "https://tickler.firm.test/clio/webhook"
                    api_url: "http://127.0.0.1:\(server.port)/api/v4"
                    token_url: "http://127.0.0.1:\(server.port)/oauth/token"
                policies:
                  - { id: p, clock: { since: opened }, stages: [{ after: 1 day, notify: [assignee] }] }
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func sync() throws -> TicklerBinary.Result {
            try TicklerBinary.run(["sync", "clio", "--once", "--config", config, "--credentials-directory", dir + "/credentials"])
        }
    }

    @Test func oneRunBringsEveryModelInAndASecondWritesNothingNew() throws {
        let s = try Setup()
        let first = try s.sync()
        #expect(first.status == 0, "\(first.stderr)")
        // Rows: 2 people, 249 cases with their 249 clients, an appointment, a deadline, a call. Requests: the token, users,
        // two pages of matters, calendar entries, tasks, communications.
        #expect(first.stdout == "synced 503 records from Clio in 7 requests; 1 skipped\n")
        #expect(first.stderr == "warning: clio matter 1250: no display number\n")
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM people WHERE id LIKE 'clio:user:%'") == [["2"]])
        #expect(try sqliteRows(s.db, "SELECT count(*), count(DISTINCT attorney_id) FROM cases") == [["249", "1"]])
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM contacts") == [["249"]])
        #expect(try sqliteRows(s.db, "SELECT id, case_id FROM appointments") == [["clio:calendar_entry:77", "clio:matter:1001"]])
        #expect(try sqliteRows(s.db, "SELECT id, kind FROM deadlines") == [["clio:task:90", "statute"]])
        #expect(try sqliteRows(s.db, "SELECT id, direction FROM communications") == [["clio:communication:300", "inbound"]])
        let feed = try sqliteRows(s.db, "SELECT count(*) FROM tickler_changes")
        let again = try s.sync()
        #expect(again.status == 0)
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM cases") == [["249"]])
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM contacts") == [["249"]])
        // Written again, upserted in place: the feed hears of each row, no row is doubled.
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM tickler_changes") != feed)
        for output in [first.stdout, first.stderr, again.stdout, again.stderr] {
            #expect(!output.contains("canary") && !output.contains("Canary"), "\(output)")
        }
    }

    @Test func missingSecretsAreLocatedErrorsAndNothingIsRequested() throws {
        let s = try Setup(writeSecrets: false)
        let r = try s.sync()
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(s.config):9:31: error: "), "\(r.stderr)")
        #expect(r.stderr.contains("\(s.config):10:31: error: "), "\(r.stderr)")
        #expect(((try? String(contentsOfFile: s.dir + "/fake/requests.jsonl", encoding: .utf8)) ?? "").isEmpty)
    }
}
