import Foundation
import Testing
import TicklerStore
import TicklerTestKit

/// The operator's commands against a fixed firm whose backlog `ticklerd --once` has recorded: exact JSON,
/// sane tables, and the bounds of snooze and ack.
@Suite(.serialized, .ownThreads) struct OperatorCommandTests {
    static let config = """
        firm: { name: Example Law }
        calendars:
          firm: { timezone: America/New_York, holidays: [us-federal] }
          court: { based_on: firm }
        store: { sqlite: tickler.db }
        policies:
          - id: client-update-cadence
            applies_to: { status: [open] }
            clock: { since: client_update, calendar: firm }
            stages:
              - { after: 10 business days, action: remind, notify: [assignee] }
              - { after: 13 business days, action: escalate, notify: [attorney] }
          - id: deadline-approach
            clock: { until: deadline, calendar: court }
            stages:
              - { before: 14 days, at: "09:00", notify: [assignee] }
              - { before: 2 court days, at: "09:00", action: escalate, notify: [attorney] }
        """

    /// Two cases long overdue for a client update (c1 older), and c2 with an unanswered call and a court
    /// date in December 2027 (far enough ahead to stay pending).
    static let firm = """
        {"people": [{"id": "a1", "name": "Alex Attorney", "email": "alex@firm.test", "role": "attorney"},
                    {"id": "p1", "name": "Pat Paralegal", "email": "pat@firm.test", "manager_id": "a1"}],
         "cases": [
          {"id": "c1", "number": "N-1", "status": "open", "assignee_id": "p1", "attorney_id": "a1", "opened_at": "2026-08-03T14:00:00Z"},
          {"id": "c2", "number": "N-2", "status": "open", "assignee_id": "p1", "attorney_id": "a1", "opened_at": "2026-09-01T14:00:00Z",
           "communications": [{"id": "m1", "direction": "inbound", "channel": "call", "kind": "other", "occurred_at": "2026-10-05T15:00:00Z"}],
           "deadlines": [{"id": "d1", "kind": "court", "title": "Pretrial conference", "due_at": "2027-12-15T22:00:00Z"}]}]}
        """

    static let at = "2026-12-01T15:00:00Z"

    func firmDirectory() throws -> String {
        let dir = scratch()
        put(Self.config, dir + "/tickler.yaml")
        put(Self.firm, dir + "/firm.json")
        #expect(try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/firm.json"]).status == 0)
        let once = try TicklerBinary.daemon(["--config", dir + "/tickler.yaml", "--once"])
        #expect(once.status == 0, "\(once.stderr)")
        return dir
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func statusGivesTheBacklogExactlyAsJSONAndFitsEightyColumns() async throws {
        let dir = try firmDirectory()
        let r = try TicklerBinary.run(["status", "--config", dir + "/tickler.yaml", "--at", Self.at, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        var o = json(r.stdout)
        let daemon = o.removeValue(forKey: "daemon") as? [String: String]
        let data = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: data, as: UTF8.self) == """
            {"at":"2026-12-01T15:00:00Z","by_assignee":[{"assignee":"p1","escalations":2,"name":"Pat Paralegal","open":2}],\
            "deadlines":[],"deadlines_horizon":"2026-12-10T15:00:00Z","deliveries":{"failed_last_day":0,"pending":0,"retrying":0},\
            "oldest_unanswered_inbound":{"age_days":57,"case":"c2","case_number":"N-2","since":"2026-10-05T15:00:00Z"},\
            "open_cases":2,"open_cycles":[{"count":2,"policy":"client-update-cadence","stage":2}],"open_cycles_total":2,"staff_tasks":[],"zone":"America/New_York"}
            """)
        #expect(daemon?["version"]?.isEmpty == false)
        #expect(daemon?["last_tick_at"].flatMap { $0.hasSuffix("Z") ? $0 : nil } != nil)

        let table = try TicklerBinary.run(["status", "--config", dir + "/tickler.yaml", "--at", Self.at])
        #expect(table.status == 0)
        #expect(table.lines.allSatisfy { $0.count <= 80 })
        #expect(!table.stdout.contains("\u{1B}["))  // no colour on a pipe
        #expect(table.stdout.contains("client-update-cadence"))
        #expect(table.stdout.contains("Pat Paralegal (p1)"))
        #expect(table.stdout.contains("Oldest unanswered inbound: case N-2, since 2026-10-05 (57 days)"))
        #expect(table.lines.first == "Backlog at 2026-12-01 10:00 America/New_York: 2 open cases, 2 open follow-ups", "times say their zone")
        // `--once` caught up before it stopped.
        #expect(daemon?["catching_up"] == "")
        #expect(!table.stdout.contains("catching up"))

        // A deadline within the horizon is listed by its title, at a time in the named zone.
        let later = try TicklerBinary.run(["status", "--config", dir + "/tickler.yaml", "--at", "2027-12-09T15:00:00Z"])
        #expect(later.lines.contains("  2027-12-15 17:00  case N-2  Pretrial conference (deadline:d1)"), "\(later.stdout)")

        // A daemon whose last tick was a step of its catch-up says how far it had come.
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        try await store.saveHealth(["catching_up": "catching up: 4,096 of 1,000,000 cases", "last_tick_at": Self.at])
        let catching = try TicklerBinary.run(["status", "--config", dir + "/tickler.yaml", "--at", Self.at])
        #expect(catching.stdout.contains("\nDaemon is catching up: 4,096 of 1,000,000 cases evaluated again\n"), "\(catching.stdout)")
        #expect(catching.lines.allSatisfy { $0.count <= 80 })
    }

    @Test func historyListsFiresSkippedStepsAndDeliveries() throws {
        let dir = try firmDirectory()
        let r = try TicklerBinary.run(["history", "--config", dir + "/tickler.yaml", "--format", "json", "--case", "c1", "--explain"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.lines.map(json)
        #expect(rows.map { "\($0["policy"] ?? "") \($0["stage"] ?? "") \($0["outcome"] ?? "")" }
            == ["client-update-cadence 1 skipped", "client-update-cadence 2 fired"])
        #expect(rows[1]["recipients"] as? [String] == ["a1"])
        #expect(rows[1]["deliveries"] as? [Any] != nil)
        #expect((rows[1]["explanation"] as? String)?.contains("13 business days") == true)
        let table = try TicklerBinary.run(["history", "--config", dir + "/tickler.yaml", "--policy", "client-update-cadence"])
        #expect(table.lines.count == 4)
    }

    @Test func snoozeIsBoundedByTheLastBeforeStageAndRecordedWithWhoAndWhy() throws {
        let dir = try firmDirectory()
        let config = dir + "/tickler.yaml"
        // c2's court date is Wed Dec 15, 2027 17:00 EST: its last before: stage is 2 court days earlier, Mon Dec 13 09:00.
        let tooLong = try TicklerBinary.run(["snooze", "c2", "--until", "2027-12-14", "--reason", "trial prep", "--config", config,
                                             "--at", Self.at])
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.contains("cannot snooze case N-2 past 2027-12-13T09:00:00-05:00, when stage 2 of deadline-approach (before: 2 court days at 09:00) is due for deadline:d1"))
        let ok = try TicklerBinary.run(["snooze", "c2", "--policy", "client-update-cadence", "--until", "2026-12-08",
                                        "--reason", "client abroad", "--config", config, "--at", Self.at])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try TicklerBinary.run(["snooze", "c9", "--until", "2026-12-08", "--reason", "x", "--config", config,
                                       "--at", Self.at]).status == 1)
        #expect(try TicklerBinary.run(["snooze", "c2", "--until", "2026-11-01", "--reason", "x", "--config", config,
                                       "--at", Self.at]).status == 1)
        let list = try TicklerBinary.run(["snoozes", "--config", config, "--format", "json", "--at", Self.at])
        let rows = list.lines.map(json)
        #expect(rows.count == 1)
        #expect(rows.first?["case"] as? String == "c2")
        #expect(rows.first?["reason"] as? String == "client abroad")
        #expect((rows.first?["by"] as? String)?.isEmpty == false)
        let id = try #require(rows.first?["id"] as? Int)
        #expect(try TicklerBinary.run(["unsnooze", "\(id)", "--config", config, "--at", Self.at]).status == 0)
        #expect(try TicklerBinary.run(["unsnooze", "\(id)", "--config", config, "--at", Self.at]).status == 1)
        #expect(try TicklerBinary.run(["snoozes", "--config", config, "--at", Self.at]).stdout == "no snoozes or acks in force\n")
    }

    @Test func anAckHoldsTheCycleButNotForThePersonItIsAbout() throws {
        let dir = try firmDirectory()
        let config = dir + "/tickler.yaml"
        let history = try TicklerBinary.run(["history", "--config", config, "--format", "json", "--case", "c1"]).lines.map(json)
        let escalation = try #require(history.first { $0["outcome"] as? String == "fired" }?["fire_id"] as? String)
        let own = try TicklerBinary.run(["ack", escalation, "--reason", "on it", "--as", "p1", "--config", config, "--at", Self.at])
        #expect(own.status == 1)
        #expect(own.stderr.contains("p1 cannot acknowledge escalation \(escalation): it is about their own follow-up on case N-1"))
        let ack = try TicklerBinary.run(["ack", escalation, "--reason", "called the client", "--as", "a1", "--config", config,
                                         "--at", Self.at])
        #expect(ack.status == 0, "\(ack.stderr)")
        // Tue Dec 1 10:00 EST + 1 business day.
        #expect(ack.stdout.contains("held until 2026-12-02T10:00:00-05:00"))
        let rows = try TicklerBinary.run(["snoozes", "--config", config, "--format", "json", "--at", Self.at]).lines.map(json)
        #expect(rows.map { $0["kind"] as? String } == ["ack"])
        #expect(rows.first?["fire_id"] as? String == escalation)
        #expect(try TicklerBinary.run(["ack", "nosuchfire", "--reason", "x", "--config", config]).status == 1)
    }

    @Test func diffConfigReportsExactlyTheFiresThatMove() throws {
        let dir = try firmDirectory()
        put(Self.config.replacingOccurrences(of: "before: 14 days", with: "before: 21 days"), dir + "/new.yaml")
        let r = try TicklerBinary.run(["diff-config", dir + "/tickler.yaml", dir + "/new.yaml", "--from", "2027-11-01",
                                       "--to", "2027-12-31", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.lines.map(json)
        #expect(rows.count == 1)
        #expect(rows.first?["change"] as? String == "move")
        #expect(rows.first?["subject"] as? String == "deadline:d1")
        #expect(rows.first?["stage"] as? Int == 1)
        #expect(rows.first?["old_due"] as? String == "2027-12-01T14:00:00Z")
        #expect(rows.first?["new_due"] as? String == "2027-11-24T14:00:00Z")
        let text = try TicklerBinary.run(["diff-config", dir + "/tickler.yaml", dir + "/new.yaml", "--from", "2027-11-01",
                                          "--to", "2027-12-31"])
        #expect(text.lines.last?.hasPrefix("0 appear, 0 disappear, 1 move") == true)
        let same = try TicklerBinary.run(["diff-config", dir + "/tickler.yaml", dir + "/tickler.yaml", "--from", "2027-11-01",
                                          "--to", "2027-12-31", "--format", "json"])
        #expect(same.stdout.isEmpty)
    }
}

/// The man pages render without warnings, and `make install` lays everything out.
@Suite(.ownThreads) struct InstallTests {
    @Test(arguments: ["ticklerd.8", "tickler.1", "tickler.yaml.5"])
    func manPagesRenderWithoutWarnings(page: String) throws {
        let dir = scratch()
        let scdoc = try run("/bin/sh", ["-c", "scdoc < '\(TestServer.root)/docs/man/\(page).scd' > '\(dir)/\(page)'"])
        #expect(scdoc.status == 0, "\(scdoc.err)")
        let man = try run("/usr/bin/man", ["--warnings", "-l", dir + "/" + page], env: ["MANWIDTH": "80"])
        #expect(man.status == 0)
        #expect(man.err.isEmpty, "\(man.err)")
        #expect(man.out.contains("NAME"))
    }

    @Test func makeInstallLaysOutEverything() throws {
        let root = scratch()
        let r = try run("/usr/bin/make", ["-C", TestServer.root, "install", "DESTDIR=\(root)", "CONFIGURATION=debug", "PREFIX=/usr/local"])
        #expect(r.status == 0, "\(r.err)")
        for path in ["/usr/local/bin/tickler", "/usr/local/bin/ticklerd", "/usr/local/lib/systemd/system/ticklerd.service",
                     "/usr/lib/systemd/catalog/tickler.catalog", "/usr/local/share/man/man1/tickler.1",
                     "/usr/local/share/man/man5/tickler.yaml.5", "/usr/local/share/man/man8/ticklerd.8",
                     "/usr/local/share/bash-completion/completions/tickler", "/usr/local/share/zsh/site-functions/_tickler",
                     "/usr/local/share/fish/vendor_completions.d/tickler.fish", "/etc/tickler/tickler.yaml",
                     "/etc/tickler/tickler.yaml.example", "/etc/tickler/court-holidays.ics",
                     "/etc/tickler/templates/client-update-cadence.subject.mustache"] {
            #expect(FileManager.default.fileExists(atPath: root + path), "\(path)")
        }
        let bash = try String(contentsOfFile: root + "/usr/local/share/bash-completion/completions/tickler", encoding: .utf8)
        #expect(bash.contains("snooze") && bash.contains("check-config"))
        // The installed configuration checks as it is.
        let check = try TicklerBinary.run(["check-config", "--config", root + "/etc/tickler/tickler.yaml"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    func run(_ tool: String, _ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), x = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: x, as: UTF8.self))
    }
}
