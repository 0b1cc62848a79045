import Foundation
import Testing
import TicklerTestKit

/// `tickler deadline`, computed deadlines driving `until: deadline` policies, and `calendar-impact`.
@Suite(.ownThreads) struct DeadlineCommandTests {
    static let config = """
        calendars:
          firm: { timezone: America/New_York, holidays: [us-federal] }
          court: { based_on: firm }
        store: { sqlite: tickler.db }
        deadline_rules:
          - { id: answer, on_event: complaint_served, period: "21 days", counting: frcp-6a, calendar: court,
              title: Answer due, kind: court, add_days_for_mail: 3 }
        policies:
          - id: deadline-approach
            clock: { until: deadline, kinds: [court], calendar: court }
            stages:
              - { before: 7 days, at: "09:00", notify: [assignee] }
              - { before: 2 court days, at: "09:00", action: escalate, notify: [attorney] }
        """

    /// A case served on Mon Nov 2, 2026 (answer due Mon Nov 23), and its twin with the same deadline stored.
    static let firm = """
        {"people": [{"id": "a1", "name": "Alex", "role": "attorney"}, {"id": "p1", "name": "Pat", "manager_id": "a1"}],
         "cases": [
          {"id": "c1", "number": "N-1", "status": "open", "assignee_id": "p1", "attorney_id": "a1",
           "opened_at": "2026-10-01T14:00:00Z",
           "events": [{"id": "e1", "kind": "complaint_served", "occurred_at": "2026-11-02T15:00:00Z", "service_method": "personal"}]},
          {"id": "c2", "number": "N-2", "status": "open", "assignee_id": "p1", "attorney_id": "a1",
           "opened_at": "2026-10-01T14:00:00Z",
           "deadlines": [{"id": "answer:e1", "kind": "court", "due_at": "2026-11-24T04:59:59Z"}]}]}
        """

    func directory() throws -> String {
        let dir = scratch()
        put(Self.config, dir + "/tickler.yaml")
        put(Self.firm, dir + "/firm.json")
        let r = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/firm.json"])
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    @Test func deadlineExplainsAndPrintsJSONWithDueLocalAndAlternative() throws {
        let dir = try directory()
        let config = dir + "/tickler.yaml"
        let text = try TicklerBinary.run(["deadline", "--config", config, "--trigger", "2026-11-12", "--period", "14 days"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("  2026-11-26 Thu  legal holiday: Thanksgiving Day: the period continues to the next day"))
        #expect(text.stdout.contains("Due 2026-11-27T23:59:59-05:00 (2026-11-28T04:59:59Z)"))

        let json = try TicklerBinary.run(["deadline", "--config", config, "--calendar", "court", "--counting", "frcp-6a",
                                          "--trigger", "2027-12-17T12:00:00-05:00", "--period", "14 days", "--format", "json"])
        #expect(json.status == 0)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(o["due"] as? String == "2028-01-01T04:59:59Z")
        #expect(o["due_local"] as? String == "2027-12-31T23:59:59-05:00")
        let alt = try #require(o["alternative"] as? [String: Any])
        #expect(alt["due"] as? String == "2028-01-04T04:59:59Z")
        #expect(alt["due_local"] as? String == "2028-01-03T23:59:59-05:00")
        #expect((o["warnings"] as? [String])?.count == 1)

        let mail = try TicklerBinary.run(["deadline", "--config", config, "--trigger", "2026-12-18", "--period", "7 days",
                                          "--service", "mail", "--format", "json"])
        #expect((try JSONSerialization.jsonObject(with: Data(mail.stdout.utf8)) as? [String: Any])?["due"] as? String
            == "2027-01-01T04:59:59Z")
        let plain = try TicklerBinary.run(["deadline", "--config", config, "--trigger", "2026-11-02", "--period", "21 days",
                                           "--format", "json"])
        let p = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(p["due"] as? String == "2026-11-24T04:59:59Z")
        #expect(p["alternative"] == nil)
        #expect(try TicklerBinary.run(["deadline", "--config", config, "--trigger", "2026-11-02", "--period", "3 weeks"]).status == 2)
    }

    /// `--court`: the court's file gives the method, zone and holidays; the JSON lists every rule applied.
    @Test func deadlineInACourtPrintsTheRulesItAppliedAndTheUnsettledReading() throws {
        // No configuration: the shipped courts are found beside the build.
        func json(_ arguments: [String]) throws -> [String: Any] {
            let r = try TicklerBinary.run(["deadline", "--format", "json"] + arguments)
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        }
        // California, served by mail on Mon Mar 16, 2026: 10 days + 5 end on Cesar Chavez Day, so Wed Apr 1.
        let ca = try json(["--court", "ca-superior", "--trigger", "2026-03-16", "--period", "10 days", "--service", "mail"])
        #expect(ca["due"] as? String == "2026-04-02T06:59:59Z")
        #expect(ca["due_local"] as? String == "2026-04-01T23:59:59-07:00")
        #expect(ca["court"] as? String == "ca-superior" && ca["counting"] as? String == "ca-ccp" && ca["service"] as? String == "mail")
        let rules = try #require(ca["rules"] as? [String])
        #expect(rules.contains("Code Civ. Proc. § 1013(a)") && rules.contains("Code Civ. Proc. §§ 12, 12a"), "\(rules)")
        #expect(rules.contains { $0.contains("6700") }, "the holiday's statute: \(rules)")
        // New York, 8 days before a Friday Feb 20 motion: Lincoln's Birthday read both ways.
        let ny = try json(["--court", "ny-supreme", "--trigger", "2026-02-20T09:30:00-05:00", "--period", "8 days before"])
        #expect(ny["last_day"] as? String == "2026-02-11")
        #expect((ny["alternative"] as? [String: Any])?["last_day"] as? String == "2026-02-13")
        #expect((ny["warnings"] as? [String])?.count == 1)
        // An appeal to the Second Circuit from Massachusetts counts Patriots' Day.
        let appeal = try json(["--court", "us-ca2", "--from-court", "us-dma", "--trigger", "2026-04-10", "--period", "10 days"])
        #expect(appeal["last_day"] as? String == "2026-04-21" && appeal["from_court"] as? String == "us-dma")
        // A configuration named but missing is an error, not silently the shipped courts alone.
        let missing = try TicklerBinary.run(["deadline", "--court", "us-sdny", "--trigger", "2026-04-10", "--period", "10 days",
                                             "--config", scratch() + "/none.yaml"])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read the configuration"))
        // Mistakes are usage errors, named.
        let unknown = try TicklerBinary.run(["deadline", "--court", "xx-nowhere", "--trigger", "2026-04-10", "--period", "10 days"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no court 'xx-nowhere'") && unknown.stderr.contains("us-sdny"))
        let hours = try TicklerBinary.run(["deadline", "--court", "ca-superior", "--trigger", "2026-04-10", "--period", "48 hours"])
        #expect(hours.status == 2 && hours.stderr.contains("counts days only"))
        let notAppeal = try TicklerBinary.run(["deadline", "--court", "us-sdny", "--from-court", "us-dma", "--trigger", "2026-04-10", "--period", "10 days"])
        #expect(notAppeal.status == 2 && notAppeal.stderr.contains("court of appeals"))
    }

    /// The example configuration's `court: case` rules in one firm with a case in Los Angeles Superior Court
    /// and one in New York Supreme Court: each answer is due by its court's holidays in its court's zone, and
    /// the "2 court days before" escalation counts that court's days.
    @Test func theExampleDeadlinePoliciesCountEachCasesCourt() throws {
        let dir = scratch()
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = repository.appendingPathComponent("config/tickler.yaml").path
        put("""
            {"people": [{"id": "a1", "name": "Alex", "role": "attorney"}, {"id": "p1", "name": "Pat", "manager_id": "a1"}],
             "cases": [
              {"id": "c-ca", "number": "LA-1", "status": "open", "assignee_id": "p1", "attorney_id": "a1", "opened_at": "2026-01-05T17:00:00Z",
               "court": "ca-superior", "events": [
                {"id": "ca1", "kind": "complaint_served", "occurred_at": "2026-03-10T17:00:00Z", "service_method": "personal"},
                {"id": "ca2", "kind": "complaint_served", "occurred_at": "2026-01-23T17:00:00Z", "service_method": "personal"}]},
              {"id": "c-ny", "number": "NY-1", "status": "open", "assignee_id": "p1", "attorney_id": "a1", "opened_at": "2026-01-05T17:00:00Z",
               "court": "ny-supreme", "events": [
                {"id": "ny1", "kind": "complaint_served", "occurred_at": "2026-03-10T17:00:00Z", "service_method": "personal"},
                {"id": "ny2", "kind": "complaint_served", "occurred_at": "2026-01-23T17:00:00Z", "service_method": "personal"}]}]}
            """, dir + "/firm.json")
        let store = dir + "/firm.db"
        let imported = try TicklerBinary.run(["import", "--config", config, "--store", store, dir + "/firm.json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let r = try TicklerBinary.run(["simulate", "--config", config, "--store", store, "--from", "2026-01-24", "--to", "2026-04-05"])
        #expect(r.status == 0, "\(r.stderr)")
        var at: [String: String] = [:]
        for line in r.lines {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], o["policy"] as? String == "deadline-approach",
                  let subject = o["subject"] as? String, let stage = o["stage"] as? Int, let time = o["at"] as? String else { continue }
            at["\(subject) \(stage)"] = time
        }
        // Served Tue Mar 10: 21 days end Tue Mar 31, Cesar Chavez Day, a judicial holiday in California (Wed Apr 1,
        // midnight Pacific) but not in New York (Tue Mar 31, midnight Eastern).
        #expect(at["deadline:answer:ca1 4"] == "2026-04-02T06:59:59Z", "\(at)")
        #expect(at["deadline:answer:ny1 4"] == "2026-04-01T03:59:59Z", "\(at)")
        // Served Fri Jan 23: due Fri Feb 13 in both. Two court days before skip Lincoln's Birthday (Thu Feb 12),
        // a holiday of both courts that the policy's own calendar does not have: Tue Feb 10, 09:00.
        #expect(at["deadline:answer:ca2 4"] == "2026-02-14T07:59:59Z", "\(at)")
        #expect(at["deadline:answer:ny2 4"] == "2026-02-14T04:59:59Z", "\(at)")
        #expect(at["deadline:answer:ca2 3"] == "2026-02-10T17:00:00Z", "\(at)")
        #expect(at["deadline:answer:ny2 3"] == "2026-02-10T17:00:00Z", "\(at)")
    }

    /// `tickler closure add` lists the pending deadlines the closure moves (only those ending on it, only in
    /// its court); `simulate` counts by it; `remove` moves them back.
    @Test func aClosureListsTheDeadlinesItMovesAndTheCommandsCountByIt() throws {
        let dir = scratch()
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = repository.appendingPathComponent("config/tickler.yaml").path
        put("""
            {"people": [{"id": "p1", "name": "Pat"}],
             "cases": [
              {"id": "la", "number": "LA-1", "status": "open", "assignee_id": "p1", "opened_at": "2026-01-05T17:00:00Z", "court": "ca-superior",
               "events": [{"id": "la1", "kind": "complaint_served", "occurred_at": "2026-01-23T17:00:00Z"},
                          {"id": "la2", "kind": "complaint_served", "occurred_at": "2026-01-22T17:00:00Z"}]},
              {"id": "ny", "number": "NY-1", "status": "open", "assignee_id": "p1", "opened_at": "2026-01-05T17:00:00Z", "court": "ny-supreme",
               "events": [{"id": "ny1", "kind": "complaint_served", "occurred_at": "2026-01-23T17:00:00Z"}]}]}
            """, dir + "/firm.json")
        let store = dir + "/firm.db"
        #expect(try TicklerBinary.run(["import", "--config", config, "--store", store, dir + "/firm.json"]).status == 0)
        // Served Fri Jan 23: Fri Feb 13 in both courts; served Thu Jan 22: Thu Feb 12, Lincoln's Birthday, so also Fri Feb 13.
        let add = try TicklerBinary.run(["closure", "add", "--config", config, "--store", store, "--court", "ca-superior", "--date", "2026-02-13",
                                         "--reason", "storm", "--source", "https://court.test/order-7", "--at", "2026-02-01T12:00:00Z"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.lines == [
            "recorded closure of ca-superior on 2026-02-13: storm (https://court.test/order-7)",
            "LA-1  deadline:answer:la1  2026-02-13T23:59:59-08:00 → 2026-02-17T23:59:59-08:00  later",
            "LA-1  deadline:answer:la2  2026-02-13T23:59:59-08:00 → 2026-02-17T23:59:59-08:00  later",
            "2 pending computed deadlines moved",
        ])
        let counted = try TicklerBinary.run(["deadline", "--config", config, "--store", store, "--court", "ca-superior",
                                             "--trigger", "2026-01-23T17:00:00Z", "--period", "21 days", "--format", "json"])
        #expect(counted.stdout.contains("\"last_day\":\"2026-02-17\""), "tickler deadline counts the recorded closure: \(counted.stdout)")
        let list = try TicklerBinary.run(["closure", "list", "--config", config, "--store", store])
        #expect(list.lines == ["ca-superior  2026-02-13  storm  (https://court.test/order-7)"])
        let sim = try TicklerBinary.run(["simulate", "--config", config, "--store", store, "--from", "2026-02-01", "--to", "2026-02-20"])
        let due = sim.lines.filter { $0.contains("\"stage\": 4") && $0.contains("deadline:answer:la1") }
        #expect(due.count == 1 && due[0].contains("\"at\": \"2026-02-18T07:59:59Z\""), "\(sim.stdout)")
        let remove = try TicklerBinary.run(["closure", "remove", "--config", config, "--store", store, "--court", "ca-superior",
                                            "--date", "2026-02-13", "--at", "2026-02-01T12:00:00Z"])
        #expect(remove.lines.contains("LA-1  deadline:answer:la1  2026-02-17T23:59:59-08:00 → 2026-02-13T23:59:59-08:00  earlier"), "\(remove.stdout)")
        // Mistakes are named.
        let unknown = try TicklerBinary.run(["closure", "add", "--config", config, "--store", store, "--court", "xx", "--date", "2026-02-13",
                                             "--reason", "r", "--source", "s"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no court 'xx'"))
        let again = try TicklerBinary.run(["closure", "remove", "--config", config, "--store", store, "--court", "ca-superior", "--date", "2026-02-13"])
        #expect(again.status == 1 && again.stderr.contains("no closure of ca-superior on 2026-02-13"))
    }

    @Test func aComputedDeadlineFiresAsAStoredOneWould() throws {
        let dir = try directory()
        let r = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-11-01", "--to", "2026-12-01",
                                       "--format", "jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let fires = r.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let computed = fires.filter { $0["case"] as? String == "c1" }
        let stored = fires.filter { $0["case"] as? String == "c2" }
        #expect(computed.map { $0["subject"] as? String } == ["deadline:answer:e1", "deadline:answer:e1"])
        // Mon Nov 23 23:59:59 EST: −7 days → Mon Nov 16 09:00; −2 court days → Thu Nov 19 09:00.
        #expect(computed.map { $0["due"] as? String } == ["2026-11-16T14:00:00Z", "2026-11-19T14:00:00Z"])
        #expect(computed.map { $0["due"] as? String } == stored.map { $0["due"] as? String })
        #expect(computed.map { $0["at"] as? String } == stored.map { $0["at"] as? String })
        #expect(computed.map { $0["recipients"] as? [String] } == stored.map { $0["recipients"] as? [String] })
    }

    @Test func calendarImpactListsWhatANewHolidayMoves() throws {
        let dir = try directory()
        // The court closes on Mon Nov 23, 2026: the answer moves to Tue Nov 24.
        put(Self.config.replacingOccurrences(of: "court: { based_on: firm }",
                                             with: "court: { based_on: firm, holidays: [us-federal, 2026-11-23] }"),
            dir + "/new.yaml")
        let r = try TicklerBinary.run(["calendar-impact", dir + "/tickler.yaml", dir + "/new.yaml", "--at", "2026-11-01"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines == ["N-1  deadline:answer:e1  2026-11-23T23:59:59-05:00 → 2026-11-24T23:59:59-05:00  later",
                            "1 pending computed deadline would change"])
        // Past deadlines are not listed.
        let late = try TicklerBinary.run(["calendar-impact", dir + "/tickler.yaml", dir + "/new.yaml", "--at", "2026-12-01"])
        #expect(late.lines == ["0 pending computed deadlines would change"])
    }
}
