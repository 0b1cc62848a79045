import Foundation
import Testing
import TicklerTestKit

/// `tickler sync clio --once` against the fake Clio API over loopback, into a real SQLite store: every
/// model's records become rows, what cannot be mapped is warned about by id only, a second pass writes
/// nothing new, and missing secrets are located errors.
@Suite(.serialized, .ownThreads) struct ClioSyncCommandTests {
    static var firm: [String: Any] { [
        "users": [["id": 3, "name": "Alex Attorney", "email": "alex@firm.test", "enabled": true, "subscription_type": "Attorney"],
                  ["id": 7, "name": "Pat Paralegal", "email": "pat@firm.test", "enabled": true, "subscription_type": "NonAttorney"]],
        "matters": (1...250).map { i -> [String: Any] in
            ["id": 1000 + i, "display_number": i == 250 ? "" : "M-\(i)", "description": "Canary v. Finch \(i)", "status": "Open",
             "open_date": "2026-09-01", "updated_at": "2026-11-30T15:00:00Z", "responsible_attorney": ["id": 3], "responsible_staff": ["id": 7],
             "client": ["id": 500 + i, "name": "Ann Canary \(i)", "primary_email_address": "ann\(i)@example.test"]]
        },
        "relationships": [["id": 800, "description": "Guardian", "matter": ["id": 1001], "updated_at": "2026-11-30T15:00:00Z",
                           "contact": ["id": 9001, "name": "Gail Canary", "primary_phone_number": "(212) 555-0199"]]],
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

        init(writeSecrets: Bool = true, arguments: [String] = []) throws {
            dir = "/tmp/tickler-clio-sync-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: dir + "/fake", withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ClioSyncCommandTests.firm).write(to: URL(fileURLWithPath: dir + "/fake/firm.json"))
            server = try TestServer(script: "clio_fake.py", directory: dir + "/fake", arguments: [
                "--client-id", "tickler-app", "--client-secret", "secret-canary", "--refresh-token", "refresh-canary"] + arguments)
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

    /// The fake's firm as the test changes it.
    func rewrite(_ s: Setup, _ change: (inout [String: Any]) -> Void) throws {
        var firm = Self.firm
        change(&firm)
        try JSONSerialization.data(withJSONObject: firm).write(to: URL(fileURLWithPath: s.dir + "/fake/firm.json"))
    }

    /// The list requests the fake received, in order (path and query).
    func listRequests(_ s: Setup) -> [String] {
        let log = (try? String(contentsOfFile: s.dir + "/fake/requests.jsonl", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let path = o["path"] as? String,
                  path.hasPrefix("/api/v4/") else { return nil }
            return path
        }
    }

    static func stamp(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    @Test func oneRunBringsEveryModelInAndTheNextAsksOnlyForWhatChanged() throws {
        let s = try Setup()
        let first = try s.sync()
        #expect(first.status == 0, "\(first.stderr)")
        // Records: 2 users, 249 matters (each a case and its client's contact), a guardian, a calendar entry, a
        // task, a call. Requests: the token, users, two pages of matters, relationships, calendar entries, tasks,
        // communications.
        #expect(first.stdout == "synced 255 records from Clio (0 already current) in 8 requests; 1 skipped\n")
        #expect(first.stderr == "warning: clio matter 1250: no display number\n")
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM people WHERE id LIKE 'clio:user:%'") == [["2"]])
        #expect(try sqliteRows(s.db, "SELECT count(*), count(DISTINCT attorney_id) FROM cases") == [["249", "1"]])
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM contacts") == [["250"]])
        // The guardian is a contact of the case who never receives a client update.
        #expect(try sqliteRows(s.db, "SELECT id, case_id, phone, updates_enabled FROM contacts WHERE id LIKE '%:relationship:%'")
            == [["clio:contact:9001:matter:1001:relationship:800", "clio:matter:1001", "+12125550199", "0"]])
        #expect(try sqliteRows(s.db, "SELECT id, case_id FROM appointments") == [["clio:calendar_entry:77", "clio:matter:1001"]])
        #expect(try sqliteRows(s.db, "SELECT id, kind, completed_at IS NULL FROM deadlines") == [["clio:task:90", "statute", "1"]])
        #expect(try sqliteRows(s.db, "SELECT id, direction FROM communications") == [["clio:communication:300", "inbound"]])
        #expect(listRequests(s).allSatisfy { !$0.contains("updated_since") })
        let status = try TicklerBinary.run(["status", "--config", s.config])
        #expect(status.lines.contains { $0.hasPrefix("Clio sync: last run ") && $0.contains(", 255 written, 1 skipped; lag ") }, "\(status.stdout)")
        let seq = try sqliteRows(s.db, "SELECT max(seq) FROM tickler_changes")[0][0]

        // In Clio, a matter is renamed, the task done and another matter's client given a new address; the next
        // run asks for what was updated since the first began and writes those records only.
        let now = Self.stamp(Date())
        try rewrite(s) { firm in
            var matters = firm["matters"] as! [[String: Any]]
            matters[0]["description"] = "Renamed"
            matters[0]["updated_at"] = now
            firm["matters"] = matters
            firm["tasks"] = [["id": 90, "name": "File before SOL", "due_at": "2027-03-01", "statute_of_limitations": true, "matter": ["id": 1001],
                              "status": "complete", "completed_at": now, "updated_at": now]]
            // And the client of matter 1002 has a new email address, the matter itself unchanged.
            firm["contacts"] = [["id": 502, "name": "Ann Canary 2", "primary_email_address": "ann2@new.example.test", "updated_at": now],
                                // and the guardian of matter 1001 an email address.
                                ["id": 9001, "name": "Gail Canary", "primary_email_address": "gail@example.test",
                                 "primary_phone_number": "(212) 555-0199", "updated_at": now]]
        }
        let before = listRequests(s).count
        let second = try s.sync()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "synced 4 records from Clio (0 already current) in 8 requests; 0 skipped\n")
        let asked = listRequests(s).dropFirst(before)
        #expect(asked.count == 7 && asked.allSatisfy { $0.contains("updated_since=") }, "\(asked)")
        #expect(try sqliteRows(s.db, "SELECT title FROM cases WHERE id = 'clio:matter:1001'") == [["Renamed"]])
        #expect(try sqliteRows(s.db, "SELECT completed_at IS NOT NULL FROM deadlines") == [["1"]])
        #expect(try sqliteRows(s.db, "SELECT DISTINCT table_name, case_id FROM tickler_changes WHERE seq > \(seq) ORDER BY table_name, case_id")
            == [["cases", "clio:matter:1001"], ["contacts", "clio:matter:1001"], ["contacts", "clio:matter:1002"], ["deadlines", "clio:matter:1001"]])
        #expect(try sqliteRows(s.db, "SELECT email FROM contacts WHERE case_id = 'clio:matter:1002'") == [["ann2@new.example.test"]])
        #expect(try sqliteRows(s.db, "SELECT email, updates_enabled FROM contacts WHERE id LIKE 'clio:contact:9001:%'")
            == [["gail@example.test", "0"]])
        let seq2 = try sqliteRows(s.db, "SELECT max(seq) FROM tickler_changes")

        // The next run asks from a little before the last began: the four come again, and are not written again.
        let third = try s.sync()
        #expect(third.stdout == "synced 0 records from Clio (4 already current) in 8 requests; 0 skipped\n")
        #expect(try sqliteRows(s.db, "SELECT max(seq) FROM tickler_changes") == seq2)
        #expect(try sqliteRows(s.db, "SELECT source, error IS NULL FROM tickler_sync_runs") == [["clio", "1"]])
        for output in [first.stdout, first.stderr, second.stdout, second.stderr] {
            #expect(!output.contains("canary") && !output.contains("Canary"), "\(output)")
        }
    }

    /// Killed while it waits for the second page of matters, the sync resumes at that page: every record is
    /// written once (one change-feed entry per row), and the first page is not asked for again.
    @Test func aSyncKilledMidPassResumesWithoutWritingAnythingTwice() throws {
        // List requests: users, matters page 1, matters page 2 (never answered).
        let s = try Setup(arguments: ["--hang-at", "3"])
        let p = Process()
        p.executableURL = TicklerBinary.url
        p.arguments = ["sync", "clio", "--once", "--config", s.config, "--credentials-directory", s.dir + "/credentials"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // The second page is asked for while the first is written: killed once the fake holds that request and
        // the first page is in the store.
        let bound = Date().addingTimeInterval(120)
        func held() -> Bool {
            ((try? String(contentsOfFile: s.dir + "/fake/requests.jsonl", encoding: .utf8)) ?? "").contains("\"status\": 0")
                && (try? sqliteRows(s.db, "SELECT count(*) FROM cases")) == [["200"]]
        }
        while !held() {
            #expect(Date() < bound, "the fake never held the second page of matters with the first written")
            if Date() >= bound { break }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM cases") == [["200"]])
        let cursor = try sqliteRows(s.db, "SELECT next_page FROM tickler_sync_cursors WHERE model = 'matters'")
        #expect(cursor.first?.first?.contains("page_token=1200") == true, "\(cursor)")
        let before = listRequests(s).count

        let again = try s.sync()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("synced 53 records from Clio"), "\(again.stdout)")
        let matters = listRequests(s).dropFirst(before).filter { $0.hasPrefix("/api/v4/matters.json") }
        #expect(matters.count == 1 && matters.first?.contains("page_token=1200") == true, "\(matters)")
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM cases") == [["249"]])
        #expect(try sqliteRows(s.db, """
            SELECT table_name, case_id, count(*) FROM tickler_changes WHERE table_name = 'cases'
            GROUP BY table_name, case_id HAVING count(*) != 1
            """) == [])
        #expect(try sqliteRows(s.db, "SELECT count(*) FROM tickler_changes WHERE table_name = 'cases'") == [["249"]])
        // A change per contact row: the 249 clients and the guardian of matter 1001.
        #expect(try sqliteRows(s.db, "SELECT count(*), count(DISTINCT case_id) FROM tickler_changes WHERE table_name = 'contacts'")
            == [["250", "249"]])
    }

    /// A refresh token Clio refuses: exit 3, the error without the secret, and `tickler status` shows the sync
    /// failing since that run.
    @Test func aRefusedTokenIsAFailureStatusShows() throws {
        let s = try Setup()
        try "refresh-wrong".write(toFile: s.dir + "/credentials/clio-refresh-token", atomically: true, encoding: .utf8)
        let r = try s.sync()
        #expect(r.status == 3)
        #expect(r.stderr == "error: Clio's token endpoint refused the application or the refresh token (HTTP 400)\n")
        let status = try TicklerBinary.run(["status", "--config", s.config])
        #expect(status.lines.contains { $0.hasPrefix("Clio sync: last run ") && $0.contains("; lag unknown (no complete pass yet); failing since ")
            && $0.hasSuffix(": Clio's token endpoint refused the application or the refresh token (HTTP 400)") }, "\(status.stdout)")
        for output in [r.stderr, status.stdout] { #expect(!output.contains("wrong") && !output.contains("canary")) }
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
