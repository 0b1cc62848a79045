import Foundation
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// A closure recorded while the daemon runs (`tickler closure add`): at its next tick the daemon journals
/// each pending deadline the closure moves, once, and their reminders follow the new dates; deadlines of
/// other days and other courts stay. On pinned time.
@Suite(.serialized) struct CourtClosureTests {
    static let config = """
        calendars:
          firm: { timezone: America/Los_Angeles, holidays: [us-federal] }
          court: { based_on: firm }
        store: { sqlite: tickler.db }
        poll: { interval: 1s, full_rescan: 1h }
        deadline_rules:
          - { id: answer, on_event: served, period: "21 days", court: case, default_court: ca-superior, title: Answer }
        policies:
          - id: deadline-due
            clock: { until: deadline, calendar: firm }
            stages: [{ after: 0 days, notify: [assignee], deliver: immediately }]
        """

    @Test func aClosureMovesTheDeadlinesEndingOnItAndTheDaemonReplansTheirReminders() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tickler-closure-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", name: "Pat"))]
        // Served Fri Jan 23, 2026: 21 days end Fri Feb 13 in both courts. Served Mon Jan 26: Mon Feb 16,
        // Presidents' Day, so Tue Feb 17.
        for (id, court, served) in [("la", "ca-superior", "2026-01-23T17:00:00Z"), ("ny", "ny-supreme", "2026-01-23T17:00:00Z"),
                                    ("la2", "ca-superior", "2026-01-26T17:00:00Z")] {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: id, number: id.uppercased(), status: .open, assigneeID: "p1", openedAt: RFC3339.parse("2026-01-05T17:00:00Z")!,
                court: court), updatedAt: nil)))
            batch.events.append(.init(source: "t", caseID: id, record: TriggerEvent(id: "e-\(id)", kind: "served", occurredAt: RFC3339.parse(served)!)))
        }
        try await store.write(batch, now: Instant(seconds: 0))

        let clock = ManualClock(RFC3339.parse("2026-02-02T16:00:00Z")!)
        let recorded = RecordedEvents()
        let daemon = try await Daemon(options: Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                                              events: recorded.log))
        await daemon.timerFired()
        #expect(recorded.of(.caughtUp).count == 1)
        #expect(recorded.of(.deadlineMoved).isEmpty)

        // Los Angeles Superior Court closed on Fri Feb 13: the Los Angeles answer moves past the weekend and
        // Presidents' Day to Tue Feb 17; New York's, and the one already ending Feb 17, do not move.
        #expect(try await store.addCourtClosure(court: "ca-superior", CourtClosure(date: LocalDate(year: 2026, month: 2, day: 13),
                                                                                  reason: "storm", source: "https://court.test/order-7"),
                                                now: clock.now))
        clock.set(RFC3339.parse("2026-02-02T16:00:05Z")!)
        await daemon.timerFired()
        let moved = recorded.of(.deadlineMoved)
        #expect(moved.count == 1)
        #expect(moved.first?.fields["subject"] == "deadline:answer:e-la")
        #expect(moved.first?.fields["direction"] == "later")
        #expect(moved.first?.fields["from"] == "2026-02-14T07:59:59Z")
        #expect(moved.first?.fields["to"] == "2026-02-18T07:59:59Z")
        // Journaled once: later ticks find nothing new.
        clock.set(RFC3339.parse("2026-02-02T16:00:10Z")!)
        await daemon.timerFired()
        #expect(recorded.of(.deadlineMoved).count == 1)

        // At the old due time only New York's fires; Los Angeles' fires at its new one, with the other case's.
        clock.set(RFC3339.parse("2026-02-14T08:00:00Z")!)
        await daemon.timerFired()
        #expect(Set(recorded.of(.reminderFired).compactMap { $0.fields["case_id"] }) == ["ny"])
        clock.set(RFC3339.parse("2026-02-18T08:00:00Z")!)
        await daemon.timerFired()
        #expect(Set(recorded.of(.reminderFired).compactMap { $0.fields["case_id"] }) == ["ny", "la", "la2"])
        #expect(recorded.of(.reminderFired).count == 3)
        await daemon.stop(bound: .seconds(5))
    }
}
