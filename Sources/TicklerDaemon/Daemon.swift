import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerSession
import TicklerStore

/// The service: evaluates the firm on a poll loop, records each due step in the ledger exactly once,
/// journals what fired, and keeps the service manager informed (READY, RELOADING, STATUS, WATCHDOG).
///
/// It is the runner of a `DaemonStateMachine`, which decides what happens when: each entry point (the
/// timer, SIGHUP, SIGTERM) is an event given to the machine, and the daemon performs the actions it returns
/// (run a tick, apply a configuration, close the store, finish) and reports their results back as events.
/// A tick reads the change feed, takes the cases whose wake-up has come (the wake schedule is in the store)
/// and a slice of the sweep; only those are evaluated, so its cost follows the changes and the due work,
/// not the size of the store (see `DaemonTick.swift`). READY=1 is sent as soon as the configuration is valid
/// and the store open; the catch-up over the whole firm then runs as ordinary ticks, back to back.
public actor Daemon {
    public struct Options: Sendable {
        public var configPath: String
        /// The wall clock: what time it is, and what the delivery lanes sleep on until their next attempt.
        public var clock: any InstantClock
        /// What time it is now, on `clock`.
        public var now: @Sendable () -> Instant { { [clock] in clock.now } }
        public var notifier: ServiceNotifier
        public var events: EventLog
        /// How long a store call waits for another writer's lock before the tick fails (and is retried).
        public var storeBusyTimeout: Duration = .seconds(10)
        /// Cases a catch-up tick evaluates (the most a steady tick sweeps).
        public var sweepStep = Daemon.rescanStep
        /// Where secrets are read (the service manager's `$CREDENTIALS_DIRECTORY`).
        public var credentials = Credentials()
        /// Reads and checks the configuration at a path (tests make it slow).
        public var loadConfiguration: @Sendable (String) throws(ConfigurationError) -> (Configuration, TemplateCatalog) = {
            path throws(ConfigurationError) in try Daemon.loadChecked(path: path)
        }

        /// Awaited while a loaded configuration is put in force, after the old lanes stopped (tests hold a
        /// reload there to show that nothing else is decided meanwhile).
        public var applying: @Sendable () async -> Void = {}

        public init(configPath: String, clock: any InstantClock = SystemClock(), notifier: ServiceNotifier, events: EventLog) {
            self.configPath = configPath
            self.clock = clock
            self.notifier = notifier
            self.events = events
        }
    }

    /// Why the daemon could not start (exit status 1 for configuration, 3 for the store).
    public enum StartFailure: Error, CustomStringConvertible {
        case configuration(ConfigurationError)
        case templates(TemplateProblems)
        case store(String)
        /// Another daemon holds the store (exit status 3).
        case alreadyRunning(String)

        public var description: String {
            switch self {
            case .configuration(let e): e.description
            case .templates(let e): e.description
            case .store(let m), .alreadyRunning(let m): m
            }
        }

        /// Each located error, one per line.
        public var located: [String] {
            switch self {
            case .configuration(let e): e.diagnostics.map(\.description)
            case .templates(let e): e.problems.map(\.description)
            case .store(let m), .alreadyRunning(let m): [m]
            }
        }
    }

    typealias Machine = DaemonStateMachine<Instant>
    typealias Loaded = Result<(Configuration, TemplateCatalog), ConfigurationError>

    let options: Options
    /// Fires recorded per transaction.
    static let chunk = 500
    /// When each thing happens: ticks, retries, reloads, the stop.
    var machine: Machine
    /// The configuration in force, its policies and templates, and the journal writer it sets up.
    var inForce: ConfigurationInForce
    /// The store as SQLite (file identity, reopening) or as PostgreSQL (claims, leases): one of the two.
    var opened: StoreOpener.Opened
    /// Held while this daemon runs (released when it stops): no second one on the same store.
    var lock: InstanceLock?
    /// What the daemon has learnt of the firm and of itself between ticks.
    var memory = DaemonMemory()
    /// The runner's bookkeeping: events waiting, the tick in flight, who waits for what.
    var runner = RunnerState()
    /// The last configuration read by a reload, until it is applied or rejected.
    var loaded: Loaded?
    /// The court closures the store recorded, as joined to the deadline rules in force (nil: not read yet).
    var closures: [String: [CourtClosure]]?
    /// The channel lanes: they send what the ledger queued, beside the poll loop.
    var deliveries: DeliveryService
    /// What the lanes keep when they are made anew: their claimant's name, what is in flight, the metrics.
    let lanes: LaneBasis

    var config: Configuration { inForce.config }
    var policies: [String: Policy] { inForce.policies }
    var templates: TemplateCatalog { inForce.templates }
    var configLoadedAt: Instant { inForce.loadedAt }
    /// The journal writer, with addresses redacted as the configuration says.
    var events: EventLog { inForce.events }
    var metrics: Metrics { lanes.metrics }
    var claimant: String { lanes.claimant }
    var store: any FirmStore { opened.store }
    /// How a tick runs on this store.
    var engine: any TickEngine { opened.engine }
    /// The store's name in messages: its file, or its URL without a password.
    var storePath: String { opened.displayName }

    /// Loads and validates the configuration and opens (and migrates) the store. READY=1 is sent by `run`;
    /// the first ticks then catch up (or `catchUp` does, for `--once` and tests).
    public init(options: Options) async throws(StartFailure) {
        self.options = options
        let claimant = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
        lanes = LaneBasis(claimant: claimant, metrics: Metrics(), inFlight: InFlight(), credentials: options.credentials, clock: options.clock)
        let loaded: Configuration
        let templates: TemplateCatalog
        do { loaded = try ConfigurationLoader.load(path: options.configPath) } catch { throw .configuration(error) }
        do { templates = try TemplateCatalog.load(directory: loaded.templatesDirectory, policies: loaded.policies) } catch {
            throw .templates(error)
        }
        do { try Self.checkCredentials(loaded, options.credentials) } catch { throw .configuration(error) }
        options.notifier.notify(.extendTimeout(microseconds: 90_000_000), .status("opening the store"))
        // One daemon per SQLite store (the instance lock), taken before the store is opened.
        if case .sqlite(let path) = loaded.store { lock = try InstanceLock(storePath: path) }
        // Several instances share a PostgreSQL database: each claims its work under its own name, which its
        // sessions and journal entries carry.
        var use = StoreOpener.Use(instance: claimant, create: true)
        use.busyTimeout = options.storeBusyTimeout
        use.maximumConnections = 8
        use.lease = loaded.storeLease
        use.credentials = options.credentials
        do { opened = try await StoreOpener.open(loaded.store, use) } catch { throw .store(error.message) }
        do { try await opened.engine.releaseStaleClaims() } catch { throw .store(opened.engine.describe(error)) }
        machine = Machine(settings: Self.settings(loaded, watchdog: options.notifier.watchdogInterval))
        var events = options.events
        if opened.engine.shared { events.instance = claimant }
        inForce = ConfigurationInForce(loaded, templates: templates, loadedAt: options.now(), events: events)
        deliveries = DeliveryService(config: loaded, templates: templates, store: opened.store, events: inForce.events, basis: lanes,
                                     lease: Self.deliveryLease(loaded, shared: opened.engine.shared))
        options.events.record(.configLoaded, "configuration loaded from \(options.configPath): \(loaded.policies.count) policies",
                              ["config": "\(options.configPath)", "policies": "\(loaded.policies.count)"])
        await send(.started(now: configLoadedAt))
    }

    static func settings(_ config: Configuration, watchdog: Duration?) -> Machine.Settings {
        Machine.Settings(pollInterval: .seconds(config.poll.interval), fullRescan: .seconds(config.poll.fullRescan),
                         watchdog: watchdog)
    }

    // MARK: Events

    /// Tells the manager the service is ready, then serves until `stop()`.
    public func run() async {
        guard machine.phase == .running else { return }
        options.events.record(.started, "ticklerd started: poll every \(config.poll.interval)s; catching up on every case",
                              [:])
        runner.serving = true
        deliveries.start()
        options.notifier.notify(.ready, .status(status))
        // The catch-up's first tick, now rather than at the first timer.
        await send(.timerFired(now: options.now()))
        if !runner.finished { await withCheckedContinuation { runner.stoppedWaiters.append($0) } }
    }

    /// Runs ticks, back to back, until the catch-up is done (`--once`, and tests that call the timer
    /// themselves); throws when a tick fails.
    public func catchUp() async throws(StartFailure) {
        while machine.phase == .running && machine.isCatchingUp {
            let before = memory.ticks
            await timerFired()
            if case .failed(let reason) = runner.lastOutcome { throw .store("the catch-up failed: \(reason)") }
            if memory.ticks == before {
                // No tick was due: a reload is being read (its end is awaited), or a retry waits for the time
                // the machine set (slept until, then the timer again).
                await until { !self.machine.isReloading }
                if memory.ticks == before, let due = machine.nextTickDue {
                    let seconds = max(0, due.seconds - options.now().seconds)
                    try? await Task.sleep(for: seconds == 0 ? .milliseconds(10) : .seconds(seconds))
                }
            }
        }
    }

    /// The loop's timer, every second: feeds the watchdog and runs a tick when one is due. With `waiting`,
    /// returns once the tick it started (if any) has finished and what followed from it is done (tests and
    /// `--once` drive the daemon so); the service loop does not wait.
    public func timerFired(waiting: Bool = true) async {
        await send(.timerFired(now: options.now()))
        if waiting { await until { self.runner.isIdle } }
    }

    /// SIGHUP: re-read the configuration; on error keep the old one and journal where the error is. With
    /// `waiting`, returns once the configuration read was applied or refused; the service loop does not wait.
    public func reload(waiting: Bool = true) async {
        await send(.reloadRequested)
        if waiting { await until { !self.runner.deciding && !self.machine.isReloading } }
    }

    /// SIGTERM/SIGINT: STOPPING=1, let a tick in flight finish (within `bound`), then return from `run`.
    public func stop(bound: Duration = .seconds(10)) async {
        if machine.phase == .starting || machine.phase == .running {
            // The bound runs from the request; a tick that outlasts it is cancelled.
            runner.stopBound = Task { [weak self] in
                try? await Task.sleep(for: bound)
                if !Task.isCancelled { await self?.send(.stopBoundPassed) }
            }
            await send(.stopRequested)
        }
        if !runner.finished { await withCheckedContinuation { runner.stoppedWaiters.append($0) } }
    }

    /// `ticklerd --once`: sends what the evaluation queued and is due now, within `timeout`. True when
    /// nothing due was left in the queue.
    public func deliverQueued(timeout: Duration) async -> Bool {
        await deliveries.drain(timeout: timeout)
    }

    /// How long a delivery claim holds unrenewed: on PostgreSQL the store's lease (another instance takes
    /// over after it); on SQLite, where one instance uses the store, long enough for a whole batch.
    static func deliveryLease(_ config: Configuration, shared: Bool) -> Duration {
        shared ? .seconds(config.storeLease) : DeliveryLane.lease
    }

    /// The lanes of the configuration in force on the store open now.
    func makeDeliveries() -> DeliveryService {
        DeliveryService(config: config, templates: templates, store: store, events: events, basis: lanes,
                        lease: Self.deliveryLease(config, shared: engine.shared))
    }

    /// Ticks started since the daemon was made.
    var tickCount: Int { memory.ticks }

    // MARK: Actions

    /// Gives `event` to the machine and performs what it returns, in order. Events are decided one at a
    /// time, in the order they came: one that comes while the actions of another are performed (the timer
    /// while a configuration is applied or the store reopened) waits its turn, and its sender returns at
    /// once. The actions that take long report back as events of their own: a tick and a configuration's
    /// load run as tasks beside the runner, so the timer keeps feeding the watchdog meanwhile; applying a
    /// configuration and closing or reopening the store are bounded and hold the runner (nothing may be
    /// decided half-way through them).
    func send(_ event: Machine.Event) async {
        runner.inbox.append(event)
        guard !runner.deciding else { return }
        runner.deciding = true
        while !runner.inbox.isEmpty {
            let next = runner.inbox.removeFirst()
            for action in machine.handle(next) { await perform(action) }
        }
        runner.deciding = false
        wakeWaiters()
    }

    /// Returns once `condition` holds, looked at each time the runner has nothing left to decide.
    func until(_ condition: @escaping () -> Bool) async {
        if condition() { return }
        await withCheckedContinuation { runner.waiters.append((condition, $0)) }
    }

    /// Lets go the waiters whose condition holds now (all of them once stopped: nothing more will happen).
    /// The conditions read the runner's state, so the list is taken out of it before they are looked at.
    private func wakeWaiters() {
        let waiting = runner.waiters
        runner.waiters = []
        for w in waiting {
            if runner.finished || w.condition() { w.resume.resume() } else { runner.waiters.append(w) }
        }
    }

    private func perform(_ action: Machine.Action) async {
        switch action {
        case .pingWatchdog:
            options.notifier.notify(.watchdog)
        case .runTick(let kind):
            runTick(kind)
        case .scheduleTick:
            // Serving: the timer again, next in the runner's inbox, so that a long catch-up is a loop, not a
            // recursion. (`catchUp` calls the timer itself.)
            if runner.serving { runner.inbox.append(.timerFired(now: options.now())) }
        case .restartSweep:
            memory.restartSweep()
        case .journalCaughtUp:
            let lap = memory.sweep.lastLap
            let cases = lap?.cases ?? 0, recorded = memory.sweep.recordedSinceRestart
            options.events.record(.caughtUp, "caught up: \(cases) cases evaluated in \(String(format: "%.1f", lap?.seconds ?? 0)) s, "
                                  + "\(recorded) fires recorded; \(memory.openCases.count) open cases",
                                  ["cases": "\(cases)", "fired": "\(recorded)", "open_cases": "\(memory.openCases.count)"])
        case .notifyStatus:
            options.notifier.notify(.status(status))
        case .journalStoreOutage(let reason):
            options.events.record(.storeOutage, "store unavailable, retrying with backoff: \(reason)",
                                  ["store": "\(storePath)", "error": "\(reason)"])
        case .journalStoreRecovered:
            options.events.record(.storeRecovered, "store recovered: \(storePath)", ["store": "\(storePath)"])
        case .notifyReloading:
            options.notifier.notify(.reloading(monotonicMicroseconds: ServiceNotifier.monotonicMicroseconds), .status("reloading"))
        case .loadConfiguration:
            // Beside the runner: however long the file takes to read, the timer keeps feeding the watchdog.
            Task { await self.loadConfiguration() }
        case .applyConfiguration:
            await applyConfiguration()
        case .rejectConfiguration:
            rejectConfiguration()
        case .closeStore:
            await closeStore()
        case .reopenStore:
            await reopenStore()
        case .journalStoreReplaced:
            options.events.record(.storeReplaced,
                                  "the store file \(storePath) was replaced: opened the new one, every case is evaluated again",
                                  ["store": "\(storePath)", "file": "\(engine.fileIdentity ?? "")"])
        case .notifyStopping:
            options.notifier.notify(.stopping, .status("stopping"))
            options.events.record(.stopping, "ticklerd stopping")
        case .awaitTick:
            break  // the tick's own `tickFinished`, or the stop's bound, comes next
        case .cancelTick:
            runner.tickTask?.cancel()
        case .finish:
            await finish()
        }
    }

    /// Runs a tick as a task of its own beside the runner (so that the timer and a stop are heard while it
    /// runs, and a stop can cancel it), which reports how it went as `tickFinished`.
    private func runTick(_ kind: Machine.TickKind) {
        let task = Task { () -> Machine.TickOutcome in
            if let moved = engine.storeMoved() { return moved }
            do {
                switch try await tick(kind) {
                case .done(let more): return .succeeded(more: more)
                case .restored: return .storeRestored
                }
            } catch {
                if Task.isCancelled { return .cancelled }
                metrics.storeError()
                return .failed(reason: (error as? StoreUnavailable)?.message ?? engine.describe(error))
            }
        }
        runner.tickTask = task
        Task {
            let outcome = await task.value
            await self.tickEnded(outcome)
        }
    }

    private func tickEnded(_ outcome: Machine.TickOutcome) async {
        runner.tickTask = nil
        runner.lastOutcome = outcome
        await send(.tickFinished(now: options.now(), outcome, jitter: Double.random(in: 0..<1)))
        wakeWaiters()
    }

    /// The end of a stop: the lanes finish what they are sending (within five seconds), the store is
    /// closed, the lock released, and `run` returns.
    private func finish() async {
        runner.stopBound?.cancel()
        runner.stopBound = nil
        await deliveries.stop(bound: .seconds(5))
        // A cancelled tick may still be in a store call: the store is left to close with the process.
        if machine.storeOpen && runner.tickTask == nil { await engine.close() }
        lock = nil
        runner.finished = true
        for w in runner.stoppedWaiters { w.resume() }
        runner.stoppedWaiters = []
        wakeWaiters()
    }

    /// STATUS=: see `DaemonMemory.status`.
    var status: String {
        memory.status(catchingUp: machine.isCatchingUp, storeDown: machine.isStoreDown, zone: config.defaultCalendar.zone)
    }

}
