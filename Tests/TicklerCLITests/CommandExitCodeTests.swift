import Foundation
import Testing
import TicklerTestKit

@Suite(.ownThreads) struct CommandExitCodeTests {
    @Test func checkConfigPrintsEveryLocatedErrorAndExitsOne() throws {
        let dir = scratch()
        put("""
            calendars: { firm: { timezone: Nowhere/Land } }
            policies:
              - { id: a, clock: { since: never }, stages: [{ after: 1 day }] }
            """, dir + "/t.yaml")
        let r = try TicklerBinary.run(["check-config", "--config", dir + "/t.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").map(String.init) == [
            "\(dir)/t.yaml:1:32: error: unknown time zone 'Nowhere/Land'; use an IANA name such as America/Los_Angeles",
            "\(dir)/t.yaml:3:30: error: unknown clock 'since: never'; expected one of client_update, inbound, document_request, activity, opened, stage_change, closed, low_score, staff_task",
        ])
        #expect(r.stdout.isEmpty)
    }

    /// A client template may show only the whitelisted fields: anything else is refused where it is written.
    @Test func checkConfigRejectsAClientTemplateNamingAFieldOffTheWhitelist() throws {
        let dir = scratch()
        put("""
            calendars: { firm: { timezone: America/Chicago } }
            channels:
              mail: { type: email, smtp: "smtp://127.0.0.1:2525", starttls: off, from: "Firm <updates@firm.test>" }
            clients: { channels: { email: mail } }
            stages: { default: [{ id: intake, text: { en: { name: Getting started } } }] }
            policies:
              - { id: stage-update, client_facing: true, clock: { since: stage_change },
                  stages: [{ after: 0 minutes, notify: [client] }] }
            """, dir + "/t.yaml")
        try FileManager.default.createDirectory(atPath: dir + "/templates", withIntermediateDirectories: true)
        put("Dear {{first_name}},\nyour case {{case_number}} is now at {{stage_name}}.\n",
            dir + "/templates/stage-update.client.en.text.mustache")
        let r = try TicklerBinary.run(["check-config", "--config", dir + "/t.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr == "\(dir)/templates/stage-update.client.en.text.mustache:2:11: error: 'case_number' may not appear in a "
            + "client message; client templates may use only attend, date, documents, firm_name, first_name, portal_url, scale, "
            + "staff_name, staff_phone, stage_back, stage_means, stage_name, stage_needs, stage_next, time, title, what, where\n")
        put("Dear {{first_name}},\nyour case is now at {{stage_name}}.\n", dir + "/templates/stage-update.client.en.text.mustache")
        #expect(try TicklerBinary.run(["check-config", "--config", dir + "/t.yaml"]).status == 0)
    }

    @Test func checkConfigOnTheExampleSucceeds() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["check-config", "--config", dir + "/tickler.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout == "\(dir)/tickler.yaml: ok: 2 policies, 2 calendars, 0 channels besides the journal, built-in templates\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try TicklerBinary.run(["simulate", "--bogus"]).status == 2)
        #expect(try TicklerBinary.run(["no-such-command"]).status == 2)
        let dir = try smallFirmDirectory()
        #expect(try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--at", "next tuesday"]).status == 2)
    }

    /// Every number from the command line is range-checked: a usage error, never a trap on overflow.
    @Test(arguments: [
        ["plan", "--at", "now+200000000000000d"],
        ["plan", "--at", "now-9223372036854775807h"],
        ["plan", "--at", "now+109576d"],
        ["plan", "--at", "0001-01-01T00:00:00Z"],
        ["plan", "--at", "9999-12-31"],
        ["simulate", "--from", "now", "--to", "now+99999999999999h"],
        ["status", "--at", "2200-01-01T00:00:00Z"],
        ["deadline", "--trigger", "2026-11-02", "--period", "14 days", "--mail-days", "99999999999", "--service", "mail"],
        ["deadline", "--trigger", "2026-11-02", "--period", "14 days", "--mail-days", "-1", "--service", "mail"],
        ["deadline", "--trigger", "2026-11-02", "--period", "99999999999999999999 days"],
        ["demo-data", "--cases", "99999999999999999999", "--out", "/tmp/never.db"],
    ])
    func outOfRangeNumbersAreUsageErrors(arguments: [String]) throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(arguments + (arguments[0] == "demo-data" ? [] : ["--config", dir + "/tickler.yaml"]))
        #expect(r.status == 2, "\(arguments): \(r.stderr)")
        #expect(!r.stderr.isEmpty && !r.stderr.contains("Unknown option") && !r.stderr.contains("Missing expected"), "\(r.stderr)")
    }

    @Test func helpExitsZero() throws {
        let r = try TicklerBinary.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("check-config"))
    }

    @Test func anUnreachableStoreExitsThree() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--store", dir + "/missing.db"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("no store at"))
    }

    @Test func aRejectedImportExitsOneListsProblemsAndWritesNothing() throws {
        let dir = try smallFirmDirectory()
        put(#"{"cases": [{"id": "c9", "number": "N", "status": "open", "opened_at": "soon", "assignee_id": "ghost"}]}"#,
            dir + "/bad.json")
        let r = try TicklerBinary.run(["import", "--config", dir + "/tickler.yaml", dir + "/bad.json"])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").map(String.init) == [
            "\(dir)/bad.json:cases[0].opened_at: is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)",
            "\(dir)/bad.json:cases[0].assignee_id: refers to a person who is neither in the file nor in the store",
            "import rejected: 2 problem(s); nothing was written",
        ])
        let plan = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--case", "c9"])
        #expect(plan.status == 1)
    }

    @Test func planShowsWhatIsDueAndWhatIsNextAsJSON() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--at", "2026-09-22T00:00:00Z", "--format", "json"])
        #expect(r.status == 0)
        #expect(r.lines == [
            #"{"at": "2026-09-22T00:00:00Z", "cases": ["#,
            #"  {"case": "c1", "number": "2026-0142", "cycles": ["#,
            #"    {"policy": "client-update-cadence", "subject": "case:c1", "anchor": "2026-09-01T16:00:00Z", "due_now": {"stage": 2, "repeat": 0, "action": "escalate", "due": "2026-09-21T16:00:00Z", "at": "2026-09-22T00:00:00Z", "recipients": ["a1"], "channels": ["journal"], "fire_id": "\#(fireID)", "skips": [{"stage": 1, "repeat": 0}]}, "next": null, "snoozed_until": null},"#,
            #"    {"policy": "deadline-approach", "subject": "deadline:d1", "anchor": "2026-10-05T23:59:00Z", "due_now": null, "next": {"stage": 1, "repeat": 0, "due": "2026-09-28T16:00:00Z"}, "snoozed_until": null}"#,
            #"  ]}"#,
            #"]}"#,
        ])
    }

    /// sha256("tickler-fire-v1\nclient-update-cadence\ncase:c1\n1788278400\n2\n0"), first 32 hex digits,
    /// computed outside Swift.
    let fireID = "083ce8b87214363876ebffeabe03ed96"
}
