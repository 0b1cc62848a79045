import Foundation
import GRDB
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.serialized) struct StopDuringTickTests {
    /// A tick stuck in a store call (another program holds the write lock; the busy timeout is far longer
    /// than the test's time limit): a stop with a half-second bound returns while the tick is still stuck,
    /// instead of waiting for it. The stopping is journaled once.
    @Test(.timeLimit(.minutes(10))) func aStopReturnsWithinItsBoundWhileATickIsStuck() async throws {
        let dir = try await FirmFixture.directory()
        let clock = ManualClock(RFC3339.parse("2026-09-17T16:00:00Z")!)
        let recorded = RecordedEvents()
        var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                     events: recorded.log)
        options.storeBusyTimeout = .seconds(3600)
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()

        var unsafe = GRDB.Configuration()
        unsafe.allowsUnsafeTransactions = true  // the lock is held across accesses, as another process would
        let holder = try DatabaseQueue(path: dir + "/tickler.db", configuration: unsafe)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        clock.set(clock.now.adding(seconds: 5))
        let tick = Task { await daemon.timerFired() }
        // Wait until the tick is in flight (its first write waits on the lock).
        while await daemon.tickCount < 2 { await Task.yield() }
        await daemon.stop(bound: .milliseconds(500))
        #expect(recorded.of(.stopping).count == 1)
        // Still stuck when the stop returned: only now is the lock let go.
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        await tick.value
        #expect(recorded.of(.stopping).count == 1)
    }
}
