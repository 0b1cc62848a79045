/// The daemon's control logic, as a value: it takes what happened (the timer fired, a tick finished, a
/// reload or a stop was asked for, the store file changed under the daemon) and returns what to do next.
/// It performs no I/O and reads no clock: every event carries its time, so its tests set the time by hand
/// and never sleep. The runner (`Daemon`) performs the actions and reports their results as events.
///
/// Rules it keeps:
/// - ticks never overlap, and none starts while a reload is loading;
/// - a reload is applied between ticks, never in the middle of one; the file as it is after the last
///   SIGHUP is the one applied;
/// - a failed tick is retried with the core's backoff (`RetryPolicy`), within one poll interval at most;
///   an outage is journaled once, and so is its end;
/// - a stop lets the tick in flight finish within the stop's bound, then cancels it;
/// - the watchdog is fed only while no tick has been running for half its interval or more;
/// - when the wall clock goes back, the next tick is not pushed into the future;
/// - every case is evaluated again by a sweep, a bounded slice each tick: at start, after a reload and
///   when the store's content is another, the sweep catches up in ticks run back to back (the service is
///   ready before it); then it laps the firm once per `fullRescan`, a slice per tick.
public struct DaemonStateMachine<Moment: InstantProtocol & Sendable>: Sendable where Moment.Duration == Duration {
    public struct Settings: Sendable, Equatable {
        public var pollInterval: Duration
        /// How often the sweep evaluates every case, whatever the change feed and the wake schedule say.
        public var fullRescan: Duration
        /// The service manager's watchdog interval, when it watches.
        public var watchdog: Duration?

        public init(pollInterval: Duration, fullRescan: Duration, watchdog: Duration? = nil) {
            self.pollInterval = pollInterval
            self.fullRescan = fullRescan
            self.watchdog = watchdog
        }
    }

    public enum TickKind: Sendable, Equatable {
        /// The changed cases, those whose wake-up has come, and the sweep's slice for this tick.
        case incremental
        /// The same with a whole step of the sweep: the sweep is catching up.
        case catchUp
    }

    public enum TickOutcome: Sendable, Equatable {
        /// `more` when work is left that the next tick should do at once: the catch-up's next step, or
        /// changed or due cases beyond one tick's batch.
        case succeeded(more: Bool)
        /// The store's content went back to an earlier state (a backup restored into its file): nothing was
        /// evaluated; every case must be again.
        case storeRestored
        /// The store could not be read or written: nothing of the tick is lost, it runs again.
        case failed(reason: String)
        /// The store file is gone, or another file is at its path: the tick did not run.
        case storeFileChanged(present: Bool)
        /// Cancelled by a stop whose bound passed.
        case cancelled
    }

    public enum Event: Sendable, Equatable {
        /// The configuration is valid and the store open: the daemon serves from now on (catching up first).
        case started(now: Moment)
        /// The loop's one-second timer.
        case timerFired(now: Moment)
        /// `jitter` in [0, 1) spreads the retry of a failed tick.
        case tickFinished(now: Moment, TickOutcome, jitter: Double)
        /// SIGHUP.
        case reloadRequested
        /// The configuration file was read: the settings it holds, or nil when it has errors.
        case configurationLoaded(Settings?)
        /// The store was opened again at its path; `replaced` when it is another file than before.
        case storeReopened(now: Moment, replaced: Bool)
        case storeReopenFailed(now: Moment, reason: String, jitter: Double)
        /// SIGTERM or SIGINT.
        case stopRequested
        /// The stop's bound passed with a tick still in flight.
        case stopBoundPassed
    }

    public enum Action: Sendable, Equatable {
        case pingWatchdog
        case runTick(TickKind)
        /// The next tick is due now (the catch-up goes on, or a batch left work): fire the timer at once.
        case scheduleTick
        /// Start the sweep again from the first case: every case is evaluated in the catch-up that follows.
        case restartSweep
        /// The catch-up is done: journal it.
        case journalCaughtUp
        /// STATUS= with the latest figures.
        case notifyStatus
        case journalStoreOutage(reason: String)
        case journalStoreRecovered
        /// RELOADING=1.
        case notifyReloading
        /// Read the configuration file (off the loop), then report `configurationLoaded`.
        case loadConfiguration
        /// Put the configuration that was loaded in force (new lanes, new policies), journal it, READY=1.
        case applyConfiguration
        /// Journal the loaded configuration's errors; the one in force stays. READY=1.
        case rejectConfiguration
        /// Stop the lanes, fold the write-ahead log into the file, close it: nothing more is written there.
        case closeStore
        /// Open the file at the store's path, then report `storeReopened` or `storeReopenFailed`.
        case reopenStore
        case journalStoreReplaced
        /// STOPPING=1 and its journal entry.
        case notifyStopping
        /// Wait for the tick in flight, within the stop's bound (then report `stopBoundPassed`).
        case awaitTick
        case cancelTick
        /// Stop the lanes, close the store, release the instance lock, return from `run`.
        case finish
    }

    public enum Phase: Sendable, Equatable {
        case starting
        case running
        case stopping
        case stopped
    }

    private enum Reload: Sendable, Equatable {
        case idle
        /// Reading the file; `again` when another SIGHUP came meanwhile.
        case loading(again: Bool)
        /// Read and valid, waiting for the tick in flight to finish.
        case pending(Settings)
    }

    public private(set) var settings: Settings
    public private(set) var phase = Phase.starting
    /// The kind and start of the tick in flight.
    public private(set) var tick: (kind: TickKind, startedAt: Moment)?
    private var reload = Reload.idle
    /// Failed attempts in a row while the store is unavailable.
    public private(set) var storeFailures = 0
    public private(set) var storeOpen = true
    /// Whether the sweep is catching up (every case evaluated again, in ticks run back to back).
    public private(set) var isCatchingUp = true
    private var nextTickAt: Moment?
    private var lastTimer: Moment?

    public init(settings: Settings) {
        self.settings = settings
    }

    /// From two seconds, doubling, up to one poll interval: a store that is back is used again within one
    /// interval, and a store that stays away is not hammered every second.
    public var storeRetry: RetryPolicy {
        RetryPolicy(base: 2, cap: max(2, settings.pollInterval.components.seconds))
    }

    public var isStoreDown: Bool { storeFailures > 0 }

    /// How many cases a tick of `kind` sweeps: a whole step while catching up; otherwise enough that a firm
    /// of `cases` is swept once per `fullRescan` (at least one, at most `step`: past that, a lap takes longer).
    public func sweepSlice(_ kind: TickKind, cases: Int, step: Int) -> Int {
        if kind == .catchUp { return step }
        let interval = max(1, settings.pollInterval.components.seconds)
        let lap = max(interval, settings.fullRescan.components.seconds)
        let ticks = Int(lap / interval)
        return min(step, max(1, (cases + ticks - 1) / ticks))
    }
    public var isReloading: Bool { reload != .idle }
    /// When the next tick may start (a retry's time after a failure); nil when the next timer may start one.
    public var nextTickDue: Moment? { nextTickAt }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .started(let now):
            guard phase == .starting else { return [] }
            phase = .running
            // The first tick is the catch-up's first step; it runs at the first timer.
            isCatchingUp = true
            lastTimer = now
            nextTickAt = nil
            return []

        case .timerFired(let now):
            return timerFired(now)

        case .tickFinished(let now, let outcome, let jitter):
            return tickFinished(now, outcome, jitter: jitter)

        case .reloadRequested:
            guard phase == .running else { return [] }
            switch reload {
            case .loading:
                // Loaded again once this load is done: the file as it is after the last signal is applied.
                reload = .loading(again: true)
                return []
            case .idle, .pending:
                reload = .loading(again: false)
                return [.notifyReloading, .loadConfiguration]
            }

        case .configurationLoaded(let loaded):
            guard phase == .running, case .loading(let again) = reload else { return [] }
            if again {
                reload = .loading(again: false)
                return [.loadConfiguration]
            }
            guard let loaded else {
                reload = .idle
                return [.rejectConfiguration, .notifyStatus]
            }
            if tick != nil {
                reload = .pending(loaded)
                return []
            }
            return apply(loaded)

        case .storeReopened(let now, let replaced):
            guard phase == .running, !storeOpen else { return [] }
            storeOpen = true
            var actions: [Action] = []
            if replaced {
                // Another file: what this run knew of the old one's content is of another store.
                isCatchingUp = true
                actions += [.journalStoreReplaced, .restartSweep]
            }
            return actions + startTick(now)

        case .storeReopenFailed(let now, let reason, let jitter):
            guard phase == .running else { return [] }
            return failed(now, reason: reason, jitter: jitter) + [.notifyStatus]

        case .stopRequested:
            guard phase == .running || phase == .starting else { return [] }
            phase = .stopping
            if tick != nil { return [.notifyStopping, .awaitTick] }
            phase = .stopped
            return [.notifyStopping, .finish]

        case .stopBoundPassed:
            guard phase == .stopping, tick != nil else { return [] }
            tick = nil
            phase = .stopped
            return [.cancelTick, .finish]
        }
    }

    private mutating func timerFired(_ now: Moment) -> [Action] {
        if let last = lastTimer, now < last {
            // The wall clock went back: what was scheduled by the later reading would wait out the jump.
            nextTickAt = now
        }
        lastTimer = now
        if let t = tick {
            // A tick that has run for half the watchdog interval is taken to be stuck: the pings stop, so that
            // the service manager restarts the service.
            let limit = settings.watchdog.map { max($0 / 2, .seconds(1)) }
            if let limit, t.startedAt.duration(to: now) >= limit { return [] }
            return [.pingWatchdog]
        }
        var actions: [Action] = [.pingWatchdog]
        guard phase == .running, reload == .idle, nextTickAt.map({ $0 <= now }) ?? true else { return actions }
        if !storeOpen {
            nextTickAt = nil
            actions.append(.reopenStore)
            return actions
        }
        actions += startTick(now)
        return actions
    }

    private mutating func startTick(_ now: Moment) -> [Action] {
        let kind: TickKind = isCatchingUp ? .catchUp : .incremental
        tick = (kind, now)
        return [.runTick(kind)]
    }

    private mutating func tickFinished(_ now: Moment, _ outcome: TickOutcome, jitter: Double) -> [Action] {
        guard let t = tick else { return [] }
        tick = nil
        var actions: [Action] = []
        switch outcome {
        case .succeeded(let more):
            if storeFailures > 0 {
                storeFailures = 0
                actions.append(.journalStoreRecovered)
            }
            if t.kind == .catchUp && !more {
                isCatchingUp = false
                actions.append(.journalCaughtUp)
            }
            if more {
                nextTickAt = now
                if phase == .running && reload == .idle { actions.append(.scheduleTick) }
            } else {
                nextTickAt = t.startedAt.advanced(by: settings.pollInterval)
            }
        case .storeRestored:
            isCatchingUp = true
            nextTickAt = now
            actions.append(.restartSweep)
            if phase == .running && reload == .idle { actions.append(.scheduleTick) }
        case .failed(let reason):
            actions += failed(now, reason: reason, jitter: jitter)
        case .storeFileChanged(let present):
            storeOpen = false
            actions.append(.closeStore)
            if present && phase == .running {
                // Another file is at the path: open it now; its first tick follows.
                nextTickAt = nil
                return actions + [.reopenStore]
            }
            if !present { actions += failed(now, reason: "the store file is missing", jitter: jitter) }
        case .cancelled:
            break
        }
        if phase == .stopping {
            phase = .stopped
            return actions + [.finish]
        }
        if case .pending(let loaded) = reload { actions += apply(loaded) } else { actions.append(.notifyStatus) }
        return actions
    }

    /// The store failed: journal the outage once, retry with backoff (never later than one poll interval).
    private mutating func failed(_ now: Moment, reason: String, jitter: Double) -> [Action] {
        storeFailures += 1
        let interval = max(1, settings.pollInterval.components.seconds)
        let delay = min(max(1, storeRetry.delay(afterFailures: storeFailures, jitter: jitter)), interval)
        nextTickAt = now.advanced(by: .seconds(delay))
        return storeFailures == 1 ? [.journalStoreOutage(reason: reason)] : []
    }

    private mutating func apply(_ loaded: Settings) -> [Action] {
        settings = loaded
        reload = .idle
        // New policies see every case, now: a catch-up begins.
        nextTickAt = nil
        isCatchingUp = true
        return [.applyConfiguration, .restartSweep, .notifyStatus]
    }
}
