import Foundation
import GRDB
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// The start: the catch-up goes through the firm a bounded step at a time, each step an ordinary tick, and
/// says how far it has come; then the wake schedule in the store, not a sweep of the firm, brings each case
/// back when its next step is due.
@Suite(.serialized) struct CatchUpTests {
    @Test func theCatchUpGoesInBoundedStepsThenTheWakesBringEachCaseBackOnTime() async throws {
        let dir = try await FirmFixture.directory(cases: 10)
        let clock = ManualClock(RFC3339.parse("2026-09-08T16:00:00Z")!)  // nothing of the firm is due yet
        let recorded = RecordedEvents()
        var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                     events: recorded.log)
        options.sweepStep = 3
        let daemon = try await Daemon(options: options)
        #expect(await daemon.status == "catching up · 0 open cases · no tick yet")
        var progress: [String] = []
        for _ in 0..<3 {
            await daemon.timerFired()
            progress.append(await daemon.status.components(separatedBy: " · ")[0])
        }
        #expect(progress == ["catching up: 3 of 10 cases", "catching up: 6 of 10 cases", "catching up: 9 of 10 cases"])
        #expect(recorded.of(.caughtUp).isEmpty)
        await daemon.timerFired()
        #expect(await daemon.status.hasPrefix("10 open cases · 0 cycles due · last tick "))
        let done = recorded.of(.caughtUp)
        #expect(done.count == 1)
        #expect(done.first?.fields["cases"] == "10" && done.first?.fields["fired"] == "0")

        // Each case's next wake is in the store: the first step's due instant.
        let db = try DatabaseQueue(path: dir + "/tickler.db")
        let wakes = try await db.read { try Row.fetchAll($0, sql: "SELECT case_id, wake_at FROM tickler_wake") }
        #expect(wakes.count == 10)
        let first = try #require(wakes.map { Int64($0["wake_at"] as Int64) }.min())
        // A steady tick sweeps one case of ten (a lap an hour, a tick a second), so what fires at the wake
        // comes from the wake schedule: not a second early, every case at once.
        clock.set(Instant(seconds: first - 1))
        await daemon.timerFired()
        #expect(recorded.of(.reminderFired).isEmpty)
        clock.set(Instant(seconds: first))
        await daemon.timerFired()
        #expect(recorded.of(.reminderFired).count == 10)
        await daemon.stop(bound: .seconds(5))
    }
}
