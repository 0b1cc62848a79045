import Foundation
import Testing
import TicklerCore
import TicklerMail
import TicklerTestKit

/// `tickler sync mail --once` against a real Dovecot into a real SQLite store, then the unanswered-inbound
/// policy on pinned time: the client whose email was left unanswered is escalated, the one answered in
/// time is not. `tickler status` shows the mailbox; check-config locates every mistake in `mailboxes:`.
@Suite(.serialized, .ownThreads) struct SyncMailCommandTests {
    static func stamp(_ t: Instant) -> String { t.rfc3339 }

    static func imapDate(_ t: Instant) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "dd-MMM-yyyy HH:mm:ss '+0000'"
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(t.seconds)))
    }

    @Test func anUnansweredEmailIsEscalatedAndAnAnsweredOneIsNot() async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake-canary"])
        let dir = "/tmp/tickler-sync-mail-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try "pw-intake-canary\n".write(toFile: dir + "/credentials/intake-imap", atomically: true, encoding: .utf8)
        let config = dir + "/tickler.yaml"
        try """
            firm: { name: Example Law }
            calendars:
              firm: { timezone: America/New_York, workweek: [mon, tue, wed, thu, fri], business_hours: "09:00-17:00" }
            store: { sqlite: tickler.db }
            mailboxes:
              intake:
                url: "imaps://127.0.0.1:\(dovecot.port)"
                user: intake
                password_credential: intake-imap
                ca_file: \(dovecot.caFile)
            policies:
              - id: unanswered-inbound
                clock: { since: inbound, calendar: firm }
                stages:
                  - { after: 4 business hours, action: remind, notify: [assignee] }
                  - { after: 8 business hours, action: escalate, notify: [assignee, attorney] }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let opened = Instant(seconds: Int64(Date().timeIntervalSince1970) - 30 * 86_400)
        func kase(_ id: String, _ client: String, _ email: String) -> String {
            #"{"id": "\#(id)", "number": "2026-\#(id)", "title": "t", "client_name": "\#(client)", "status": "open", "assignee_id": "p1", "#
                + #""attorney_id": "a1", "opened_at": "\#(Self.stamp(opened))", "contacts": [{"id": "k-\#(id)", "name": "\#(client)", "email": "\#(email)"}]}"#
        }
        try """
            {"people": [{"id": "p1", "name": "Pat Lee", "email": "pat@firm.test", "role": "paralegal"},
                        {"id": "a1", "name": "Alex Attorney", "email": "alex@firm.test", "role": "attorney"}],
             "cases": [\(kase("c1", "Ann Canary", "ann.canary@example.test")), \(kase("c2", "Bo Canary", "bo.canary@example.test"))]}
            """.write(toFile: dir + "/firm.json", atomically: true, encoding: .utf8)
        #expect(try TicklerBinary.run(["import", dir + "/firm.json", "--config", config]).status == 0)

        // Two days ago both clients wrote; an hour later staff answered Bo.
        let asked = Instant(seconds: Int64(Date().timeIntervalSince1970) - 2 * 86_400)
        func message(_ id: String, from: String, to: String, extra: String = "") -> [UInt8] {
            Array("From: \(from)\r\nTo: \(to)\r\nSubject: my case\r\nMessage-ID: <\(id)>\r\nDate: Thu, 03 Dec 2026 09:00:00 -0500\r\n\(extra)\r\nWhat happens next?\r\n".utf8)
        }
        try await IMAPConnection.open(IMAPServer(host: "127.0.0.1", port: dovecot.port, security: .tls, caFile: dovecot.caFile),
                                      login: .password(user: "intake", password: "pw-intake-canary")) { c in
            try await c.append(message("a1@example.test", from: "Ann Canary <ann.canary@example.test>", to: "intake@firm.test"), to: "INBOX",
                               internalDate: Self.imapDate(asked))
            try await c.append(message("b1@example.test", from: "bo.canary@example.test", to: "intake@firm.test"), to: "INBOX",
                               internalDate: Self.imapDate(asked))
            try await c.append(message("r1@firm.test", from: "pat@firm.test", to: "Bo <bo.canary@example.test>", extra: "In-Reply-To: <b1@example.test>\r\n"),
                               to: "Sent", internalDate: Self.imapDate(asked.adding(seconds: 3600)))
        }
        let sync = try TicklerBinary.run(["sync", "mail", "--once", "--config", config, "--credentials-directory", dir + "/credentials"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout == "read 3 messages: 3 emails recorded, 1 answered; 0 left out\n")

        // A week after they wrote: Ann's email is past both stages (the escalation is due); Bo's was answered.
        let plan = try TicklerBinary.run(["plan", "--config", config, "--at", Self.stamp(asked.adding(seconds: 7 * 86_400)), "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
        let cycles = ((o?["cases"] as? [[String: Any]]) ?? []).flatMap { c in
            ((c["cycles"] as? [[String: Any]]) ?? []).map { (c["case"] as? String ?? "", $0) }
        }
        let due = cycles.filter { $0.1["policy"] as? String == "unanswered-inbound" && $0.1["due_now"] is [String: Any] }
        #expect(due.map(\.0) == ["c1"], "\(plan.stdout)")
        #expect((due.first?.1["due_now"] as? [String: Any])?["action"] as? String == "escalate")
        #expect(!cycles.contains { $0.0 == "c2" && $0.1["policy"] as? String == "unanswered-inbound" })

        let status = try TicklerBinary.run(["status", "--config", config])
        #expect(status.lines.contains { $0.hasPrefix("Mail sync: last run ") && $0.contains(", 3 written, 0 skipped; lag ") }, "\(status.stdout)")
        #expect(status.lines.contains { $0.hasPrefix("Mailbox intake: last read ") }, "\(status.stdout)")
        // Nothing of the mail or the secret in what the commands said.
        for out in [sync.stdout, sync.stderr, status.stdout, plan.stdout] {
            for secret in ["pw-intake-canary", "What happens", "ann.canary@", "my case"] { #expect(!out.contains(secret), "\(secret)") }
        }
        let test = try TicklerBinary.run(["test-mailbox", "intake", "--config", config, "--credentials-directory", dir + "/credentials"])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(test.lines.first?.hasPrefix("logged in to 127.0.0.1:\(dovecot.port) as intake (IDLE)") == true, "\(test.stdout)")
        #expect(test.lines.contains("inbound INBOX: 2 messages; the first read takes those of the last 14 days"), "\(test.stdout)")
    }

    @Test func mistakesInMailboxesAreLocatedAndAMissingSecretToo() throws {
        let dir = "/tmp/tickler-sync-mail-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        let config = dir + "/tickler.yaml"
        try """
            store: { sqlite: tickler.db }
            mailboxes:
              intake:
                url: "pop3://mail.firm.test"
                user: intake
                password_credential: intake-imap
                oauth2_token_credential: intake-token
                inbound: [INBOX, "Bad*"]
                poll: 2s
              "bad name": { url: "imaps://mail.firm.test", user: x, password_credential: x }
              ok:
                url: "imap://mail.firm.test:1143"
                user: ok
                password_credential: ok-imap
            policies:
              - { id: p, clock: { since: opened }, stages: [{ after: 1 day, notify: [assignee] }] }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let check = try TicklerBinary.run(["check-config", "--config", config])
        #expect(check.status == 1)
        #expect(check.stderr.contains("\(config):4:10: error: url 'pop3://mail.firm.test' must be imaps://HOST[:PORT] (TLS) or imap://HOST[:PORT] (STARTTLS, required)"),
                "\(check.stderr)")
        #expect(check.stderr.contains("\(config):6:26: error: mailbox 'intake' takes password_credential or oauth2_token_credential, not both"), "\(check.stderr)")
        #expect(check.stderr.contains("\(config):8:22: error: folder 'Bad*' must be printable ASCII without '*', '%' or '&'"), "\(check.stderr)")
        #expect(check.stderr.contains("\(config):9:11: error: poll must be from 10s to 30m"), "\(check.stderr)")
        #expect(check.stderr.contains("\(config):10:3: error: mailbox name 'bad name' must be letters, digits, '-' or '_' (at most 64)"), "\(check.stderr)")

        // A good configuration whose secret is missing: located at the credential's name.
        try """
            store: { sqlite: tickler.db }
            mailboxes:
              ok:
                url: "imap://mail.firm.test:1143"
                user: ok
                password_credential: ok-imap
            policies:
              - { id: p, clock: { since: opened }, stages: [{ after: 1 day, notify: [assignee] }] }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try TicklerBinary.run(["check-config", "--config", config]).status == 0)
        let sync = try TicklerBinary.run(["sync", "mail", "--once", "--config", config, "--credentials-directory", dir + "/credentials"])
        #expect(sync.status == 1)
        #expect(sync.stderr.hasPrefix("\(config):6:26: error: "), "\(sync.stderr)")
        #expect(sync.stderr.contains("(mailbox 'ok')"), "\(sync.stderr)")
    }

    /// `tickler sync all` as the unit runs it: the mailbox's mail is recorded, then new mail as it comes (IDLE);
    /// SIGTERM stops it.
    @Test func theSyncServiceRecordsMailAsItComes() async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake-canary"])
        let dir = "/tmp/tickler-sync-all-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try "pw-intake-canary".write(toFile: dir + "/credentials/intake-imap", atomically: true, encoding: .utf8)
        try """
            store: { sqlite: tickler.db }
            mailboxes:
              intake: { url: "imaps://127.0.0.1:\(dovecot.port)", user: intake, password_credential: intake-imap, ca_file: \(dovecot.caFile), poll: 30m }
            policies:
              - { id: p, clock: { since: inbound }, stages: [{ after: 1 day, notify: [assignee] }] }
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        try #"{"cases": [{"id": "c1", "number": "N-1", "client_name": "Ann", "status": "open", "opened_at": "2026-09-01T16:00:00Z", "contacts": [{"id": "k1", "name": "Ann", "email": "ann@example.test"}]}]}"#
            .write(toFile: dir + "/firm.json", atomically: true, encoding: .utf8)
        #expect(try TicklerBinary.run(["import", dir + "/firm.json", "--config", dir + "/tickler.yaml"]).status == 0)
        let server = IMAPServer(host: "127.0.0.1", port: dovecot.port, security: .tls, caFile: dovecot.caFile)
        func deliver(_ id: String) async throws {
            try await IMAPConnection.open(server, login: .password(user: "intake", password: "pw-intake-canary")) { c in
                try await c.append(Array(("From: Ann Canary <ann@example.test>\r\nTo: intake@firm.test\r\nMessage-ID: <\(id)>\r\n"
                                          + "Subject: Subject canary\r\n\r\nBody canary\r\n").utf8),
                                   to: "INBOX", internalDate: Self.imapDate(Instant(seconds: Int64(Date().timeIntervalSince1970))))
            }
        }
        func recorded(_ id: String) -> Bool {
            (try? sqliteRows(dir + "/tickler.db", "SELECT count(*) FROM communications WHERE id = 'mail:\(ReceivedMail.key(of: id)):k1'")) == [["1"]]
        }
        try await deliver("first@example.test")
        let p = Process()
        p.executableURL = TicklerBinary.url
        p.arguments = ["sync", "all", "--config", dir + "/tickler.yaml", "--credentials-directory", dir + "/credentials"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        func until(_ what: () -> Bool) async -> Bool {
            let end = ContinuousClock.now + .seconds(120)
            while !what() {
                if ContinuousClock.now > end || !p.isRunning { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return true
        }
        #expect(await until { recorded("first@example.test") })
        // The poll is 30 minutes: only IDLE brings the next one in before the hang guard.
        try await deliver("second@example.test")
        #expect(await until { recorded("second@example.test") })
        // The journal says what it read, by counts: nothing of a message, nor the secret. Neither do the tables
        // (but the contact's own row, which holds the address the firm gave it).
        let entries = try JournalQuery.entries(["_PID=\(p.processIdentifier)", "MESSAGE_ID=d41c8e7a2b5f4e90a6c3b1d8e7f2a593"])
        #expect(entries.contains { $0["TICKLER_RECORDED"] as? String == "1" })
        let journal = try JournalQuery.values(of: "MESSAGE", ["_PID=\(p.processIdentifier)"]).joined(separator: "\n")
        let tables = try sqliteRows(dir + "/tickler.db", "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('contacts', 'cases')")
            .map { $0[0] }
        var stored = ""
        for t in tables { stored += try sqliteRows(dir + "/tickler.db", "SELECT * FROM \"\(t)\"").flatMap { $0 }.joined(separator: " ") }
        for text in [journal, stored] {
            for secret in ["canary", "Canary", "ann@example", "first@example", "pw-intake"] { #expect(!text.contains(secret), "\(secret)") }
        }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
    }
}
