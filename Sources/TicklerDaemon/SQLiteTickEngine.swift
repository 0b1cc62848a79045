import Foundation
import Logging
import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerStore

/// A tick on SQLite, where one daemon uses the store: it reads the changed cases (the change feed), the
/// cases whose wake has come and the sweep's next slice, evaluates them, records what fires in the ledger
/// (with its deliveries and the cases' next wakes), journals it, and saves the daemon's health. No tick
/// reads more than a bounded number of cases, whatever the size of the firm. It makes no decision about
/// when it runs.
struct SQLiteTickEngine: TickEngine {
    let store: SQLiteCaseStore
    let path: String

    var shared: Bool { false }

    func tick(_ kind: Daemon.Machine.TickKind, on daemon: isolated Daemon) async throws -> Daemon.TickResult {
        let now = daemon.options.now()
        let started = ContinuousClock.now
        daemon.memory.ticks += 1
        let changes = try await store.changes(after: daemon.memory.feed, limit: Daemon.batch)
        if changes.generation < daemon.memory.feed {
            // The content went back to an earlier state (a backup restored into the file): what this run knew
            // is of another store; every case is read again.
            daemon.options.events.record(.storeReplaced,
                                         "the store \(path) was restored to an earlier state: every case is evaluated again",
                                         ["store": "\(path)"])
            daemon.forgetStoreState()
            return .restored
        }
        // The catch-up's first step: every case is read by the sweep after this point, so what the feed holds
        // up to here needs no evaluation of its own (at a first start, the whole import).
        let firstStep = kind == .catchUp && daemon.memory.sweep.cursor == nil && daemon.memory.sweep.done == 0
        if firstStep { daemon.memory.feed = max(daemon.memory.feed, changes.generation) }
        let due = try await store.dueCases(at: now, limit: Daemon.batch)
        var taken = Set(due)
        if !firstStep { taken.formUnion(changes.cases) }
        if daemon.memory.sweep.total == nil { daemon.memory.sweep.total = try await store.caseCount() }
        let slice = daemon.machine.sweepSlice(kind, cases: daemon.memory.sweep.total ?? 0, step: daemon.options.sweepStep)
        // The sweep's slice is read first; the changed and due cases it holds are evaluated with it, once.
        let (swept, next) = try await store.chunk(after: daemon.memory.sweep.cursor, size: slice, detail: .evaluation, ledger: true,
                                                  holds: true)
        for c in swept.cases { taken.remove(c.id) }
        let lapEnded = next == nil
        try await daemon.journalUnjournaled()
        var bad = swept.badRows
        var covered = Set(swept.cases.map(\.id)).union(taken)
        if daemon.memory.staff.stale || changes.people {
            let people = try await store.people()
            daemon.memory.staff.people = Staff(people.people)
            bad += people.badRows
            covered.insert("")
            daemon.memory.staff.stale = false
        }
        let recorder = daemon.recorder
        var (recorded, skipped) = try await record(swept, recorder, gone: [], now: now, on: daemon)
        if !taken.isEmpty {
            let chunk = try await store.chunk(caseIDs: Array(taken), detail: .evaluation, ledger: true, holds: true)
            bad += chunk.badRows
            // A case that is gone (or cannot be read) has nothing pending: its wake is cleared.
            let found = Set(chunk.cases.map(\.id))
            let (r, k) = try await record(chunk, recorder, gone: taken.filter { !found.contains($0) }, now: now, on: daemon)
            recorded += r
            skipped += k
        }
        covered.formUnion(bad.map(\.caseID))
        daemon.reportBadRows(bad, caseIDs: covered)
        daemon.memory.feed = max(daemon.memory.feed, changes.through)
        // What this run has read of the feed is not read again (a restart catches up over every case), so it
        // goes, a bounded number of entries a tick. (One daemon per SQLite store: a store shared by several
        // instances would prune by the slowest reader.)
        try await store.pruneChanges(through: daemon.memory.feed, limit: Daemon.pruneStep)
        let digests = try await daemon.queueDigestsIfDue(now: now)
        // A changed case may come with a forwarded client text queued (tickler-inbound writes both at once).
        if recorded > 0 || digests > 0 || !taken.isEmpty { await daemon.deliveries.kick() }
        try await daemon.closeTick(now: now, started: started, recorded: recorded, skipped: skipped, lapEnded: lapEnded)
        daemon.memory.sweep.advance(to: next, swept: swept.cases.count)
        try await daemon.saveHealth(catchingUp: kind == .catchUp && !lapEnded)
        let more = (changes.more && !firstStep) || due.count == Daemon.batch || (kind == .catchUp && !lapEnded)
        return .done(more: more)
    }

    /// Evaluates a chunk of cases at `now`, records what fires (claiming a fire is inserting its key: a step
    /// recorded before is not returned, so it is journaled once) and journals it, in parts of `chunk` fires,
    /// each journaled as soon as it is committed, so a stop or a crash mid-burst keeps what was done. Skipped
    /// steps go with the first part (before the later steps that made them skipped); the cases' next wakes
    /// (and the clearing of those `gone`) with the last: a crash before it leaves the old wakes, so the cases
    /// are evaluated again, and what they fired is not recorded twice.
    /// Returns how many fires were recorded and steps skipped.
    private func record(_ chunk: EvaluationChunk, _ recorder: ChunkRecorder, gone: [String], now: Instant,
                        on daemon: isolated Daemon) async throws -> (Int, Int) {
        for id in gone { daemon.noteCase(id, open: false, steps: []) }
        var record = recorder.evaluate(chunk, now: now) { c, e in daemon.noteCase(c.id, open: c.status != .closed, steps: e.openSteps) }
        record.wakes = gone.map { CaseWake(caseID: $0, at: nil) } + record.wakes
        let (fires, skipped, wakes) = (record.fires, record.skipped, record.wakes)
        if fires.isEmpty && skipped.isEmpty && wakes.isEmpty { return (0, 0) }
        var recorded = 0
        var start = 0
        repeat {
            let end = min(start + Daemon.chunk, fires.count)
            let (first, last) = (start == 0, end == fires.count)
            let part = Array(fires[start..<end])
            start = end
            let claimed = try await store.record(fires: part, skipped: first ? skipped : [], explanations: record.explanations,
                                                 channels: daemon.config.channels, wakes: last ? wakes : [], now: now)
            _ = try await recorder.journal(claimed, explanations: record.explanations, on: store)
            recorded += claimed.count
            daemon.metrics.fired(claimed, skipped: 0)
        } while start < fires.count
        return (recorded, skipped.count)
    }

    func storeMoved() -> Daemon.Machine.TickOutcome? {
        // Nothing is read from or written to a file that is no longer at the store's path.
        let current = FileIdentity(path: path)
        return current != store.identity ? .storeFileChanged(present: current != nil) : nil
    }

    func describe(_ error: any Error) -> String { SQLiteCaseStore.describe(error) }

    var fileIdentity: String? { "\(store.identity)" }

    func releaseStaleClaims() async throws { try await store.releaseAllClaims() }

    func close() async { store.close() }
}
