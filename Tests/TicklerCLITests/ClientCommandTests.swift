import Foundation
import Testing
import TicklerTestKit

/// The operator's side of client messages: `client-preview` shows what each contact would get, when,
/// by what and why not; `consents` lists and records consent; `cancel` stops a message in its undo
/// window; `status` counts what waits.
@Suite(.ownThreads) struct ClientCommandTests {
    static let config = """
        firm: { name: Example Law }
        calendars:
          firm: { timezone: America/Chicago, holidays: [us-federal] }
        store: { sqlite: tickler.db }
        channels:
          mail: { type: email, smtp: "smtp://127.0.0.1:9", starttls: off, from: "Example Law <updates@firm.test>" }
          texts: { type: sms, url: "http://127.0.0.1:9", account_sid: AC1, auth_token_credential: sms-token, from: "+13125550000" }
        clients:
          channels: { email: mail, sms: texts }
          languages: [en, es]
          undo_window: 1h
        stages:
          default:
            - { id: intake, text: { en: { name: Intake } } }
            - id: discovery
              text:
                en: { name: Discovery, next: We send our questions to the other side. }
                es: { name: Descubrimiento, next: Enviamos nuestras preguntas. }
        policies:
          - id: stage-update
            client_facing: true
            clock: { since: stage_change }
            stages: [{ after: 0 minutes, notify: [client], deliver: immediately }]
        """

    /// A case at intake with three contacts (texts in New York, email in Spanish in Los Angeles, one with no
    /// consent), moved to discovery at `moved` (RFC 3339).
    static func firm(moved: String?) throws -> String {
        let dir = scratch()
        put(config, dir + "/tickler.yaml")
        put("""
            {"people": [{"id": "p1", "name": "Pat Lee", "role": "paralegal", "phone": "+13125550199", "email": "pat@firm.test"}],
             "cases": [{"id": "c1", "number": "2026-0142", "client_name": "Ann Canary", "status": "open", "assignee_id": "p1",
               "opened_at": "2026-09-01T16:00:00Z", "updated_at": "2026-09-01T16:00:00Z", "stage": "intake",
               "contacts": [
                 {"id": "k1", "name": "Ann Canary", "phone": "+12125550101", "language": "en", "time_zone": "America/New_York",
                  "consents": [{"channel": "sms", "purpose": "case-updates", "source": "intake-form", "at": "2026-09-01T16:00:00Z"}]},
                 {"id": "k2", "name": "Luis Canary", "email": "luis@client.test", "language": "es", "time_zone": "America/Los_Angeles",
                  "consents": [{"channel": "email", "purpose": "case-updates", "source": "intake-form", "at": "2026-09-01T16:00:00Z"}]},
                 {"id": "k3", "name": "Lola Canary", "email": "lola@client.test"}]}]}
            """, dir + "/firm.json")
        let r = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/firm.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix(", 3 contacts, 2 consents\n"), "the import counts contacts and consents: \(r.stdout)")
        if let moved {
            put("""
                {"cases": [{"id": "c1", "number": "2026-0142", "client_name": "Ann Canary", "status": "open", "assignee_id": "p1",
                  "opened_at": "2026-09-01T16:00:00Z", "updated_at": "\(moved)", "stage": "discovery"}]}
                """, dir + "/moved.json")
            let m = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/moved.json"])
            #expect(m.status == 0, "\(m.stderr)")
        }
        return dir
    }

    @Test func clientPreviewShowsEachContactsMessageWhenAndWhyNot() throws {
        let dir = try Self.firm(moved: "2026-12-01T15:00:00Z")
        let r = try TicklerBinary.run(["client-preview", "--config", dir + "/tickler.yaml", "c1", "--at", "2026-12-01T15:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines == [
            "case 2026-0142: next client message: stage-update stage 1 (since: stage_change, stage changed from intake to discovery), "
                + "due 2026-12-01T09:00:00-06:00",
            // The undo window ends at 16:00Z: 11:00 in New York, but 08:00 in Los Angeles is 16:00Z too.
            "    contact k1 (en, America/New_York): by sms at 2026-12-01T11:00:00-05:00",
            "      Example Law: Ann, your case is now at the Discovery stage. We send our questions to the other side. Reply STOP to opt out.",
            "      (1 segment)",
            "    contact k2 (es, America/Los_Angeles): by email at 2026-12-01T08:00:00-08:00",
            "      Subject: Example Law: novedades sobre su caso",
            // An answer reaches the case's assignee.
            "      Reply-To: \"Pat Lee\" <pat@firm.test>",
            "      Estimado/a Luis:",
            "      ",
            "      Su caso pasó a una nueva etapa: Descubrimiento.",
            "      ",
            "      Próximos pasos: Enviamos nuestras preguntas.",
            "      ",
            "      ¿Preguntas? Pat Lee al +13125550199 con gusto le ayudará.",
            "      ",
            "      Example Law",
            "      ",
            // Why they receive it and how to stop, in their language.
            "      -- ",
            "      Recibe estos correos porque aceptó recibir novedades de Example Law sobre su caso. Para dejar de recibirlos, "
                + "responda a este correo y díganoslo.",
            "      ",
            "    contact k3 (en, America/Chicago): nothing: no consent for this purpose on any medium the contact can be reached on",
        ])
        // The case's number names it as well as its id; an unknown case is an error.
        let byNumber = try TicklerBinary.run(["client-preview", "--config", dir + "/tickler.yaml", "2026-0142", "--at", "2026-12-01T15:00:00Z"])
        #expect(byNumber.status == 0 && byNumber.lines == r.lines, "\(byNumber.stderr)")
        let unknown = try TicklerBinary.run(["client-preview", "--config", dir + "/tickler.yaml", "2026-9999"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no case '2026-9999' in the store (by id or number)"))
    }

    @Test func consentsAreListedAndRecorded() throws {
        let dir = try Self.firm(moved: nil)
        let config = dir + "/tickler.yaml"
        let grant = try TicklerBinary.run(["consents", "--config", config, "k3", "--grant", "--channel", "email", "--purpose", "case-updates",
                                           "--purpose", "reminders", "--source", "phone call", "--wording", "May we email you?",
                                           "--at", "2026-12-01T15:00:00Z"], env: ["SUDO_USER": "pat"])
        #expect(grant.status == 0, "\(grant.stderr)")
        #expect(grant.lines == [
            "2026-12-01T09:00:00-06:00  granted  email  case-updates  phone call (by pat)  \"May we email you?\"",
            "2026-12-01T09:00:00-06:00  granted  email  reminders  phone call (by pat)  \"May we email you?\"",
            "in force for k3: email: case-updates, reminders; sms: none",
        ])
        let revoke = try TicklerBinary.run(["consents", "--config", config, "k3", "--revoke", "--channel", "email", "--purpose", "reminders",
                                            "--source", "email from the client", "--at", "2026-12-02T15:00:00Z"], env: ["SUDO_USER": "pat"])
        #expect(revoke.lines.last == "in force for k3: email: case-updates; sms: none")
        // The implicit contact of a case (its client_name and client_email) may be given consent too.
        let implicit = try TicklerBinary.run(["consents", "--config", config, "c1.client", "--grant", "--channel", "email",
                                              "--purpose", "case-updates", "--source", "x", "--at", "2026-12-01T15:00:00Z"])
        #expect(implicit.status == 0 && implicit.lines.last == "in force for c1.client: email: case-updates; sms: none", "\(implicit.stderr)")
        let unknown = try TicklerBinary.run(["consents", "--config", config, "k404", "--grant", "--channel", "sms", "--purpose", "surveys",
                                             "--source", "x"])
        #expect(try TicklerBinary.run(["consents", "--config", config, "c404.client", "--grant", "--channel", "sms", "--purpose", "surveys",
                                       "--source", "x"]).status == 1)
        #expect(unknown.status == 1 && unknown.stderr.contains("no contact 'k404'"))
        #expect(try TicklerBinary.run(["consents", "--config", config, "k404"]).status == 1, "an unknown contact has nothing to list")
        let byCase = try TicklerBinary.run(["consents", "--config", config, "2026-0142"])
        #expect(byCase.status == 0, "\(byCase.stderr)")
        #expect(byCase.lines.filter { $0.hasPrefix("in force for ") }.map { String($0.prefix(16)) }
            == ["in force for k1:", "in force for k2:", "in force for k3:"], "\(byCase.stdout)")
        #expect(try TicklerBinary.run(["consents", "--config", config, "k3", "--grant", "--channel", "fax", "--purpose", "surveys",
                                       "--source", "x"]).status == 2)
    }

    @Test func aMessageInItsUndoWindowCanBeCancelledAndStatusCountsWhatWaits() throws {
        // Moved just now (the import's time): the daemon fires it; the undo window (1h) holds it.
        let dir = try Self.firm(moved: nil)
        put("""
            {"cases": [{"id": "c1", "number": "2026-0142", "client_name": "Ann Canary", "status": "open", "assignee_id": "p1",
              "opened_at": "2026-09-01T16:00:00Z", "stage": "discovery"}]}
            """, dir + "/moved.json")
        #expect(try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/moved.json"]).status == 0)
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        put("token", dir + "/credentials/sms-token")
        let once = try TicklerBinary.run(TicklerBinary.url.deletingLastPathComponent().appendingPathComponent("ticklerd"),
                                         ["--config", dir + "/tickler.yaml", "--once", "--deliver-timeout", "30"],
                                         env: ["CREDENTIALS_DIRECTORY": dir + "/credentials"])
        #expect(once.status == 0 || once.status == 75, "\(once.stderr)")
        let status = try TicklerBinary.run(["status", "--config", dir + "/tickler.yaml"])
        #expect(status.lines.contains("Client messages: 3 in their undo window, 0 held by quiet hours, 0 due; 0 not sent for want of consent"),
                "\(status.stdout)")
        let history = try TicklerBinary.run(["history", "--config", dir + "/tickler.yaml", "--case", "c1", "--format", "json"])
        let fireID = try #require(history.lines.compactMap { line -> String? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  o["policy"] as? String == "stage-update" else { return nil }
            return o["fire_id"] as? String
        }.first)
        // The 12 digits `history` prints name it; the table shows each contact's message and why it waits.
        let table = try TicklerBinary.run(["history", "--config", dir + "/tickler.yaml", "--case", "2026-0142"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains(" \(fireID.prefix(12))\n"), "\(table.stdout)")
        #expect(table.lines.contains("    client contact k1: pending: held: undo window"), "\(table.stdout)")
        #expect(!table.stdout.contains("Canary") && !table.stdout.contains("+1212"))
        #expect(try TicklerBinary.run(["cancel", "--config", dir + "/tickler.yaml", "zz12", "--reason", "x"]).status == 1)
        #expect(try TicklerBinary.run(["cancel", "--config", dir + "/tickler.yaml", "0000000000ff", "--reason", "x"]).status == 1)
        let cancel = try TicklerBinary.run(["cancel", "--config", dir + "/tickler.yaml", String(fireID.prefix(12)), "--reason", "wrong stage"],
                                           env: ["SUDO_USER": "pat"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout == "cancelled 3 client messages of fire \(fireID) (stage-update on case c1) by pat: wrong stage\n")
        let again = try TicklerBinary.run(["cancel", "--config", dir + "/tickler.yaml", fireID, "--reason", "twice"])
        #expect(again.status == 1 && again.stderr.contains("no longer waiting"))
        let json = try TicklerBinary.run(["history", "--config", dir + "/tickler.yaml", "--case", "c1", "--format", "json"])
        let client = json.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .flatMap { ($0["deliveries"] as? [[String: Any]]) ?? [] }.filter { $0["channel"] as? String == "client" }
        #expect(client.compactMap { $0["reason"] as? String }.allSatisfy { $0.hasPrefix("cancelled by staff (pat): wrong stage") }
                && client.count == 3, "\(client)")
        let after = try TicklerBinary.run(["status", "--config", dir + "/tickler.yaml"])
        #expect(after.lines.contains("Client messages: 0 in their undo window, 0 held by quiet hours, 0 due; 0 not sent for want of consent"))
    }

    @Test func statusListsOpenStaffTasksAndDoneClosesOneByAUniquePrefix() throws {
        let dir = try Self.firm(moved: nil)
        let config = dir + "/tickler.yaml"
        _ = try sqliteRows(dir + "/tickler.db", """
            INSERT INTO tickler_staff_tasks (id, case_id, contact_id, fire_id, reason, created_at) VALUES
              ('a1b2c3d4e5f6', 'c1', 'k3', 'f1', 'no medium the contact consented to for reminders', '2026-12-02T16:10:00Z'),
              ('a1b299990000', 'c1', 'k2', 'f1', 'every medium the contact consented to refused the message', '2026-12-02T16:11:00Z');
            """)
        let table = try TicklerBinary.run(["status", "--config", config, "--at", "2026-12-03T15:00:00Z"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("Staff tasks open: 2 (close with tickler done TASK --reason …)"))
        #expect(table.stdout.contains("  a1b2c3d4e5f6  2026-12-02 10:10  case 2026-0142  Pat Lee"))
        #expect(table.stdout.contains("    contact k3: no medium the contact consented to for reminders"))
        #expect(!table.stdout.contains("Canary"))
        let json = try TicklerBinary.run(["status", "--config", config, "--at", "2026-12-03T15:00:00Z", "--format", "json"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let tasks = try #require(o["staff_tasks"] as? [[String: Any]])
        #expect(tasks.compactMap { $0["id"] as? String } == ["a1b2c3d4e5f6", "a1b299990000"])
        #expect(tasks.first?["assignee"] as? String == "p1" && tasks.first?["case_number"] as? String == "2026-0142")

        let ambiguous = try TicklerBinary.run(["done", "--config", config, "a1b2", "--reason", "called"])
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("names 2 open tasks: a1b2c3d4e5f6, a1b299990000"), "\(ambiguous.stderr)")
        let noReason = try TicklerBinary.run(["done", "--config", config, "a1b2c", "--reason", " "])
        #expect(noReason.status == 1)
        let done = try TicklerBinary.run(["done", "--config", config, "a1b2c", "--reason", "called Lola"])
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.hasPrefix("closed task a1b2c3d4e5f6 on case c1 by "))
        let again = try TicklerBinary.run(["done", "--config", config, "a1b2c3d4e5f6", "--reason", "called Lola"])
        #expect(again.status == 1 && again.stderr.contains("task a1b2c3d4e5f6 was closed at"), "\(again.stderr)")
        let unknown = try TicklerBinary.run(["done", "--config", config, "ffff", "--reason", "x"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no open staff task 'ffff'"))
        let rows = try sqliteRows(dir + "/tickler.db", "SELECT id, done_reason FROM tickler_staff_tasks WHERE done_at IS NOT NULL")
        #expect(rows == [["a1b2c3d4e5f6", "called Lola"]])
        let after = try TicklerBinary.run(["status", "--config", config, "--at", "2026-12-03T15:00:00Z"])
        #expect(after.stdout.contains("Staff tasks open: 1 ") && !after.stdout.contains("a1b2c3d4e5f6"))
    }
}
