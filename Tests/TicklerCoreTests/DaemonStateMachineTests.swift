import Testing
import TicklerCore

/// The daemon's control logic, driven by hand: every event carries its time, nothing sleeps.
@Suite struct DaemonStateMachineTests {
    typealias Machine = DaemonStateMachine<Instant>
    static let t0 = RFC3339.parse("2026-09-17T16:00:00Z")!
    static let settings = Machine.Settings(pollInterval: .seconds(30), fullRescan: .seconds(3600), watchdog: .seconds(20))

    static let done = Machine.TickOutcome.succeeded(more: false)

    /// A machine that has started at `t0` and caught up in one tick.
    static func started(_ settings: Machine.Settings = settings) -> Machine {
        var m = Machine(settings: settings)
        #expect(m.handle(.started(now: t0)) == [])
        #expect(m.isCatchingUp)
        #expect(m.handle(.timerFired(now: t0)) == [.pingWatchdog, .runTick(.catchUp)])
        #expect(m.handle(.tickFinished(now: t0, done, jitter: 0)) == [.journalCaughtUp, .notifyStatus])
        #expect(!m.isCatchingUp)
        return m
    }

    static func at(_ seconds: Int64) -> Instant { t0.adding(seconds: seconds) }

    @Test func ticksRunEveryPollInterval() {
        var m = Self.started()
        #expect(m.handle(.timerFired(now: Self.at(29))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(30))) == [.pingWatchdog, .runTick(.incremental)])
        #expect(m.handle(.tickFinished(now: Self.at(31), Self.done, jitter: 0)) == [.notifyStatus])
        // The next is one interval after the last one started, not after it finished.
        #expect(m.handle(.timerFired(now: Self.at(59))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(60))) == [.pingWatchdog, .runTick(.incremental)])
        _ = m.handle(.tickFinished(now: Self.at(60), Self.done, jitter: 0))
        #expect(m.handle(.timerFired(now: Self.at(3600))) == [.pingWatchdog, .runTick(.incremental)])
    }

    /// The service is ready before the catch-up; its steps run back to back, each a bounded tick, and the
    /// watchdog is fed between them.
    @Test func theCatchUpRunsTicksBackToBackThenEveryPollInterval() {
        var m = Machine(settings: Self.settings)
        #expect(m.handle(.started(now: Self.t0)) == [])
        #expect(m.phase == .running && m.isCatchingUp)
        #expect(m.handle(.timerFired(now: Self.at(0))) == [.pingWatchdog, .runTick(.catchUp)])
        #expect(m.handle(.timerFired(now: Self.at(1))) == [.pingWatchdog])
        #expect(m.handle(.tickFinished(now: Self.at(2), .succeeded(more: true), jitter: 0)) == [.scheduleTick, .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(2))) == [.pingWatchdog, .runTick(.catchUp)])
        #expect(m.handle(.tickFinished(now: Self.at(4), .succeeded(more: true), jitter: 0)) == [.scheduleTick, .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(4))) == [.pingWatchdog, .runTick(.catchUp)])
        #expect(m.handle(.tickFinished(now: Self.at(6), Self.done, jitter: 0)) == [.journalCaughtUp, .notifyStatus])
        #expect(!m.isCatchingUp)
        #expect(m.handle(.timerFired(now: Self.at(33))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(34))) == [.pingWatchdog, .runTick(.incremental)])
        // A steady tick that left changed or due cases beyond its batch: the next follows at once.
        #expect(m.handle(.tickFinished(now: Self.at(35), .succeeded(more: true), jitter: 0)) == [.scheduleTick, .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(35))) == [.pingWatchdog, .runTick(.incremental)])
    }

    /// A failed step of the catch-up is retried with the backoff, and the catch-up goes on from there.
    @Test func aFailedCatchUpStepIsRetriedAndTheCatchUpGoesOn() {
        var m = Machine(settings: Self.settings)
        _ = m.handle(.started(now: Self.t0))
        _ = m.handle(.timerFired(now: Self.at(0)))
        #expect(m.handle(.tickFinished(now: Self.at(1), .failed(reason: "database is locked"), jitter: 0))
            == [.journalStoreOutage(reason: "database is locked"), .notifyStatus])
        // The retry's time is the machine's to tell (`--once` waits until then, not polling).
        #expect(m.nextTickDue == Self.at(2))
        #expect(m.handle(.timerFired(now: Self.at(1))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(2))) == [.pingWatchdog, .runTick(.catchUp)])
        #expect(m.handle(.tickFinished(now: Self.at(3), .succeeded(more: true), jitter: 0))
            == [.journalStoreRecovered, .scheduleTick, .notifyStatus])
        #expect(m.isCatchingUp)
    }

    /// A stop during the catch-up ends it: no further step is scheduled.
    @Test func aStopDuringTheCatchUpSchedulesNoFurtherStep() {
        var m = Machine(settings: Self.settings)
        _ = m.handle(.started(now: Self.t0))
        _ = m.handle(.timerFired(now: Self.at(0)))
        #expect(m.handle(.stopRequested) == [.notifyStopping, .awaitTick])
        #expect(m.handle(.tickFinished(now: Self.at(2), .succeeded(more: true), jitter: 0)) == [.finish])
    }

    /// A store whose content went back (a restore in place): the sweep starts again, at once.
    @Test func aRestoredStoreIsCaughtUpAgain() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.tickFinished(now: Self.at(30), .storeRestored, jitter: 0)) == [.restartSweep, .scheduleTick, .notifyStatus])
        #expect(m.isCatchingUp)
        #expect(m.handle(.timerFired(now: Self.at(30))) == [.pingWatchdog, .runTick(.catchUp)])
    }

    /// While catching up, a tick sweeps a whole step; then enough that the firm is swept once per
    /// `fullRescan` (never none, never more than a step).
    @Test func theSweepsSliceLapsTheFirmOncePerFullRescan() {
        let m = Machine(settings: Self.settings)  // every 30 s, a lap an hour: 120 ticks
        #expect(m.sweepSlice(.catchUp, cases: 10_000, step: 4096) == 4096)
        #expect(m.sweepSlice(.incremental, cases: 10_000, step: 4096) == 84)
        #expect(m.sweepSlice(.incremental, cases: 120, step: 4096) == 1)
        #expect(m.sweepSlice(.incremental, cases: 121, step: 4096) == 2)
        #expect(m.sweepSlice(.incremental, cases: 0, step: 4096) == 1)
        #expect(m.sweepSlice(.incremental, cases: 1_000_000, step: 4096) == 4096)
        var rng = SplitMix64(seed: 11)
        for _ in 0..<500 {
            let interval = Int64.random(in: 1...600, using: &rng), lap = Int64.random(in: 1...86_400, using: &rng)
            let cases = Int.random(in: 0...2_000_000, using: &rng)
            let m = Machine(settings: Machine.Settings(pollInterval: .seconds(interval), fullRescan: .seconds(lap)))
            let slice = m.sweepSlice(.incremental, cases: cases, step: 4096)
            let ticks = Int(max(interval, lap) / interval)
            #expect(slice >= 1 && slice <= 4096)
            #expect(slice == 4096 || slice * ticks >= cases, "\(cases) cases, every \(interval) s, lap \(lap) s: \(slice)")
            #expect(slice == 1 || (slice - 1) * ticks < cases)
        }
    }

    @Test func ticksNeverOverlap() {
        var m = Self.started()
        #expect(m.handle(.timerFired(now: Self.at(30))) == [.pingWatchdog, .runTick(.incremental)])
        for s in 31..<40 { #expect(m.handle(.timerFired(now: Self.at(Int64(s)))) == [.pingWatchdog]) }
    }

    @Test func aFailedTickIsRetriedWithBackoffAndTheOutageIsJournaledOnce() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.tickFinished(now: Self.at(31), .failed(reason: "database is locked"), jitter: 0))
            == [.journalStoreOutage(reason: "database is locked"), .notifyStatus])
        #expect(m.isStoreDown)
        // First retry: 2 s with no jitter is drawn down to its lower half, 1 s.
        #expect(m.handle(.timerFired(now: Self.at(31))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(32))) == [.pingWatchdog, .runTick(.incremental)])
        #expect(m.handle(.tickFinished(now: Self.at(32), .failed(reason: "database is locked"), jitter: 0.999)) == [.notifyStatus])
        // Second: 4 s drawn with the most jitter, 3 s.
        #expect(m.handle(.timerFired(now: Self.at(34))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(35))) == [.pingWatchdog, .runTick(.incremental)])
        #expect(m.handle(.tickFinished(now: Self.at(35), Self.done, jitter: 0)) == [.journalStoreRecovered, .notifyStatus])
        #expect(!m.isStoreDown)
        #expect(m.handle(.timerFired(now: Self.at(64))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(65))) == [.pingWatchdog, .runTick(.incremental)])
    }

    /// However long the outage, a store that is back is used within one poll interval.
    @Test func retriesNeverWaitLongerThanOnePollInterval() {
        var rng = SplitMix64(seed: 7)
        for interval in [1, 2, 5, 30, 600] as [Int64] {
            var m = Self.started(Machine.Settings(pollInterval: .seconds(interval), fullRescan: .seconds(86_400)))
            var now = Self.at(interval)
            #expect(m.handle(.timerFired(now: now)).contains(.runTick(.incremental)))
            for _ in 0..<40 {
                _ = m.handle(.tickFinished(now: now, .failed(reason: "down"), jitter: Double.random(in: 0..<1, using: &rng)))
                var waited: Int64 = 0
                repeat {
                    now = now.adding(seconds: 1)
                    waited += 1
                } while !m.handle(.timerFired(now: now)).contains(.runTick(.incremental))
                #expect(waited >= 1 && waited <= interval, "interval \(interval): waited \(waited) s")
            }
        }
    }

    @Test func aReloadDuringATickIsAppliedWhenTheTickEnds() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.reloadRequested) == [.notifyReloading, .loadConfiguration])
        let faster = Machine.Settings(pollInterval: .seconds(5), fullRescan: .seconds(3600), watchdog: .seconds(20))
        #expect(m.handle(.configurationLoaded(faster)) == [])
        // Still in the tick: nothing applied, no second tick.
        #expect(m.handle(.timerFired(now: Self.at(31))) == [.pingWatchdog])
        #expect(m.settings == Self.settings)
        #expect(m.handle(.tickFinished(now: Self.at(32), Self.done, jitter: 0)) == [.applyConfiguration, .restartSweep, .notifyStatus])
        #expect(m.settings == faster)
        // New policies see every case at once: a catch-up.
        #expect(m.handle(.timerFired(now: Self.at(33))) == [.pingWatchdog, .runTick(.catchUp)])
        #expect(m.handle(.tickFinished(now: Self.at(33), Self.done, jitter: 0)) == [.journalCaughtUp, .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(37))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(38))) == [.pingWatchdog, .runTick(.incremental)])
    }

    @Test func noTickStartsWhileAReloadIsLoadingAndASecondSignalLoadsAgain() {
        var m = Self.started()
        #expect(m.handle(.reloadRequested) == [.notifyReloading, .loadConfiguration])
        #expect(m.handle(.timerFired(now: Self.at(300))) == [.pingWatchdog])
        #expect(m.handle(.reloadRequested) == [])
        // The first load is superseded by the file as it is after the second signal.
        #expect(m.handle(.configurationLoaded(Self.settings)) == [.loadConfiguration])
        #expect(m.handle(.timerFired(now: Self.at(301))) == [.pingWatchdog])
        #expect(m.handle(.configurationLoaded(Self.settings)) == [.applyConfiguration, .restartSweep, .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(302))) == [.pingWatchdog, .runTick(.catchUp)])
    }

    @Test func aBrokenConfigurationIsRejectedAndTheOldOneStays() {
        var m = Self.started()
        #expect(m.handle(.reloadRequested) == [.notifyReloading, .loadConfiguration])
        #expect(m.handle(.configurationLoaded(nil)) == [.rejectConfiguration, .notifyStatus])
        #expect(m.settings == Self.settings)
        #expect(m.handle(.timerFired(now: Self.at(29))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(30))) == [.pingWatchdog, .runTick(.incremental)])
    }

    @Test func aStopDuringATickWaitsForItThenFinishes() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.stopRequested) == [.notifyStopping, .awaitTick])
        #expect(m.handle(.timerFired(now: Self.at(31))) == [.pingWatchdog])
        #expect(m.handle(.reloadRequested) == [])
        #expect(m.handle(.stopRequested) == [])
        #expect(m.handle(.tickFinished(now: Self.at(32), Self.done, jitter: 0)) == [.finish])
        #expect(m.phase == .stopped)
        #expect(m.handle(.stopBoundPassed) == [])
        #expect(m.handle(.timerFired(now: Self.at(90))) == [.pingWatchdog])
    }

    @Test func aTickThatOutlastsTheStopsBoundIsCancelled() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.stopRequested) == [.notifyStopping, .awaitTick])
        #expect(m.handle(.stopBoundPassed) == [.cancelTick, .finish])
        #expect(m.handle(.tickFinished(now: Self.at(45), .cancelled, jitter: 0)) == [])
    }

    @Test func aStopBetweenTicksFinishesAtOnce() {
        var m = Self.started()
        #expect(m.handle(.stopRequested) == [.notifyStopping, .finish])
        #expect(m.handle(.stopRequested) == [])
    }

    @Test func aReplacedStoreFileIsClosedReopenedAndEvaluatedAfresh() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.tickFinished(now: Self.at(30), .storeFileChanged(present: true), jitter: 0)) == [.closeStore, .reopenStore])
        #expect(!m.storeOpen)
        #expect(m.handle(.storeReopened(now: Self.at(30), replaced: true)) == [.journalStoreReplaced, .restartSweep, .runTick(.catchUp)])
        #expect(m.storeOpen)
        #expect(m.handle(.tickFinished(now: Self.at(32), Self.done, jitter: 0)) == [.journalCaughtUp, .notifyStatus])
        #expect(!m.isStoreDown)
    }

    /// A file that cannot be opened (not a database) is an outage like a missing one; nothing is written to
    /// the file closed before.
    @Test func aReplacementThatCannotBeOpenedIsRetried() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.tickFinished(now: Self.at(30), .storeFileChanged(present: true), jitter: 0)) == [.closeStore, .reopenStore])
        #expect(m.handle(.storeReopenFailed(now: Self.at(30), reason: "file is not a database", jitter: 0))
            == [.journalStoreOutage(reason: "file is not a database"), .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(31))) == [.pingWatchdog, .reopenStore])
    }

    @Test func aMissingStoreFileIsAnOutageUntilAFileIsBack() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.tickFinished(now: Self.at(30), .storeFileChanged(present: false), jitter: 0))
            == [.closeStore, .journalStoreOutage(reason: "the store file is missing"), .notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(31))) == [.pingWatchdog, .reopenStore])
        #expect(m.handle(.storeReopenFailed(now: Self.at(31), reason: "no such file", jitter: 0)) == [.notifyStatus])
        #expect(m.handle(.timerFired(now: Self.at(32))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(33))) == [.pingWatchdog, .reopenStore])
        // The same file came back (moved away and back): no "replaced", the run's knowledge stands.
        #expect(m.handle(.storeReopened(now: Self.at(33), replaced: false)) == [.runTick(.incremental)])
        #expect(m.handle(.tickFinished(now: Self.at(33), Self.done, jitter: 0)) == [.journalStoreRecovered, .notifyStatus])
    }

    @Test func theWatchdogIsFedOnlyWhileNoTickIsStuck() {
        var m = Self.started()  // watchdog every 20 s: a tick running 10 s or more is stuck
        _ = m.handle(.timerFired(now: Self.at(30)))
        #expect(m.handle(.timerFired(now: Self.at(39))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(40))) == [])
        #expect(m.handle(.timerFired(now: Self.at(100))) == [])
        _ = m.handle(.tickFinished(now: Self.at(100), Self.done, jitter: 0))
        #expect(m.handle(.timerFired(now: Self.at(101))) == [.pingWatchdog, .runTick(.incremental)])
    }

    @Test func aClockSetBackDoesNotPostponeTheNextTick() {
        var m = Self.started()
        _ = m.handle(.timerFired(now: Self.at(30)))
        _ = m.handle(.tickFinished(now: Self.at(30), Self.done, jitter: 0))
        // Set back an hour: the tick that was due at +60 is not held until +60 comes round again.
        #expect(m.handle(.timerFired(now: Self.at(-3600))) == [.pingWatchdog, .runTick(.incremental)])
        _ = m.handle(.tickFinished(now: Self.at(-3600), Self.done, jitter: 0))
        #expect(m.handle(.timerFired(now: Self.at(-3571))) == [.pingWatchdog])
        #expect(m.handle(.timerFired(now: Self.at(-3570))) == [.pingWatchdog, .runTick(.incremental)])
    }

    /// Any run of timer readings, the wall clock jumping either way between them, ticks that succeed: a tick
    /// starts at the first reading at least one poll interval after the last one started, or at the first
    /// reading after the clock went back; never earlier, never later.
    @Test func underClockJumpsTicksStartExactlyWhenDue() {
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<200 {
            let interval = Int64.random(in: 1...120, using: &rng)
            var m = Self.started(Machine.Settings(pollInterval: .seconds(interval), fullRescan: .seconds(3600)))
            var now = Self.t0, lastStart = Self.t0, previous = Self.t0
            for _ in 0..<200 {
                switch Int.random(in: 0..<20, using: &rng) {
                case 0: now = now.adding(seconds: -Int64.random(in: 1...86_400, using: &rng))
                case 1: now = now.adding(seconds: Int64.random(in: 1...86_400, using: &rng))
                default: now = now.adding(seconds: 1)
                }
                let actions = m.handle(.timerFired(now: now))
                let started = actions.contains { if case .runTick = $0 { true } else { false } }
                let due = now < previous || lastStart.duration(to: now) >= .seconds(interval)
                #expect(started == due, "interval \(interval), \(previous) → \(now), last start \(lastStart)")
                if started {
                    lastStart = now
                    _ = m.handle(.tickFinished(now: now, Self.done, jitter: 0))
                }
                previous = now
            }
        }
    }
}
