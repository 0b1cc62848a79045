import Foundation
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerTestKit
@testable import TicklerDaemon

/// A reload is applied between ticks, in the runner as in the state machine. The path that broke it: a
/// tick ends with a reload pending, the runner starts applying it (new lanes, a firm-wide deadline scan)
/// and, while it waits on that, the service loop's timer comes in: it saw no tick and no reload and
/// started a catch-up tick in the middle of the apply, whose end then overwrote the sweep's restart. The
/// runner now decides one event at a time: the timer waits for the apply, and the catch-up that follows
/// starts from the first case.
@Suite(.serialized) struct ReloadBetweenTicksTests {
    @Test(.timeLimit(.minutes(10))) func aTimerDuringTheApplyWaitsForItAndTheCatchUpStartsFromTheFirstCase() async throws {
        let dir = try await FirmFixture.directory(cases: 10)
        let clock = ManualClock(RFC3339.parse("2026-09-08T16:00:00Z")!)
        let recorded = RecordedEvents()
        let gate = ApplyGate()
        var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                     events: recorded.log)
        options.sweepStep = 3
        options.applying = { await gate.hold() }
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        // Steady ticks move the sweep past the first case.
        for _ in 0..<2 {
            clock.set(clock.now.adding(seconds: 1))
            await daemon.timerFired()
        }
        let before = await daemon.tickCount

        let reload = Task { await daemon.reload() }
        await gate.entered()
        // The configuration is being applied: the timer comes in.
        clock.set(clock.now.adding(seconds: 1))
        await daemon.timerFired(waiting: false)
        let ticksDuringTheApply = await daemon.tickCount - before
        await gate.open()
        await reload.value
        #expect(ticksDuringTheApply == 0, "a tick ran while the configuration was being applied")

        // The timer that waited is taken now: the catch-up's first step, from the first case.
        await daemon.timerFired()
        #expect(await daemon.tickCount == before + 1)
        let status = await daemon.status
        #expect(status.hasPrefix("catching up: 3 of 10 cases"), "\(status)")
        try await daemon.catchUp()
        let laps = recorded.of(.caughtUp)
        #expect(laps.count == 2)
        #expect(laps.last?.fields["cases"] == "10")
        await daemon.stop(bound: .seconds(5))
    }
}

/// Holds the apply of a configuration until the test opens it.
actor ApplyGate {
    private var held: CheckedContinuation<Void, Never>?
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var isOpen = false
    private var hasEntered = false

    func hold() async {
        hasEntered = true
        for w in waiting { w.resume() }
        waiting = []
        if isOpen { return }
        await withCheckedContinuation { held = $0 }
    }

    func entered() async {
        if hasEntered { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        held?.resume()
        held = nil
    }
}
