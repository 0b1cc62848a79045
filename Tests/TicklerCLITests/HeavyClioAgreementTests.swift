import Foundation
import Testing
import TicklerCore
import TicklerTestKit

/// A 5,000-matter firm (with clients, calendar entries, tasks and logged calls and emails) synced from the
/// fake Clio in one `--once` run, into SQLite and into PostgreSQL, gives the same `tickler plan` as the same
/// firm written by hand in Tickler's interchange format and imported: the mapping (docs/clio.md) is what
/// the firm would have written itself. Heavy: a minute of CPU on two cores.
@Suite(.serialized, .ownThreads) struct HeavyClioAgreementTests {
    static let matters = 5000
    static let zone = ZoneRules(identifier: "America/New_York")!

    /// The firm twice: as Clio's API serves it, and as `tickler import` reads it.
    static func firm() -> (clio: [String: Any], json: [String: Any]) {
        var rng = SplitMix64(seed: 25)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let updated = "2026-11-30T15:00:00Z"
        var users: [[String: Any]] = [], people: [[String: Any]] = []
        for u in 1...20 {
            let attorney = u <= 5
            users.append(["id": u, "name": "User \(u)", "email": "user\(u)@firm.test", "enabled": true,
                          "subscription_type": attorney ? "Attorney" : "NonAttorney", "updated_at": updated])
            people.append(["id": "clio:user:\(u)", "name": "User \(u)", "email": "user\(u)@firm.test", "role": attorney ? "attorney" : "staff"])
        }
        var matters: [[String: Any]] = [], entries: [[String: Any]] = [], tasks: [[String: Any]] = [], comms: [[String: Any]] = []
        var cases: [[String: Any]] = []
        let stages = ["Intake", "Discovery", "Settlement Talks"]
        for i in 1...Self.matters {
            let id = 10_000 + i
            let caseID = "clio:matter:\(id)"
            let opened = LocalDate(year: 2026, month: 6 + pick(6), day: 1 + pick(28))
            let status = pick(10) == 0 ? "Pending" : "Open"
            let stage = stages[pick(3)]
            let attorney = 1 + pick(5), staff = 6 + pick(15)
            let phone = pick(2) == 0 ? "(312) 555-\(String(format: "%04d", i % 10_000))" : nil
            var client: [String: Any] = ["id": 50_000 + i, "name": "Client \(i)", "primary_email_address": "client\(i)@example.test"]
            if let phone { client["primary_phone_number"] = phone }
            matters.append(["id": id, "display_number": "M-\(i)", "description": "Matter \(i)", "status": status,
                            "open_date": opened.iso8601, "client": client, "practice_area": ["id": 1, "name": "Family"],
                            "responsible_attorney": ["id": attorney], "responsible_staff": ["id": staff],
                            "matter_stage": ["id": 1, "name": stage], "updated_at": updated])
            var contact: [String: Any] = ["id": "clio:contact:\(50_000 + i):matter:\(id)", "name": "Client \(i)", "email": "client\(i)@example.test",
                                          "time_zone": "America/New_York", "preferred_channel": "email"]
            if phone != nil { contact["phone"] = "+1312555" + String(format: "%04d", i % 10_000) }
            var kase: [String: Any] = [
                "id": caseID, "number": "M-\(i)", "title": "Matter \(i)", "client_name": "Client \(i)", "status": status.lowercased(),
                "practice_area": "Family", "assignee_id": "clio:user:\(staff)", "attorney_id": "clio:user:\(attorney)",
                "opened_at": Self.zone.instant(date: opened, secondOfDay: 0).rfc3339, "updated_at": updated,
                "stage": stage.lowercased().replacingOccurrences(of: " ", with: "_"), "contacts": [contact],
            ]
            // A court date set by a court rule, or a meeting with the client.
            var deadlines: [[String: Any]] = [], appointments: [[String: Any]] = [], communications: [[String: Any]] = []
            let start = Instant(seconds: 1_796_000_000 + Int64(pick(60 * 86_400)) / 900 * 900)
            if i % 2 == 0 {
                let court = pick(2) == 0
                var e: [String: Any] = ["id": 70_000 + i, "summary": court ? "Hearing" : "Meeting", "start_at": start.rfc3339, "all_day": false,
                                        "location": "Room \(i % 30)", "matter": ["id": id], "attendees": [["id": 50_000 + i, "type": "Contact"]],
                                        "updated_at": updated]
                if court {
                    e["court_rule"] = ["id": 9]
                    deadlines.append(["id": "clio:calendar_entry:\(70_000 + i)", "title": "Hearing", "kind": "court", "due_at": start.rfc3339,
                                      "location": "Room \(i % 30)", "client_attends": true])
                } else {
                    appointments.append(["id": "clio:calendar_entry:\(70_000 + i)", "title": "Meeting", "starts_at": start.rfc3339,
                                         "with_client": true, "location": "Room \(i % 30)"])
                }
                entries.append(e)
            }
            // A task with a due date, some of them statutes of limitations, some done.
            let due = LocalDate(year: 2026, month: 12, day: 1 + pick(28))
            let statute = pick(5) == 0, done = pick(4) == 0
            var t: [String: Any] = ["id": 80_000 + i, "name": "Task \(i)", "due_at": due.iso8601, "statute_of_limitations": statute,
                                    "matter": ["id": id], "status": done ? "complete" : "pending", "updated_at": updated]
            var d: [String: Any] = ["id": "clio:task:\(80_000 + i)", "title": "Task \(i)", "kind": statute ? "statute" : "internal",
                                    "due_at": Self.zone.instant(date: due, secondOfDay: 23 * 3600 + 59 * 60).rfc3339]
            if done {
                t["completed_at"] = "2026-11-20T15:00:00Z"
                d["completed_at"] = "2026-11-20T15:00:00Z"
            }
            tasks.append(t)
            deadlines.append(d)
            // A logged call or email, in or out.
            for k in 0..<(1 + pick(2)) {
                let inbound = pick(2) == 0, call = pick(2) == 0
                let at = Instant(seconds: 1_794_000_000 + Int64(pick(40 * 86_400)))
                let cid = 90_000 + i * 2 + k
                comms.append(["id": cid, "type": call ? "PhoneCommunication" : "EmailCommunication", "received_at": at.rfc3339,
                              "matter": ["id": id], "senders": [["id": inbound ? 50_000 + i : staff, "type": inbound ? "Contact" : "User"]],
                              "updated_at": updated])
                communications.append(["id": "clio:communication:\(cid)", "direction": inbound ? "inbound" : "outbound",
                                       "channel": call ? "call" : "email", "kind": "other", "occurred_at": at.rfc3339])
            }
            kase["deadlines"] = deadlines
            kase["appointments"] = appointments
            kase["communications"] = communications
            cases.append(kase)
        }
        return (["users": users, "matters": matters, "calendar_entries": entries, "tasks": tasks, "communications": comms],
                ["people": people, "cases": cases])
    }

    static let config = """
        calendars:
          firm: { timezone: America/New_York, holidays: [us-federal] }
        store: { sqlite: tickler.db }
        SYNC
        policies:
          - id: client-update-cadence
            applies_to: { status: [open, pending] }
            clock: { since: client_update, calendar: firm }
            stages:
              - { after: 10 business days, notify: [assignee] }
              - { after: 15 business days, action: escalate, notify: [attorney] }
          - id: unanswered-inbound
            clock: { since: inbound, calendar: firm }
            stages:
              - { after: 1 business day, notify: [assignee] }
          - id: deadline-approach
            clock: { until: deadline, kinds: [court, statute, internal], calendar: firm }
            stages:
              - { before: 7 days, at: "09:00", notify: [assignee, attorney] }
        """

    @Test func aSyncedFirmPlansAsTheSameFirmImported() throws {
        let (records, json) = Self.firm()
        let dir = scratch()
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/firm.json"))
        let clio = try ClioFakeAccount(directory: dir + "/fake", firm: records)
        defer { clio.server.stop() }
        try clio.writeCredentials(to: dir + "/credentials")
        let config = Self.config.replacingOccurrences(of: "SYNC", with: clio.syncBlock(extra: ["requests_per_minute: 6000"]))
        put(config, dir + "/tickler.yaml")
        let db = try TestDatabase()
        put(db.password, dir + "/credentials/pg-password")
        let env = ["CREDENTIALS_DIRECTORY": dir + "/credentials"]

        let synced = try TicklerBinary.run(["sync", "clio", "--once", "--config", dir + "/tickler.yaml", "--store", dir + "/synced.db"], env: env)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stderr.isEmpty, "\(synced.stderr)")
        let count = ["users", "matters", "calendar_entries", "tasks", "communications"].map { (records[$0] as? [Any])?.count ?? 0 }.reduce(0, +)
        #expect(synced.stdout.hasPrefix("synced \(count) records from Clio (0 already current)"), "\(synced.stdout)")
        // PostgreSQL: the same configuration with the database as its store (its password a credential).
        put(config.replacingOccurrences(of: "store: { sqlite: tickler.db }",
                                        with: "store: { postgres: \"\(db.url)\", password_credential: pg-password }"), dir + "/postgres.yaml")
        let pg = try TicklerBinary.run(["sync", "clio", "--once", "--config", dir + "/postgres.yaml"], env: env)
        #expect(pg.status == 0, "\(pg.stderr)")
        let imported = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", "--store", dir + "/imported.db", dir + "/firm.json"])
        #expect(imported.status == 0, "\(imported.stderr)")

        for at in ["2026-12-07T14:00:00Z", "2026-12-21T14:00:00Z"] {
            let plans = try [["--config", dir + "/tickler.yaml", "--store", dir + "/imported.db"],
                             ["--config", dir + "/tickler.yaml", "--store", dir + "/synced.db"], ["--config", dir + "/postgres.yaml"]].map { where_ in
                try TicklerBinary.run(["plan", "--at", at] + where_, env: env)
            }
            #expect(plans.allSatisfy { $0.status == 0 }, "\(plans.map(\.stderr))")
            #expect(plans[0].lines.count > 500, "a plan this short shows little: \(plans[0].lines.count) lines")
            #expect(plans[1].stdout == plans[0].stdout, "SQLite sync and import differ at \(at)")
            #expect(plans[2].stdout == plans[0].stdout, "PostgreSQL sync and import differ at \(at)")
        }
    }
}
