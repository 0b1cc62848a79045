import Foundation
import Logging
import Systemd
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.serialized) struct HoldTests {
    /// The daemon honours a snooze at its next tick, and an early unsnooze too: the case goes on the
    /// change feed, so its held stage fires at the next tick rather than when the snooze would have ended.
    @Test func snoozesAndUnsnoozesTakeEffectAtTheNextTick() async throws {
        let firm = try await DeliveryFirm(cases: 1, smtpPort: DeliveryFirm.freePort())
        let store = try firm.store()
        // A fresh case: opened Mon Nov 2, 2026 10:00 PST; stage 1 (10 business days, Veterans Day skipped) is due Tue Nov 17 10:00 PST.
        var batch = ImportBatch()
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: "c0", number: "N-0", status: .open, assigneeID: "p1", attorneyID: "a1",
            openedAt: RFC3339.parse("2026-11-02T18:00:00Z")!), updatedAt: nil))]
        try await store.write(batch, now: Instant(seconds: 0))
        let clock = ManualClock(RFC3339.parse("2026-11-17T17:00:00Z")!)
        let daemon = try await Daemon(options: .init(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                                     events: EventLog(logger: Logger(label: "hold-test"))))
        try await daemon.catchUp()
        let id = try await store.snooze(caseID: "c0", policy: nil, until: RFC3339.parse("2026-11-20T18:00:00Z")!,
                                        reason: "client travelling", by: "test", now: clock.now)
        clock.set(RFC3339.parse("2026-11-17T18:30:00Z")!)  // stage 1 is due, but held
        try await daemon.tick(.incremental)
        #expect(try await store.ledger(caseID: "c0").isEmpty)
        #expect(try await store.endHold(id: id, now: clock.now))
        clock.set(RFC3339.parse("2026-11-17T18:31:00Z")!)
        try await daemon.tick(.incremental)
        #expect(try await store.ledger(caseID: "c0").map(\.key.step) == [StepIndex(stage: 1)])
    }
}
