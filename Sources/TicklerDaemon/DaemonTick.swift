import Foundation
import Synchronization
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore

/// A tick: what the daemon does when its state machine says `runTick`. It reads the changed and due cases,
/// evaluates them, records what fires in the ledger (with its deliveries), journals it, and saves the
/// daemon's health. It makes no decision about when it runs.
extension Daemon {
    /// Evaluates the changed and due cases (every case when `full`), records what fires, journals it.
    func tick(full: Bool) async throws {
        let now = options.now()
        let started = ContinuousClock.now
        ticks += 1
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

    /// Cases read per step of a full rescan: its memory is one step's, whatever the size of the firm.
    static let rescanStep = 4096

    /// The body of a tick: evaluates `ids` (every case when nil, a bounded step at a time), records and
    /// journals what fires.
    func evaluate(_ ids: [String]?, changes: ChangeSet, full: Bool, now: Instant, started: ContinuousClock.Instant)
        async throws {
        try await journalUnjournaled()
        var bad: [BadRow] = []
        if full || changes.people {
            let people = try await store.people()
            staff = Staff(people.people)
            bad += people.badRows
        }
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: staff)
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
        var recorded = 0, skipped = 0
        if let ids {
            let chunk = try await store.chunk(caseIDs: ids, detail: .evaluation, ledger: true, holds: true)
            reportBadRows(bad + chunk.badRows, caseIDs: Set(ids))
            (recorded, skipped) = try await record(chunk, evaluation, now: now)
        } else {
            var cursor: CaseCursor?
            repeat {
                let (chunk, next) = try await store.chunk(after: cursor, size: Self.rescanStep, detail: .evaluation, ledger: true,
                                                          holds: true)
                bad += chunk.badRows
                let (r, k) = try await record(chunk, evaluation, now: now)
                recorded += r
                skipped += k
                cursor = next
            } while cursor != nil
            // Every case was read: rows that read well again are forgotten.
            reportBadRows(bad, caseIDs: nil)
        }
        feed = changes.through
        if full {
            // Everything up to here has been evaluated; the feed need not keep it. (One daemon per SQLite
            // store: a store shared by several instances would prune by the slowest reader.)
            try await store.pruneChanges(through: changes.through)
        }
        var digests = 0
        if let digest = config.digest, let day = DigestSchedule.dueDay(digest, now: now), day != lastDigestDay {
            digests = try await queueDigests(day, digest, now: now)
            lastDigestDay = day
        }
        if recorded > 0 || digests > 0 { await deliveries.kick() }
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
        lastTick = (now, elapsed, recorded)
        metrics.fired([], skipped: skipped)
        metrics.tick(at: now, seconds: Double(elapsed) / 1000, openCases: openCases.count, pending: health.pending,
                     errors: deliveryErrors)
        if let file = config.metrics { writeMetrics(file) }
        try await store.saveHealth(["last_tick_at": now.rfc3339, "last_tick_fired": "\(recorded)",
                                    "open_cases": "\(openCases.count)", "deliveries_pending": "\(health.pending)",
                                    "delivery_errors": "\(deliveryErrors)", "last_tick_ms": "\(elapsed)",
                                    "version": TicklerVersion.string,
                                    "config": URL(fileURLWithPath: options.configPath).standardizedFileURL.path,
                                    "config_loaded_at": configLoadedAt.rfc3339, "pid": "\(getpid())"])
    }

    /// Journals each unreadable row once while it stays bad.
    private func reportBadRows(_ rows: [BadRow], caseIDs: Set<String>?) {
        for b in badRows.report(rows, caseIDs: caseIDs) {
            options.events.record(.rowSkipped, "\(b)", ["table": "\(b.table)", "row": "\(b.id)"])
        }
    }

    /// Evaluates a chunk of cases at `now`, records what fires (claiming a fire is inserting its key: a step
    /// recorded before is not returned, so it is journaled once) and journals it, in chunks of `chunk` fires,
    /// each journaled as soon as it is committed, so a stop or a crash mid-burst keeps what was done.
    /// Returns how many fires were recorded and steps skipped.
    private func record(_ chunk: EvaluationChunk, _ evaluation: FirmEvaluation, now: Instant) async throws -> (Int, Int) {
        let counting = config.metrics != nil
        var fires: [Fire] = []
        var skipped: [SkippedStep] = []
        var explanations: [String: String] = [:]
        for stored in chunk.cases {
            let evaluated = evaluation.evaluate(stored, ledger: chunk.ledger, holds: chunk.holds[stored.id] ?? [], now: now)
            let (c, e) = (evaluated.case, evaluated.result)
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
        if !skipped.isEmpty { _ = try await store.record(fires: [], skipped: skipped, now: now) }
        var recorded = 0
        for start in stride(from: 0, to: fires.count, by: Self.chunk) {
            let part = Array(fires[start..<min(start + Self.chunk, fires.count)])
            let claimed = try await store.record(fires: part, skipped: [], explanations: explanations, channels: config.channels,
                                                 now: now)
            let events = self.events, notes = explanations
            try await store.journal(claimed) { f in
                guard events.fired(f, explanation: notes[f.fireID]) else { return false }
                if !f.redirectedFrom.isEmpty { events.redirected(f, to: f.recipients) }
                return true
            }
            recorded += claimed.count
            metrics.fired(claimed, skipped: 0)
            // A first start over a large backlog can outlast TimeoutStartSec: each chunk buys more time.
            if machine.phase == .starting { options.notifier.notify(.extendTimeout(microseconds: 30_000_000)) }
        }
        return (recorded, skipped.count)
    }

    /// Writes the metrics file; a failure is journaled once (until a write succeeds again), never fatal.
    func writeMetrics(_ file: MetricsFile) {
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
    func queueDigests(_ day: LocalDate, _ digest: DigestSettings, now: Instant) async throws -> Int {
        let people = try await store.people()
        let staff = Staff(people.people)
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: staff)
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
