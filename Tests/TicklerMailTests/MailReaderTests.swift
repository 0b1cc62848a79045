import Foundation
import Testing
import TicklerCore
import TicklerMail
import TicklerPostgres
import TicklerStore
import TicklerTestKit

/// The reader against a real Dovecot over TLS, into a real store (SQLite and PostgreSQL): a client's email
/// in INBOX becomes an inbound email on their open cases, the staff reply in Sent answers it, a message in
/// two mailboxes is recorded once, machines and strangers are left out, and nothing of a message but its
/// key, the contact row and the date reaches the store.
@Suite(.serialized, .ownThreads) struct MailReaderTests {
    enum Kind: String, CaseIterable { case sqlite, postgres }

    struct Firm {
        let store: any MailState
        let rows: (String) throws -> [[String]]
        let keep: AnyObject?
    }

    static func firm(_ kind: Kind) async throws -> Firm {
        var batch = ImportBatch()
        let opened = RFC3339.parse("2026-09-01T12:00:00Z")!
        for (id, number, status) in [("c1", "2026-CV-0042", CaseSnapshot.Status.open), ("c2", "2026-CV-0077", .open), ("c3", "2020-1", .closed)] {
            batch.cases.append(.init(source: id, record: .init(fields: CaseSnapshot(id: id, number: number, title: "t", clientName: "Ann Canary",
                                                                                    status: status, openedAt: opened), updatedAt: nil)))
        }
        batch.contacts.append(.init(source: "c1", caseID: "c1", record: Contact(id: "k1", name: "Ann Canary", email: "Ann.Canary@Example.test")))
        batch.contacts.append(.init(source: "c2", caseID: "c2", record: Contact(id: "k2", name: "Ann Canary", email: "ann.canary@example.test")))
        batch.contacts.append(.init(source: "c3", caseID: "c3", record: Contact(id: "k3", name: "Old Client", email: "old@example.test")))
        switch kind {
        case .sqlite:
            let dir = "/tmp/tickler-mail-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
            try await store.write(batch, now: opened)
            return Firm(store: store, rows: { try sqliteRows(dir + "/tickler.db", $0) }, keep: nil)
        case .postgres:
            let db = try TestDatabase()
            var settings = PostgresSettings(host: db.host, port: db.port, user: db.user, database: db.name, tls: .disable, password: db.password)
            settings.applicationName = "test"
            let store = try await PostgresCaseStore(settings, instance: "test")
            try await store.write(batch, now: opened)
            return Firm(store: store, rows: { try db.rows($0) }, keep: db)
        }
    }

    static func message(id: String, from: String, to: String, subject: String = "Question about my case", date: String = "Sun, 06 Dec 2026 10:00:00 +0000",
                        extra: String = "", body: String = "My secret body text") -> [UInt8] {
        Array("From: \(from)\r\nTo: \(to)\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\nDate: \(date)\r\n\(extra)\r\n\(body)\r\n".utf8)
    }

    static func mailbox(_ name: String, _ dovecot: TestDovecot, user: String, password: String) -> Mailbox {
        Mailbox(name: name, server: IMAPServer(host: "127.0.0.1", port: dovecot.port, security: .tls, caFile: dovecot.caFile),
                login: .password(user: user, password: password))
    }

    static func append(_ dovecot: TestDovecot, user: String, password: String, _ messages: [(folder: String, date: String, bytes: [UInt8])]) async throws {
        let box = mailbox("x", dovecot, user: user, password: password)
        try await IMAPConnection.open(box.server, login: box.login) { c in
            for m in messages { try await c.append(m.bytes, to: m.folder, internalDate: m.date) }
        }
    }

    /// Now as an INTERNALDATE.
    static func imapNow() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "dd-MMM-yyyy HH:mm:ss '+0000'"
        return f.string(from: Date())
    }

    @Test(arguments: Kind.allCases)
    func aClientsEmailIsInboundUntilTheReplyAnswersIt(_ kind: Kind) async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake", "bo": "pw-bo"])
        let firm = try await Self.firm(kind)
        let clock = ManualClock(RFC3339.parse("2026-12-06T12:00:00Z")!)
        let reader = MailReader(store: firm.store, clock: clock)
        let boxes = [Self.mailbox("intake", dovecot, user: "intake", password: "pw-intake"), Self.mailbox("bo", dovecot, user: "bo", password: "pw-bo")]
        let question = Self.message(id: "q1@example.test", from: "Ann Canary <ann.canary@example.test>", to: "intake@firm.test, bo@firm.test")
        try await Self.append(dovecot, user: "intake", password: "pw-intake", [
            ("INBOX", "06-Dec-2026 10:00:05 +0000", question),
            ("INBOX", "06-Dec-2026 10:01:00 +0000", Self.message(id: "ooo@example.test", from: "ann.canary@example.test", to: "intake@firm.test",
                                                                   extra: "Auto-Submitted: auto-replied\r\n")),
            ("INBOX", "06-Dec-2026 10:02:00 +0000", Self.message(id: "s1@else.test", from: "someone@else.test", to: "intake@firm.test")),
            ("INBOX", "06-Dec-2026 10:03:00 +0000", Self.message(id: "o1@example.test", from: "old@example.test", to: "intake@firm.test")),
        ])
        // The same message in a second mailbox (it was sent to both).
        try await Self.append(dovecot, user: "bo", password: "pw-bo", [("INBOX", "06-Dec-2026 10:00:06 +0000", question)])

        let first = try await reader.pass(boxes)
        #expect(first.read == 5 && first.recorded == 2 && first.answered == 0)
        #expect(first.ignored == [.automated: 1, .stranger: 1, .closed: 1])
        let key = ReceivedMail.key(of: "q1@example.test")
        #expect(try firm.rows("SELECT id, case_id, direction, channel, occurred_at, responded_at IS NULL FROM communications ORDER BY id").map {
            [$0[0], $0[1], $0[2], $0[3], String($0[4].replacingOccurrences(of: " ", with: "T").prefix(19)), $0[5]] } == [
            ["mail:\(key):k1", "c1", "inbound", "email", "2026-12-06T10:00:05", kind == .sqlite ? "1" : "t"],
            ["mail:\(key):k2", "c2", "inbound", "email", "2026-12-06T10:00:05", kind == .sqlite ? "1" : "t"]])

        // Bo answers on case 2026-CV-0042 only: the reply in his Sent answers that case's email, not the other's.
        try await Self.append(dovecot, user: "bo", password: "pw-bo", [
            ("Sent", "06-Dec-2026 11:30:00 +0000", Self.message(id: "r1@firm.test", from: "bo@firm.test", to: "Ann <ann.canary@example.test>",
                                                                 subject: "Re: 2026-CV-0042 question", extra: "In-Reply-To: <q1@example.test>\r\n")),
        ])
        let second = try await reader.pass(boxes)
        #expect(second.read == 1 && second.recorded == 1 && second.answered == 1)
        #expect(try firm.rows("SELECT id, direction, responded_at IS NOT NULL FROM communications ORDER BY direction, id").map { [$0[0], $0[1], $0[2]] } == [
            ["mail:\(key):k1", "inbound", kind == .sqlite ? "1" : "t"],
            ["mail:\(key):k2", "inbound", kind == .sqlite ? "0" : "f"],
            ["mail:\(ReceivedMail.key(of: "r1@firm.test")):k1", "outbound", kind == .sqlite ? "0" : "f"]])

        // Nothing new: nothing read, nothing written; but every folder was looked at (the status's lag).
        clock.advance(by: 600)
        let third = try await reader.pass(boxes)
        #expect(third.read == 0 && third.recorded == 0)
        let readAt = kind == .sqlite ? "'2026-12-06T12:10:00Z'" : "'2026-12-06T12:10:00Z'::timestamptz"
        #expect(try firm.rows("SELECT count(*) FROM tickler_mail_folders WHERE read_at = \(readAt)") == [["4"]])

        // Nothing of the message but its key, the contact row and the date is in the store.
        let everything = try firm.rows("SELECT * FROM communications").flatMap { $0 }.joined(separator: " ")
            + (try firm.rows("SELECT * FROM tickler_mail_folders").flatMap { $0 }.joined(separator: " "))
        for secret in ["secret body", "Question about", "ann.canary", "someone@else", "q1@example", "2026-CV-0042 question"] {
            #expect(!everything.contains(secret), "\(secret)")
        }
        _ = firm.keep
    }

    @Test func aWrongPasswordIsRefusedAndAnUntrustedCertificateUnreachable() async throws {
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake"])
        let box = Self.mailbox("intake", dovecot, user: "intake", password: "not-the-password")
        do {
            _ = try await IMAPConnection.open(box.server, login: box.login) { _ in 0 }
            Issue.record("a wrong password logged in")
        } catch let e as IMAPError {
            guard case .refused = e else { Issue.record("\(e)"); return }
            #expect(!e.description.contains("not-the-password"))
        }
        // The server's certificate signed by no CA the system trusts: no login is even tried.
        var untrusted = box.server
        untrusted.caFile = nil
        do {
            _ = try await IMAPConnection.open(untrusted, login: .password(user: "intake", password: "pw-intake")) { _ in 0 }
            Issue.record("an untrusted certificate was accepted")
        } catch let e as IMAPError {
            guard case .unreachable = e else { Issue.record("\(e)"); return }
        }
        #expect(!dovecot.log.contains("user=<intake>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid"))
    }
}

extension MailReaderTests {
    /// XOAUTH2 (Microsoft 365's and Google Workspace's only login) against Dovecot's OAuth 2 passdb, which
    /// asks a token introspection endpoint (a stand-in for the provider's) about each token.
    @Test func anOAuthTokenLogsInByXOAUTH2AndARevokedOneIsRefused() async throws {
        let dir = "/tmp/tickler-oauth2-\(UUID().uuidString.prefix(8))"
        let introspection = try TestServer(script: "oauth2_introspect.py", directory: dir, arguments: [])
        try #"{"token-canary": "intake"}"#.write(toFile: dir + "/tokens.json", atomically: true, encoding: .utf8)
        let dovecot = try await TestDovecot.start(users: ["intake": "pw-intake"], oauth2: "http://127.0.0.1:\(introspection.port)/introspect")
        let server = IMAPServer(host: "127.0.0.1", port: dovecot.port, security: .tls, caFile: dovecot.caFile)
        let exists = try await IMAPConnection.open(server, login: .xoauth2(user: "intake", token: "token-canary")) { c in
            try await c.examine("INBOX").exists
        }
        #expect(exists == 0)
        do {
            _ = try await IMAPConnection.open(server, login: .xoauth2(user: "intake", token: "revoked-canary")) { _ in 0 }
            Issue.record("a revoked token logged in")
        } catch let e as IMAPError {
            guard case .refused = e else { Issue.record("\(e)"); return }
            #expect(!e.description.contains("canary"))
        }
        #expect(dovecot.log.contains("method=XOAUTH2"))
    }
}
