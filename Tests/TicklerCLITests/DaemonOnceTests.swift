import Foundation
import Testing
import TicklerTestKit

@Suite(.ownThreads) struct DaemonOnceTests {
    static func ticklerd(_ arguments: [String]) throws -> TicklerBinary.Result { try TicklerBinary.daemon(arguments) }

    @Test func onceRecordsEachDueStepExactlyOnceAcrossRuns() throws {
        let dir = try smallFirmDirectory()
        // Both cycles of the small firm are long past due: catch-up fires stage 2 of each and skips stage 1.
        let first = try Self.ticklerd(["--once", "--config", dir + "/tickler.yaml"])
        #expect(first.status == 0)
        #expect(first.stderr.contains("warning: Escalation: client-update-cadence stage 2 for case 2026-0142 (case:c1), "
            + "due 2026-09-21T16:00:00Z, to a1 [fire 083ce8b87214363876ebffeabe03ed96]"))
        #expect(first.stderr.contains("warning: Escalation: deadline-approach stage 2 for case 2026-0142 (deadline:d1)"))
        #expect(first.stderr.components(separatedBy: "Escalation:").count == 3)
        #expect(!first.stderr.contains("Canary"))
        let second = try Self.ticklerd(["--once", "--config", dir + "/tickler.yaml"])
        #expect(second.status == 0)
        #expect(!second.stderr.contains("Escalation:") && !second.stderr.contains("Reminder:"))
        // The ledger now holds stage 2, so plan shows nothing due.
        let plan = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--format", "json"])
        #expect(!plan.stdout.contains("\"due_now\": {"))
    }

    @Test func refusesToStartOnABrokenConfigWithTheLocatedError() throws {
        let dir = scratch()
        put("policies:\n  - { id: a, clock: { since: never }, stages: [{ after: 1 day }] }\n", dir + "/t.yaml")
        let r = try Self.ticklerd(["--once", "--config", dir + "/t.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(dir)/t.yaml:2:30: error: unknown clock 'since: never'"))
    }
}

@Suite(.ownThreads) struct PlanExplainTests {
    @Test func explainsEachFireDueNow() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["plan", "--config", dir + "/tickler.yaml", "--at", "2026-09-22T00:00:00Z", "--explain"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("            why: Stage 2 of client-update-cadence (escalate), clock since: client_update on "
            + "case:c1: anchor 2026-09-01T09:00:00-07:00, case opened (no status update yet). Due after: 13 business days "
            + "on calendar firm: 2026-09-21T09:00:00-07:00. Skipped 7 non-business days: 2026-09-05 (Saturday)"))
        #expect(r.stdout.contains("2026-09-07 (holiday: Labor Day)"))
    }
}
