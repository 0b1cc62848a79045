import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore

/// The service: evaluates the firm on a poll loop, records each due step in the ledger exactly once,
/// journals what fired, and keeps the service manager informed (READY, RELOADING, STATUS, WATCHDOG).
///
/// A tick reads the change feed and takes the cases whose wake-up has come; only those are evaluated,
/// so its cost follows the changes and the due work, not the size of the store. A full rescan runs at
/// `poll.full_rescan`. Ticks never overlap.
public actor Daemon {
    public struct Options: Sendable {
        public var configPath: String
        public var now: @Sendable () -> Instant
        public var notifier: ServiceNotifier
        public var events: EventLog
        /// Test hook: after this many ticks the loop hangs, so the watchdog can be seen to fire.
        public var wedgeAfterTicks: Int?
        /// How long a store call waits for another writer's lock before the tick fails (and is retried).
        public var storeBusyTimeout: Duration = .seconds(10)
        /// Reads and checks the configuration at a path (tests make it slow).
        public var loadConfiguration: @Sendable (String) throws(ConfigurationError) -> (Configuration, TemplateCatalog) = {
            path throws(ConfigurationError) in try Daemon.loadChecked(path: path)
        }

        public init(configPath: String, now: @escaping @Sendable () -> Instant, notifier: ServiceNotifier, events: EventLog,
                    wedgeAfterTicks: Int? = nil) {
            self.configPath = configPath
            self.now = now
            self.notifier = notifier
            self.events = events
            self.wedgeAfterTicks = wedgeAfterTicks
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

    let options: Options
    /// Fires recorded per transaction.
    static let chunk = 500
    private var config: Configuration
    private var store: SQLiteCaseStore
    private var storePath: String
    /// Held while this daemon runs (released when it stops): no second one on the same store.
    private var lock: InstanceLock?
    private var policies: [String: Policy]
    /// The message templates of the configuration in force (the lanes are made anew with them).
    private var templates: TemplateCatalog
    private var wakes = WakeSchedule()
    /// The firm's people, re-read only on a full rescan or when the change feed says they changed.
    private var staff = Staff.empty
    private var openCases = Set<String>()
    /// Rows of the store that cannot be read: each journaled once while it stays bad.
    private var badRows = BadRowLog()
    private var feed: Int64 = 0
    private var lastFullRescan = Instant(seconds: 0)
    private var nextTickAt = Instant(seconds: 0)
    private var tickStartedAt: Instant?
    private var ticks = 0
    private var lastTick: (at: Instant, milliseconds: Int, fired: Int)?
    private var storeDown = false
    /// The store was closed because its file went away or another file took its place.
    private var storeClosed = false
    private var retryDelay: Int64 = 1
    private var stopping = false
    /// A reload is loading its configuration: no tick starts until it is applied.
    private var reloading = false
    /// Another SIGHUP came while reloading.
    private var reloadAgain = false
    /// Set once READY=1 has been sent.
    private var isRunning = false
    private var stoppedWaiters: [CheckedContinuation<Void, Never>] = []
    /// The journal writer, with addresses redacted as the configuration says.
    private var events: EventLog
    /// The channel lanes: they send what the ledger queued, beside the poll loop.
    private var deliveries: DeliveryService
    /// Deliveries being retried or refused for good, as of the last reading of the queue.
    private var deliveryErrors = 0
    private var deliveryHealth = DeliveryHealth()
    private var deliveryHealthAt: Instant?
    /// Counters and gauges for the metrics textfile.
    let metrics = Metrics()
    /// What the delivery lanes are sending, kept across reloads.
    private let inFlight = InFlight()
    /// Whether the metrics file could not be written at the last attempt (journaled once per failure run).
    private var metricsFailing = false
    /// When the configuration in force was loaded (start or the last good reload).
    private var configLoadedAt = Instant(seconds: 0)
    /// The last business day whose digests were claimed by this run.
    private var lastDigestDay: LocalDate?

    /// Loads and validates the configuration, opens (and migrates) the store, and runs the first full
    /// evaluation. READY=1 is sent by `run` only after this succeeds.
    public init(options: Options) async throws(StartFailure) {
        self.options = options
        let loaded: Configuration
        do { loaded = try ConfigurationLoader.load(path: options.configPath) } catch { throw .configuration(error) }
        do { templates = try TemplateCatalog.load(directory: loaded.templatesDirectory, policies: loaded.policies) } catch {
            throw .templates(error)
        }
        do { try Self.checkCredentials(loaded) } catch { throw .configuration(error) }
        guard case .sqlite(let path) = loaded.store else { throw .store("unsupported store") }
        lock = try InstanceLock(storePath: path)
        options.notifier.notify(.extendTimeout(microseconds: 90_000_000), .status("opening the store"))
        do { store = try SQLiteCaseStore(path: path, create: true, busyTimeout: options.storeBusyTimeout) } catch {
            throw .store(error.message)
        }
        storePath = path
        config = loaded
        configLoadedAt = options.now()
        policies = Dictionary(uniqueKeysWithValues: loaded.policies.map { ($0.id, $0) })
        var events = options.events
        events.redaction = Redaction(includeClient: loaded.journalIncludesClient)
        self.events = events
        deliveries = DeliveryService(config: loaded, templates: templates, store: store, events: events, metrics: metrics,
                                     inFlight: inFlight, now: options.now)
        options.events.record(.configLoaded, "configuration loaded from \(options.configPath): \(loaded.policies.count) policies",
                              ["config": "\(options.configPath)", "policies": "\(loaded.policies.count)"])
        do { try await tick(full: true) } catch { throw .store("first evaluation failed: \(SQLiteCaseStore.describe(error))") }
    }

    /// Tells the manager the service is ready, then serves until `stop()`.
    public func run() async {
        options.events.record(.started, "ticklerd started: \(openCases.count) open cases, poll every \(config.poll.interval)s",
                              ["open_cases": "\(openCases.count)"])
        isRunning = true
        deliveries.start()
        options.notifier.notify(.ready, .status(status))
        await withCheckedContinuation { stoppedWaiters.append($0) }
    }

    /// Called every second by the loop's timer: runs a tick when one is due and pings the watchdog while
    /// the loop is alive (no tick stuck for longer than half the watchdog interval).
    public func timerFired() async {
        let now = options.now()
        if let started = tickStartedAt {
            let limit = options.notifier.watchdogInterval.map { Int64($0.components.seconds / 2) } ?? Int64.max
            if now.seconds - started.seconds < max(limit, 1) { options.notifier.notify(.watchdog) }
            return
        }
        options.notifier.notify(.watchdog)
        guard !stopping, !reloading, now >= nextTickAt else { return }
        do {
            try await checkStoreFile()
            try await tick(full: now.seconds - lastFullRescan.seconds >= Int64(config.poll.fullRescan))
            if storeDown {
                storeDown = false
                retryDelay = 1
                options.events.record(.storeRecovered, "store recovered: \(storePath)", ["store": "\(storePath)"])
            }
        } catch {
            tickStartedAt = nil
            metrics.storeError()
            let reason = (error as? StoreUnavailable)?.message ?? SQLiteCaseStore.describe(error)
            if !storeDown {
                storeDown = true
                options.events.record(.storeOutage, "store unavailable, retrying with backoff: \(reason)",
                                      ["store": "\(storePath)", "error": "\(reason)"])
            }
            nextTickAt = now.adding(seconds: min(retryDelay, Int64(config.poll.interval)))
            retryDelay = min(retryDelay * 2, Int64(config.poll.interval))
        }
        options.notifier.notify(.status(status))
    }

    /// Keeps the daemon on the file at the store's path. When the file is gone, or another file is there (a
    /// backup restored with `rm; cp`, `mv new.db tickler.db`), the open store is closed, its delivery lanes
    /// first: nothing more is written to a file that is no longer at the path, and its write-ahead log is
    /// checkpointed into it and removed before another file is opened there. A new file is opened as a new
    /// store: every case is evaluated afresh from it, and what it holds fires.
    private func checkStoreFile() async throws {
        let current = FileIdentity(path: storePath)
        if current != store.identity && !storeClosed {
            await deliveries.stop(bound: .seconds(5))
            store.close()
            storeClosed = true
        }
        guard current != nil else { throw StoreUnavailable("the store file \(storePath) is missing") }
        guard storeClosed else { return }
        let opened = try SQLiteCaseStore(path: storePath, create: false, busyTimeout: options.storeBusyTimeout)
        let replaced = opened.identity != store.identity
        store = opened
        storeClosed = false
        await deliveries.stop(bound: .seconds(5))  // lanes a reload made while the store was closed
        deliveries = DeliveryService(config: config, templates: templates, store: opened, events: events, metrics: metrics,
                                     inFlight: inFlight, now: options.now)
        if isRunning { deliveries.start() }
        if replaced {
            forgetStoreState()
            options.events.record(.storeReplaced,
                                  "the store file \(storePath) was replaced: opened the new one, every case is evaluated again",
                                  ["store": "\(storePath)", "file": "\(opened.identity)"])
        }
    }

    /// What this run learnt from the store's content: gone when the content is another (a replaced file, a
    /// restored backup), so the next tick reads every case.
    private func forgetStoreState() {
        feed = 0
        lastFullRescan = Instant(seconds: 0)
        nextTickAt = Instant(seconds: 0)
        badRows = BadRowLog()
        deliveryHealthAt = nil
    }

    /// Evaluates the changed and due cases (every case when `full`), records what fires, journals it.
    func tick(full: Bool) async throws {
        let now = options.now()
        let started = ContinuousClock.now
        tickStartedAt = now
        defer { tickStartedAt = nil }
        ticks += 1
        if let n = options.wedgeAfterTicks, ticks > n {
            // Test hook: hang like a stuck store call would.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        var changes = try await store.changes(after: feed)
        var full = full
        if changes.generation < feed {
            // The content went back to an earlier state (a backup restored into the file): what this run knew
            // is of another store; every case is read again.
            options.events.record(.storeReplaced,
                                  "the store \(storePath) was restored to an earlier state: every case is evaluated again",
                                  ["store": "\(storePath)"])
            forgetStoreState()
            changes = try await store.changes(after: 0)
            full = true
        }
        var ids: [String]?
        if !full {
            var set = changes.cases
            set.formUnion(wakes.takeDue(at: now))
            ids = Array(set)
        }
        do {
            try await evaluate(ids, changes: changes, full: full, now: now, started: started)
        } catch {
            // Nothing of this tick is lost: the feed was not advanced past its changes, and the cases it took
            // are due again at the next tick (what it did record stays recorded, once).
            for id in ids ?? [] { wakes.set(id, now) }
            throw error
        }
    }

    /// Journals the fires recorded by an earlier tick or run whose entries were not written (a crash just
    /// after the commit, journald refusing them): the journal is a channel like the others, delivered at
    /// least once. Costs one indexed read when there are none.
    private func journalUnjournaled() async throws {
        while true {
            let (fires, unreadable) = try await store.unjournaledFires(limit: Self.chunk)
            for id in unreadable {
                options.events.record(.rowSkipped, "tickler_ledger row '\(id)' cannot be journaled: it cannot be read back",
                                      ["table": "tickler_ledger", "row": "\(id)"])
            }
            if fires.isEmpty { return }
            let events = self.events
            let notes = Dictionary(fires.map { ($0.0.fireID, $0.explanation) }, uniquingKeysWith: { a, _ in a })
            let sent = try await store.journal(fires.map(\.0)) { f in
                events.fired(f, explanation: notes[f.fireID] ?? nil, resent: true)
            }
            if sent < fires.count { return }  // journald refuses entries: the next tick tries again
        }
    }

    /// The body of a tick: evaluates `ids` (every case when nil), records and journals what fires.
    private func evaluate(_ ids: [String]?, changes: ChangeSet, full: Bool, now: Instant, started: ContinuousClock.Instant)
        async throws {
        try await journalUnjournaled()
        let readPeople = full || changes.people
        let snapshot = try await store.snapshot(caseIDs: ids, detail: .evaluation, people: readPeople)
        if readPeople { staff = Staff(snapshot.people) }
        let ledger = try await store.ledgerFacts(caseIDs: ids)
        let snoozes = Dictionary(grouping: try await store.snoozes(caseIDs: ids), by: \.caseID)
        for bad in badRows.report(snapshot.badRows, caseIDs: ids.map(Set.init)) {
            options.events.record(.rowSkipped, "\(bad)", ["table": "\(bad.table)", "row": "\(bad.id)"])
        }
        let evaluator = Evaluator(policies: config.policies, staff: staff)
        let rules = config.deadlineRuleSet
        let counting = config.metrics != nil
        if full {
            wakes = WakeSchedule()
            openCases = []
            if counting { metrics.resetOpen() }
        } else {
            for id in ids ?? [] {
                wakes.set(id, nil)
                openCases.remove(id)
                if counting { metrics.setOpen(caseID: id, []) }
            }
        }
        var fires: [Fire] = []
        var skipped: [SkippedStep] = []
        var explanations: [String: String] = [:]
        for stored in snapshot.cases {
            let c = rules.apply(to: stored)
            let e = evaluator.evaluate(c, ledger: ledger, snoozes: snoozes[c.id] ?? [], now: now)
            wakes.set(c.id, e.nextWakeUp)
            if c.status != .closed { openCases.insert(c.id) }
            if counting { metrics.setOpen(caseID: c.id, e.openSteps) }
            for f in e.fires {
                if let policy = policies[f.policy], let subject = policy.clock.subjects(of: c).first(where: { $0.ref == f.subject }) {
                    explanations[f.fireID] = Explanation(fire: f, policy: policy, subject: subject).text
                }
            }
            fires += e.fires
            skipped += e.skipped
        }
        // Claiming a fire is inserting its key: a step another instance (or an earlier run) recorded is
        // not returned, so it is journaled once. A large catch-up is recorded in chunks, each journaled as
        // soon as it is committed, so a stop or a crash mid-burst keeps what was done.
        var recorded: [Fire] = []
        _ = try await store.record(fires: [], skipped: skipped, now: now)
        for start in stride(from: 0, to: fires.count, by: Self.chunk) {
            let chunk = Array(fires[start..<min(start + Self.chunk, fires.count)])
            let claimed = try await store.record(fires: chunk, skipped: [], explanations: explanations, channels: config.channels,
                                                 now: now)
            let events = self.events, notes = explanations
            try await store.journal(claimed) { f in
                guard events.fired(f, explanation: notes[f.fireID]) else { return false }
                if !f.redirectedFrom.isEmpty { events.redirected(f, to: f.recipients) }
                return true
            }
            recorded += claimed
            // A first start over a large backlog can outlast TimeoutStartSec: each chunk buys more time.
            if !isRunning { options.notifier.notify(.extendTimeout(microseconds: 30_000_000)) }
        }
        feed = changes.through
        if full {
            lastFullRescan = now
            // Everything up to here has been evaluated; the feed need not keep it. (One daemon per SQLite
            // store: a store shared by several instances would prune by the slowest reader.)
            try await store.pruneChanges(through: changes.through)
        }
        var digests = 0
        if let digest = config.digest, let day = DigestSchedule.dueDay(digest, now: now), day != lastDigestDay {
            digests = try await queueDigests(day, digest, now: now)
            lastDigestDay = day
        }
        if !recorded.isEmpty || digests > 0 { await deliveries.kick() }
        // The queue's counts cost as much as the queue is long: read them when a lane has recorded an
        // attempt, on a full rescan, and at least once a minute; so an idle tick's cost keeps following
        // the changes.
        if deliveries.takeActivity() || full || deliveryHealthAt.map({ now.seconds - $0.seconds >= 60 }) ?? true {
            deliveryHealth = try await store.deliveryHealth(failedSince: now.adding(seconds: -86_400))
            deliveryHealthAt = now
        }
        let health = deliveryHealth
        deliveryErrors = health.retrying + health.failed
        let elapsed = Int((ContinuousClock.now - started) / .milliseconds(1))
        lastTick = (now, elapsed, recorded.count)
        metrics.fired(recorded, skipped: skipped.count)
        metrics.tick(at: now, seconds: Double(elapsed) / 1000, openCases: openCases.count, pending: health.pending,
                     errors: deliveryErrors)
        if let file = config.metrics { writeMetrics(file) }
        nextTickAt = now.adding(seconds: Int64(config.poll.interval))
        try await store.saveHealth(["last_tick_at": now.rfc3339, "last_tick_fired": "\(recorded.count)",
                                    "open_cases": "\(openCases.count)", "deliveries_pending": "\(health.pending)",
                                    "delivery_errors": "\(deliveryErrors)", "last_tick_ms": "\(elapsed)",
                                    "version": TicklerVersion.string,
                                    "config": URL(fileURLWithPath: options.configPath).standardizedFileURL.path,
                                    "config_loaded_at": configLoadedAt.rfc3339, "pid": "\(getpid())"])
    }

    /// Writes the metrics file; a failure is journaled once (until a write succeeds again), never fatal.
    private func writeMetrics(_ file: MetricsFile) {
        let path = file.path
        do {
            try metrics.write(to: file)
            metricsFailing = false
        } catch {
            if !metricsFailing {
                options.events.record(.metricsUnwritable, "cannot write the metrics file \(path): \(error)",
                                      ["metrics": "\(path)"])
            }
            metricsFailing = true
        }
    }

    /// Claims and queues, once per person and business day, the digest of everyone who has open
    /// follow-ups: a full evaluation lists each cycle whose last fired step is still open. Returns how
    /// many were queued now (none when an earlier run claimed them).
    private func queueDigests(_ day: LocalDate, _ digest: DigestSettings, now: Instant) async throws -> Int {
        let snapshot = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: true)
        let ledger = try await store.ledgerFacts(caseIDs: nil)
        let staff = Staff(snapshot.people)
        let evaluator = Evaluator(policies: config.policies, staff: staff)
        var byPerson: [String: [DigestEntry]] = [:]
        let rules = config.deadlineRuleSet
        for c in snapshot.cases {
            for open in evaluator.openFollowUps(of: rules.apply(to: c), ledger: ledger, now: now) {
                for r in open.recipients where staff.people[r] != nil { byPerson[r, default: []].append(DigestEntry(open)) }
            }
        }
        var queued = 0
        for (person, entries) in byPerson.sorted(by: { $0.key < $1.key }) {
            if try await store.claimDigest(id: DigestSchedule.id(person: person, day: day), person: person, day: day,
                                           entries: entries.sorted(by: DigestEntry.precedes), channel: digest.via, now: now) {
                queued += 1
            }
        }
        if queued > 0 {
            events.record(.digestQueued, "daily digests of \(day) queued for \(queued) people on \(digest.via)",
                          ["day": "\(day)", "people": "\(queued)", "channel": "\(digest.via)"])
        }
        return queued
    }

    /// After a reload: each pending computed deadline that the new rules or calendars moved, journaled at
    /// priority 4, so that no deadline moves later in silence. The next tick re-evaluates its cycles.
    private func journalMovedDeadlines(from old: DeadlineRuleSet) async {
        guard let snapshot = try? await store.snapshot(caseIDs: nil, detail: .evaluation, people: false) else { return }
        let zone = config.calendars["court"]?.zone ?? config.defaultCalendar.zone
        for m in DeadlineImpact.moves(cases: snapshot.cases, old: old, new: config.deadlineRuleSet, now: options.now()) {
            let from = m.from.map(zone.format) ?? "none", to = m.to.map(zone.format) ?? "none"
            var fields: Logger.Metadata = ["case_id": "\(m.caseID)", "case_number": "\(m.caseNumber)",
                                           "subject": "\(m.subject)", "direction": "\(m.direction)"]
            if let f = m.from { fields["from"] = "\(f)" }
            if let t = m.to { fields["to"] = "\(t)" }
            events.record(.deadlineMoved, "deadline \(m.subject) of case \(m.caseNumber) \(m.direction): \(from) → \(to)", fields)
        }
    }

    /// `ticklerd --once`: sends what the evaluation queued and is due now, within `timeout`. True when
    /// nothing due was left in the queue.
    public func deliverQueued(timeout: Duration) async -> Bool {
        await deliveries.drain(timeout: timeout)
    }

    /// SIGHUP: re-read the configuration; on error keep the old one and journal where the error is.
    public func reload() async {
        guard !stopping else { return }
        // A SIGHUP while a reload is loading is not lost: that reload runs once more when it is done, so the
        // file as it is after the last signal is the one applied.
        guard !reloading else { return reloadAgain = true }
        reloading = true
        repeat {
            reloadAgain = false
            await reloadOnce()
        } while reloadAgain && !stopping
        reloading = false
    }

    private func reloadOnce() async {
        options.notifier.notify(.reloading(monotonicMicroseconds: ServiceNotifier.monotonicMicroseconds), .status("reloading"))
        // The file is read and checked off the daemon's executor: however long a load takes, the timer keeps
        // pinging the watchdog meanwhile (no tick starts while a reload is pending).
        let (path, load) = (options.configPath, options.loadConfiguration)
        // The load is synchronous file reading and parsing: it runs on a thread of its own, so however long it
        // takes it holds none of the few threads the daemon's tasks share.
        typealias Loaded = Result<(Configuration, TemplateCatalog), ConfigurationError>
        let result = await withCheckedContinuation { (done: CheckedContinuation<Loaded, Never>) in
            Thread.detachNewThread { done.resume(returning: Result { () throws(ConfigurationError) in try load(path) }) }
        }
        // A reload is applied between ticks, never in the middle of one.
        while tickStartedAt != nil { try? await Task.sleep(for: .milliseconds(20)) }
        do throws(ConfigurationError) {
            let (loaded, loadedTemplates) = try result.get()
            // The store this daemon holds (and locks) stays: switching stores is a restart, never a reload
            // that would report success while still watching the old one.
            if loaded.store != config.store {
                throw ConfigurationError(diagnostics: [loaded.storeLocation.error(
                    "the store cannot change on reload (\(storePath) is in use); restart ticklerd to switch stores")])
            }
            let oldRules = config.deadlineRuleSet
            config = loaded
            configLoadedAt = options.now()
            policies = Dictionary(uniqueKeysWithValues: loaded.policies.map { ($0.id, $0) })
            if !oldRules.isEmpty || !loaded.deadlineRules.isEmpty { await journalMovedDeadlines(from: oldRules) }
            events.redaction = Redaction(includeClient: loaded.journalIncludesClient)
            await deliveries.stop(bound: .seconds(5))
            templates = loadedTemplates
            deliveries = DeliveryService(config: loaded, templates: loadedTemplates, store: store, events: events, metrics: metrics,
                                         inFlight: inFlight, now: options.now)
            deliveries.start()
            options.events.record(.configLoaded, "configuration reloaded from \(options.configPath): \(loaded.policies.count) policies",
                                  ["config": "\(options.configPath)", "policies": "\(loaded.policies.count)"])
            nextTickAt = Instant(seconds: 0)
            lastFullRescan = Instant(seconds: 0)  // new policies see every case at the next tick
        } catch {
            options.events.record(.reloadFailed, "reload failed, keeping the previous configuration:\n\(error.description)",
                                  ["config": "\(options.configPath)",
                                   "config_errors": .array(error.diagnostics.map { .string($0.description) })])
        }
        options.notifier.notify(.ready, .status(status))
    }

    /// The configuration at `path` and its templates, every problem located.
    nonisolated static func loadChecked(path: String) throws(ConfigurationError) -> (Configuration, TemplateCatalog) {
        let loaded = try ConfigurationLoader.load(path: path)
        let templates: TemplateCatalog
        do { templates = try TemplateCatalog.load(directory: loaded.templatesDirectory, policies: loaded.policies) } catch {
            throw ConfigurationError(diagnostics: error.problems.map {
                Diagnostic(file: $0.file, line: $0.line, column: $0.column, message: $0.message)
            })
        }
        try checkCredentials(loaded)
        return (loaded, templates)
    }

    /// Every credential the channels name is readable and not empty (`$CREDENTIALS_DIRECTORY`).
    nonisolated static func checkCredentials(_ config: Configuration) throws(ConfigurationError) {
        let credentials = Credentials()
        let problems = config.credentialProblems { try credentials.secret($0) }
        if !problems.isEmpty { throw ConfigurationError(diagnostics: problems) }
    }

    /// SIGTERM/SIGINT: STOPPING=1, let a tick in flight finish (within `bound`), then return from `run`.
    public func stop(bound: Duration = .seconds(10)) async {
        guard !stopping else { return }
        stopping = true
        options.notifier.notify(.stopping, .status("stopping"))
        options.events.record(.stopping, "ticklerd stopping")
        let deadline = ContinuousClock.now + bound
        while tickStartedAt != nil && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        await deliveries.stop(bound: max(.milliseconds(100), deadline - ContinuousClock.now))
        if !storeClosed && tickStartedAt == nil { store.close() }
        storeClosed = true
        lock = nil
        for w in stoppedWaiters { w.resume() }
        stoppedWaiters = []
    }

    /// Ticks started since the daemon was made (the first evaluation is the first).
    var tickCount: Int { ticks }

    /// `1,204 open cases · 37 fired at 09:41:00 in 120 ms · 0 delivery errors`.
    var status: String {
        let cases = openCases.count.formatted(.number.grouping(.automatic)) + " open cases"
        guard let t = lastTick else { return cases + " · no tick yet" }
        let local = config.defaultCalendar.zone.format(t.at)
        let clock = String(local.dropFirst(11).prefix(8))
        let health = storeDown ? " · store unavailable" : ""
        return "\(cases) · \(t.fired) cycles due · last tick \(clock) in \(t.milliseconds) ms · \(deliveryErrors) delivery errors\(health)"
    }
}
