import Testing
import TicklerTestKit

@Suite(.ownThreads) struct SimulateCommandTests {
    @Test func listsEveryFireInContractOrderAndFormat() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-09-01T00:00:00Z",
                                       "--to", "2026-10-10T00:00:00Z", "--format", "jsonl"])
        #expect(r.status == 0)
        // Opened Tue Sep 1 09:00 PDT; Labor Day skipped: 10 business days → Wed Sep 16, 13 → Mon Sep 21.
        // Deadline Mon Oct 5 16:59 PDT: 7 days before at 09:00 → Sep 28; 2 court days before → Thu Oct 1.
        #expect(r.lines == [
            #"{"at": "2026-09-16T16:00:00Z", "due": "2026-09-16T16:00:00Z", "case": "c1", "policy": "client-update-cadence", "stage": 1, "repeat": 0, "action": "remind", "subject": "case:c1", "recipients": ["p1"], "channels": ["journal"]}"#,
            #"{"at": "2026-09-21T16:00:00Z", "due": "2026-09-21T16:00:00Z", "case": "c1", "policy": "client-update-cadence", "stage": 2, "repeat": 0, "action": "escalate", "subject": "case:c1", "recipients": ["a1"], "channels": ["journal"]}"#,
            #"{"at": "2026-09-28T16:00:00Z", "due": "2026-09-28T16:00:00Z", "case": "c1", "policy": "deadline-approach", "stage": 1, "repeat": 0, "action": "remind", "subject": "deadline:d1", "recipients": ["p1", "a1"], "channels": ["journal"]}"#,
            #"{"at": "2026-10-01T16:00:00Z", "due": "2026-10-01T16:00:00Z", "case": "c1", "policy": "deadline-approach", "stage": 2, "repeat": 0, "action": "escalate", "subject": "deadline:d1", "recipients": ["a1"], "channels": ["journal"]}"#,
        ])
        #expect(!r.stdout.contains("Canary"))
    }

    @Test func catchUpCollapsesAtTheStartOfTheWindow() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-09-22T00:00:00Z",
                                       "--to", "2026-09-29T00:00:00Z"])
        #expect(r.lines == [
            #"{"at": "2026-09-22T00:00:00Z", "due": "2026-09-21T16:00:00Z", "case": "c1", "policy": "client-update-cadence", "stage": 2, "repeat": 0, "action": "escalate", "subject": "case:c1", "recipients": ["a1"], "channels": ["journal"]}"#,
            #"{"at": "2026-09-28T16:00:00Z", "due": "2026-09-28T16:00:00Z", "case": "c1", "policy": "deadline-approach", "stage": 1, "repeat": 0, "action": "remind", "subject": "deadline:d1", "recipients": ["p1", "a1"], "channels": ["journal"]}"#,
        ])
    }

    @Test func aReminderCaughtUpAtNightWaitsForTheNextOpening() throws {
        let dir = try smallFirmDirectory()
        // From Wed Sep 16 20:00 PDT: stage 1 (due 09:00 that day) fires now, is delivered Thu 09:00 PDT.
        let r = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-09-17T03:00:00Z",
                                       "--to", "2026-09-18T00:00:00Z", "--case", "c1"])
        #expect(r.lines == [
            #"{"at": "2026-09-17T16:00:00Z", "due": "2026-09-16T16:00:00Z", "case": "c1", "policy": "client-update-cadence", "stage": 1, "repeat": 0, "action": "remind", "subject": "case:c1", "recipients": ["p1"], "channels": ["journal"]}"#,
        ])
    }

    @Test func theWindowIsHalfOpen() throws {
        let dir = try smallFirmDirectory()
        // Stage 1 is due at 2026-09-16T16:00:00Z: a window ending there excludes it, one a second later includes it.
        let r = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-09-10T00:00:00Z",
                                       "--to", "2026-09-16T16:00:00Z"])
        #expect(r.status == 0)
        #expect(r.lines.isEmpty)
        let later = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-09-10T00:00:00Z",
                                           "--to", "2026-09-16T16:00:01Z"])
        #expect(later.lines.count == 1)
    }

    @Test func rejectsAnUnknownFormatAsAUsageError() throws {
        let dir = try smallFirmDirectory()
        let r = try TicklerBinary.run(["simulate", "--config", dir + "/tickler.yaml", "--from", "2026-09-01", "--to",
                                       "2026-09-02", "--format", "xml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--format must be jsonl"))
    }
}
