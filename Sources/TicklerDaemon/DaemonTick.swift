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

    /// Evaluates the changed and due cases and the sweep's slice (or claims the due ones), records what
    /// fires, journals it: the store's engine does it.
    @discardableResult
    func tick(_ kind: Machine.TickKind) async throws -> TickResult {
        try await refreshClosures()
        return try await engine.tick(kind, on: self)
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
            let notes = Dictionary(fires.compactMap { f in f.explanation.map { (f.0.fireID, $0) } }, uniquingKeysWith: { a, _ in a })
            let sent = try await recorder.journal(fires.map(\.0), explanations: notes, resent: true, on: store)
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
    func reportBadRows(_ rows: [BadRow], caseIDs: Set<String>?) {
        for b in memory.badRows.report(rows, caseIDs: caseIDs) {
            options.events.record(.rowSkipped, "\(b)", ["table": "\(b.table)", "row": "\(b.id)"])
        }
    }

    /// A case as a tick evaluated it (or found it gone): open or not, and the steps it has open (the
    /// metrics' gauges, when metrics are written).
    func noteCase(_ id: String, open: Bool, steps: [(policy: String, stage: Int)]) {
        memory.noteCase(id, open: open)
        if config.metrics != nil { metrics.setOpen(caseID: id, steps) }
    }

    /// The loop from evaluation to the journal, with the configuration in force and the staff as known now.
    var recorder: ChunkRecorder {
        ChunkRecorder(config: config, policies: policies, staff: memory.staff.people, events: events)
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

    /// The day's digests, when the configuration has them and this day's are not queued yet: see
    /// `DigestChore`. Returns how many were queued now.
    func queueDigestsIfDue(now: Instant) async throws -> Int {
        guard let digest = config.digest, let day = DigestSchedule.dueDay(digest, now: now), day != memory.lastDigestDay else { return 0 }
        let queued = try await DigestChore(store: store, config: config, staff: memory.staff.people, events: events)
            .run(day, digest, now: now)
        memory.lastDigestDay = day
        return queued
    }
}
