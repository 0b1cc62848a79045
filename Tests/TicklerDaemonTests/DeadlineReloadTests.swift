import Foundation
import Glibc
import Testing
import TicklerCore
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.serialized, .ownThreads) struct DeadlineReloadTests {
    static func config(holidays: String) -> String {
        """
        calendars:
          firm: { timezone: America/New_York, holidays: \(holidays) }
        store: { sqlite: tickler.db }
        poll: { interval: 1s, full_rescan: 1h }
        deadline_rules:
          - { id: answer, on_event: served, period: "21 days", calendar: firm, title: Answer }
        policies:
          - id: deadline-approach
            clock: { until: deadline, calendar: firm }
            stages: [{ before: 2 days, notify: [assignee] }]
        """
    }

    /// A reload that adds a court holiday on a pending computed deadline's last day: the daemon journals
    /// the move (priority 4), never moving it later in silence.
    @Test func aReloadThatMovesAPendingDeadlineJournalsIt() async throws {
        let dir = "/tmp/tickler-deadline-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.config(holidays: "[us-federal]").write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        // Served a year ahead, so the deadline is pending whatever today is: Tue Dec 1, 2027 + 21 days = Wed Dec 22.
        var batch = ImportBatch()
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: "c1", number: "N-1", status: .open, openedAt: RFC3339.parse("2026-01-05T15:00:00Z")!), updatedAt: nil))]
        batch.events = [.init(source: "t", caseID: "c1",
                              record: TriggerEvent(id: "e1", kind: "served", occurredAt: RFC3339.parse("2027-12-01T15:00:00Z")!))]
        try await store.write(batch, now: Instant(seconds: 0))
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify)
        defer { daemon.signal(SIGKILL) }
        _ = notify.untilCaughtUp()
        try Self.config(holidays: "[us-federal, 2027-12-22]").write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        _ = notify.untilCaughtUp()
        let moved = try JournalQuery.entries(["_PID=\(daemon.process.processIdentifier)", "MESSAGE_ID=d7c3a9e15b6f4082a4e9c1f3b5d7e820"])
        #expect(moved.count == 1)
        let m = try #require(moved.first)
        #expect(m["PRIORITY"] as? String == "4")
        #expect(m["TICKLER_SUBJECT"] as? String == "deadline:answer:e1")
        #expect(m["TICKLER_DIRECTION"] as? String == "later")
        #expect(m["TICKLER_FROM"] as? String == "2027-12-23T04:59:59Z")
        #expect(m["TICKLER_TO"] as? String == "2027-12-24T04:59:59Z")
    }
}
