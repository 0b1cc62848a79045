import Foundation
import Synchronization
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerStore

/// A tick: what the daemon does when its state machine says `runTick`. It reads the changed cases, the
/// cases whose wake has come and the sweep's next slice, evaluates them, records what fires in the ledger
/// (with its deliveries and the cases' next wakes), journals it, and saves the daemon's health. No tick
/// reads more than a bounded number of cases, whatever the size of the firm. It makes no decision about
/// when it runs.
extension Daemon {
    /// What a tick found.
    enum TickResult {
        /// Evaluated; `more` when changed or due cases, or the catch-up's next step, are left for the next.
        case done(more: Bool)
        /// The store's content went back to an earlier state: nothing was evaluated.
        case restored
    }

    /// Evaluates the changed and due cases and the sweep's slice, records what fires, journals it.
    @discardableResult
    func tick(_ kind: Machine.TickKind) async throws -> TickResult {
        if let postgres { return try await claimTick(kind, postgres) }
        let now = options.now()
        let started = ContinuousClock.now
        memory.ticks += 1
        let changes = try await store.changes(after: memory.feed, limit: Self.batch)
        if changes.generation < memory.feed {
            // The content went back to an earlier state (a backup restored into the file): what this run knew
            // is of another store; every case is read again.
            options.events.record(.storeReplaced,
                                  "the store \(storePath) was restored to an earlier state: every case is evaluated again",
                                  ["store": "\(storePath)"])
            forgetStoreState()
            return .restored
        }
        // The catch-up's first step: every case is read by the sweep after this point, so what the feed holds
        // up to here needs no evaluation of its own (at a first start, the whole import).
        let firstStep = kind == .catchUp && memory.sweep.cursor == nil && memory.sweep.done == 0
        if firstStep { memory.feed = max(memory.feed, changes.generation) }
        let due = try await store.dueCases(at: now, limit: Self.batch)
        var taken = Set(due)
        if !firstStep { taken.formUnion(changes.cases) }
        if memory.sweep.total == nil { memory.sweep.total = try await store.caseCount() }
        let slice = machine.sweepSlice(kind, cases: memory.sweep.total ?? 0, step: options.sweepStep)
        // The sweep's slice is read first; the changed and due cases it holds are evaluated with it, once.
        let (swept, next) = try await store.chunk(after: memory.sweep.cursor, size: slice, detail: .evaluation, ledger: true, holds: true)
        for c in swept.cases { taken.remove(c.id) }
        let lapEnded = next == nil
        try await evaluate(taken: Array(taken), swept: swept, changes: changes, lapEnded: lapEnded, now: now, started: started)
        memory.sweep.advance(to: next, swept: swept.cases.count)
        try await saveHealth(catchingUp: kind == .catchUp && !lapEnded)
        let more = (changes.more && !firstStep) || due.count == Self.batch || (kind == .catchUp && !lapEnded)
        return .done(more: more)
    }

    /// Evaluates every case now, as a catch-up does, whatever the state machine says (tests).
    func evaluateAll() async throws {
        memory.restartSweep()
        while case .done(more: true) = try await tick(.catchUp) {}
    }

    /// Journals the fires recorded by an earlier tick or run whose entries were not written (a crash just
    /// after the commit, journald refusing them): the journal is a channel like the others, delivered at
    /// least once. Costs one indexed read when there are none.
    func journalUnjournaled() async throws {
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

    /// Cases read per step of the sweep while it catches up, and the most a steady tick sweeps: a tick's
    /// memory is one step's, whatever the size of the firm.
    static let rescanStep = 4096
    /// The most changed cases (feed entries) and due cases a tick takes; the rest are the next tick's.
    static let batch = 4096
    /// The most feed entries a tick prunes.
    static let pruneStep = 50_000

    /// The body of a tick: evaluates the sweep's slice and the `taken` cases (changed or due), records and
    /// journals what fires, and sets each evaluated case's next wake with its fires.
    func evaluate(taken: [String], swept: EvaluationChunk, changes: ChangeSet, lapEnded: Bool, now: Instant,
                  started: ContinuousClock.Instant) async throws {
        try await journalUnjournaled()
        var bad = swept.badRows
        var covered = Set(swept.cases.map(\.id)).union(taken)
        if memory.staff.stale || changes.people {
            let people = try await store.people()
            memory.staff.people = Staff(people.people)
            bad += people.badRows
            covered.insert("")
            memory.staff.stale = false
        }
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: memory.staff.people)
        var (recorded, skipped) = try await record(swept, evaluation, gone: [], now: now)
        if !taken.isEmpty {
            let chunk = try await store.chunk(caseIDs: taken, detail: .evaluation, ledger: true, holds: true)
            bad += chunk.badRows
            // A case that is gone (or cannot be read) has nothing pending: its wake is cleared.
            let found = Set(chunk.cases.map(\.id))
            let (r, k) = try await record(chunk, evaluation, gone: taken.filter { !found.contains($0) }, now: now)
            recorded += r
            skipped += k
        }
        covered.formUnion(bad.map(\.caseID))
        reportBadRows(bad, caseIDs: covered)
        memory.feed = max(memory.feed, changes.through)
        // What this run has read of the feed is not read again (a restart catches up over every case), so it
        // goes, a bounded number of entries a tick. (One daemon per SQLite store: a store shared by several
        // instances would prune by the slowest reader.)
        try await store.pruneChanges(through: memory.feed, limit: Self.pruneStep)
        var digests = 0
        if let digest = config.digest, let day = DigestSchedule.dueDay(digest, now: now), day != memory.lastDigestDay {
            digests = try await queueDigests(day, digest, now: now)
            memory.lastDigestDay = day
        }
        // A changed case may come with a forwarded client text queued (tickler-inbound writes both at once).
        if recorded > 0 || digests > 0 || !taken.isEmpty { await deliveries.kick() }
        try await closeTick(now: now, started: started, recorded: recorded, skipped: skipped, lapEnded: lapEnded)
    }

    /// The end of a tick, on either store: the delivery queue's counts, the tick's figures and the metrics.
    /// The queue's counts cost as much as the queue is long: they are read when a lane has recorded an
    /// attempt, at the end of a lap of the sweep, and at least once a minute, so an idle tick's cost keeps
    /// following the changes. Returns whether they were read.
    @discardableResult
    func closeTick(now: Instant, started: ContinuousClock.Instant, recorded: Int, skipped: Int, lapEnded: Bool) async throws -> Bool {
        let refresh = memory.health.deliveryHealthDue(now: now, activity: deliveries.takeActivity() || lapEnded)
        if refresh {
            memory.health.deliveryHealth = try await store.deliveryHealth(
                failedSince: Lookback.start(of: Lookback.recentFailures, endingAt: now, on: config.defaultCalendar))
            memory.health.deliveryHealthAt = now
        }
        let elapsed = Int((ContinuousClock.now - started) / .milliseconds(1))
        memory.tickEnded(at: now, milliseconds: elapsed, fired: recorded)
        metrics.fired([], skipped: skipped)
        metrics.tick(at: now, seconds: Double(elapsed) / 1000, openCases: memory.openCases.count,
                     pending: memory.health.deliveryHealth.pending, errors: memory.health.deliveryErrors)
        if let file = config.metrics { writeMetrics(file) }
        return refresh
    }

    /// Saves the daemon's health as of the tick just done (`tickler status` reads it).
    func saveHealth(catchingUp: Bool) async throws {
        guard let t = memory.lastTick else { return }
        try await store.saveHealth(["last_tick_at": t.at.rfc3339, "last_tick_fired": "\(t.fired)",
                                    "open_cases": "\(memory.openCases.count)", "deliveries_pending": "\(memory.health.deliveryHealth.pending)",
                                    "delivery_errors": "\(memory.health.deliveryErrors)", "last_tick_ms": "\(t.milliseconds)",
                                    "catching_up": memory.sweep.catchingUpText(catchingUp) ?? "",
                                    "version": TicklerVersion.string,
                                    "config": URL(fileURLWithPath: options.configPath).standardizedFileURL.path,
                                    "config_loaded_at": configLoadedAt.rfc3339, "pid": "\(getpid())",
                                    "leases": memory.claims.leasesHeld.joined(separator: ","), "clock_offset_ms": "\(memory.health.clockOffset.milliseconds)"])
    }

    /// Journals each unreadable row once while it stays bad.
    private func reportBadRows(_ rows: [BadRow], caseIDs: Set<String>?) {
        for b in memory.badRows.report(rows, caseIDs: caseIDs) {
            options.events.record(.rowSkipped, "\(b)", ["table": "\(b.table)", "row": "\(b.id)"])
        }
    }

    /// Evaluates a chunk of cases at `now`, records what fires (claiming a fire is inserting its key: a step
    /// recorded before is not returned, so it is journaled once) and journals it, in chunks of `chunk` fires,
    /// each journaled as soon as it is committed, so a stop or a crash mid-burst keeps what was done. Skipped
    /// steps go with the first chunk (before the later steps that made them skipped); the cases' next wakes
    /// (and the clearing of those `gone`) with the last: a crash before it leaves the old wakes, so the cases
    /// are evaluated again, and what they fired is not recorded twice.
    /// Returns how many fires were recorded and steps skipped.
    private func record(_ chunk: EvaluationChunk, _ evaluation: FirmEvaluation, gone: [String], now: Instant) async throws
        -> (Int, Int) {
        let counting = config.metrics != nil
        var fires: [Fire] = []
        var skipped: [SkippedStep] = []
        var explanations: [String: String] = [:]
        var wakes = gone.map { CaseWake(caseID: $0, at: nil) }
        for id in gone {
            memory.openCases.remove(id)
            if counting { metrics.setOpen(caseID: id, []) }
        }
        for stored in chunk.cases {
            let evaluated = evaluation.evaluate(stored, ledger: chunk.ledger, holds: chunk.holds[stored.id] ?? [], now: now)
            let (c, e) = (evaluated.case, evaluated.result)
            wakes.append(CaseWake(caseID: c.id, at: e.nextWakeUp))
            memory.noteCase(c.id, open: c.status != .closed)
            if counting { metrics.setOpen(caseID: c.id, e.openSteps) }
            for f in e.fires {
                if let policy = policies[f.policy], let subject = policy.clock.subjects(of: c).first(where: { $0.ref == f.subject }) {
                    explanations[f.fireID] = Explanation(fire: f, policy: policy, subject: subject).text
                }
            }
            fires += e.fires
            skipped += e.skipped
        }
        if fires.isEmpty && skipped.isEmpty && wakes.isEmpty { return (0, 0) }
        var recorded = 0
        var start = 0
        repeat {
            let end = min(start + Self.chunk, fires.count)
            let (first, last) = (start == 0, end == fires.count)
            let part = Array(fires[start..<end])
            start = end
            let claimed = try await store.record(fires: part, skipped: first ? skipped : [], explanations: explanations,
                                                 channels: config.channels, wakes: last ? wakes : [], now: now)
            let events = self.events, notes = explanations
            _ = try await store.journal(claimed) { f in
                guard events.fired(f, explanation: notes[f.fireID]) else { return false }
                if !f.redirectedFrom.isEmpty { events.redirected(f, to: f.recipients) }
                return true
            }
            recorded += claimed.count
            metrics.fired(claimed, skipped: 0)
        } while start < fires.count
        return (recorded, skipped.count)
    }

    /// Writes the metrics file; a failure is journaled once (until a write succeeds again), never fatal.
    func writeMetrics(_ file: MetricsFile) {
        let path = file.path
        do {
            try metrics.write(to: file)
            _ = memory.health.metricsWritten(ok: true)
        } catch {
            if memory.health.metricsWritten(ok: false) {
                options.events.record(.metricsUnwritable, "cannot write the metrics file \(path): \(error)",
                                      ["metrics": "\(path)"])
            }
        }
    }

    /// Claims and queues, once per person and business day, the digest of everyone who has open
    /// follow-ups: a full evaluation lists each cycle whose last fired step is still open. Returns how
    /// many were queued now (none when an earlier run claimed them).
    func queueDigests(_ day: LocalDate, _ digest: DigestSettings, now: Instant) async throws -> Int {
        let people = try await store.people()
        let staff = Staff(people.people)
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: memory.staff.people)
        // The firm is read a chunk at a time; only the open follow-ups are kept.
        let open = Mutex([String: [DigestEntry]]())
        try await store.eachChunk(size: 8192, detail: .evaluation, ledger: true, holds: false) { chunk in
            var part: [String: [DigestEntry]] = [:]
            for c in chunk.cases {
                for o in evaluation.openFollowUps(c, ledger: chunk.ledger, now: now).open {
                    for r in o.recipients where staff.people[r] != nil { part[r, default: []].append(DigestEntry(o)) }
                }
            }
            open.withLock { $0.merge(part, uniquingKeysWith: +) }
        }
        let byPerson = open.withLock { $0 }
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
    func journalMovedDeadlines(from old: DeadlineRuleSet) async {
        let zone = config.calendars["court"]?.zone ?? config.defaultCalendar.zone
        let now = options.now()
        var cursor: CaseCursor?
        repeat {
            guard let (chunk, next) = try? await store.chunk(after: cursor, size: Self.rescanStep, detail: .evaluation, ledger: false,
                                                             holds: false) else { return }
            for m in DeadlineImpact.moves(cases: chunk.cases, old: old, new: config.deadlineRuleSet, now: now) {
                let from = m.from.map(zone.format) ?? "none", to = m.to.map(zone.format) ?? "none"
                var fields: Logger.Metadata = ["case_id": "\(m.caseID)", "case_number": "\(m.caseNumber)",
                                               "subject": "\(m.subject)", "direction": "\(m.direction)"]
                if let f = m.from { fields["from"] = "\(f)" }
                if let t = m.to { fields["to"] = "\(t)" }
                events.record(.deadlineMoved, "deadline \(m.subject) of case \(m.caseNumber) \(m.direction): \(from) → \(to)", fields)
            }
            cursor = next
        } while cursor != nil
    }
}
