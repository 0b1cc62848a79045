import Foundation
import Logging
import Synchronization
import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerPostgres
import TicklerStore

/// A tick on PostgreSQL, where several instances share the store and none leads the evaluation: committed
/// changes become wakes, and the instance claims due cases (those no other instance holds), evaluates them
/// and records what fires in the claim's own transaction, then journals it. The chores (the steady sweep,
/// digests) run under a lease by the database's clock; each is idempotent, so a stale holder wastes work and
/// never doubles it. Legal time is the database's, read in each claim.
struct ClaimTickEngine: TickEngine {
    static let choresLeaseName = "chores"
    /// Cases a claim holds and evaluates in one transaction.
    static let claimSize = 256

    let store: PostgresCaseStore

    var shared: Bool { true }

    /// Cases evaluated in a claim, as the claim's evaluation saw them (it runs off the daemon).
    final class Evaluated: Sendable {
        let cases = Mutex<[(id: String, open: Bool, steps: [(policy: String, stage: Int)])]>([])
    }

    func tick(_ kind: Daemon.Machine.TickKind, on daemon: isolated Daemon) async throws -> Daemon.TickResult {
        let started = ContinuousClock.now
        daemon.memory.ticks += 1
        try await daemon.journalUnjournaled()
        let generations = try await store.generations()
        if let known = daemon.memory.claims.generations {
            // A case table was truncated (or the content put back): every case is evaluated again.
            if generations.restores != known.restores {
                daemon.memory.claims.generations = generations
                daemon.options.events.record(.storeReplaced,
                                             "a case table of \(daemon.storePath) was emptied or restored: every case is evaluated again",
                                             ["store": "\(daemon.storePath)"])
                daemon.forgetStoreState()
                return .restored
            }
            if generations.people != known.people { daemon.memory.staff.stale = true }
        }
        daemon.memory.claims.generations = generations
        if daemon.memory.staff.stale {
            daemon.memory.staff.people = Staff(try await store.people().people)
            daemon.memory.staff.stale = false
        }
        let leader = try await store.acquireLease(Self.choresLeaseName, for: .seconds(daemon.config.storeLease))
        // The sweep wakes cases rather than evaluating them: whichever instance claims them evaluates them.
        // A catch-up wakes every case once; the steady sweep (the chores' holder's) a slice a tick.
        var lapEnded = false
        if (kind == .catchUp && !daemon.memory.claims.catchUpWoken) || (kind == .incremental && leader) {
            if daemon.memory.sweep.total == nil { daemon.memory.sweep.total = try await store.caseCount() }
            let slice = daemon.machine.sweepSlice(kind, cases: daemon.memory.sweep.total ?? 0, step: daemon.options.sweepStep)
            let (woken, next) = try await store.wakeSlice(after: daemon.memory.sweep.cursor, size: slice)
            lapEnded = next == nil
            daemon.memory.sweep.advance(to: next, swept: woken)
            if kind == .catchUp && lapEnded { daemon.memory.claims.catchUpWoken = true }
        }
        let absorbed = try await store.absorbChanges(limit: Daemon.batch)
        let recorder = daemon.recorder
        let evaluated = Evaluated()
        var claimed = 0, recorded = 0, skipped = 0
        var now = daemon.options.now()
        var bad: [BadRow] = [], covered = Set<String>()
        while claimed < Daemon.batch {
            let claim = try await store.evaluateDue(limit: Self.claimSize, channels: daemon.config.channels) { chunk, now in
                recorder.evaluate(chunk, now: now) { c, e in
                    evaluated.cases.withLock { $0.append((c.id, c.status != .closed, e.openSteps)) }
                }
            }
            now = claim.now
            claimed += claim.claimed.count
            covered.formUnion(claim.claimed)
            bad += claim.badRows
            skipped += claim.skipped
            _ = try await recorder.journal(claim.recorded, explanations: claim.explanations, on: store)
            recorded += claim.recorded.count
            daemon.metrics.fired(claim.recorded, skipped: 0)
            if claim.claimed.count < Self.claimSize { break }
        }
        for c in evaluated.cases.withLock({ $0 }) { daemon.noteCase(c.id, open: c.open, steps: c.steps) }
        if !bad.isEmpty {
            covered.formUnion(bad.map(\.caseID))
            daemon.reportBadRows(bad, caseIDs: covered)
        }
        let digests = leader ? try await daemon.queueDigestsIfDue(now: now) : 0
        // A changed case may come with a forwarded client text queued (tickler-inbound writes both at once).
        if recorded > 0 || digests > 0 || absorbed > 0 { await daemon.deliveries.kick() }
        if try await daemon.closeTick(now: now, started: started, recorded: recorded, skipped: skipped, lapEnded: lapEnded) {
            try await checkClock(on: daemon)
        }
        daemon.memory.claims.leasesHeld = leader ? [Self.choresLeaseName] : []
        try await daemon.saveHealth(catchingUp: kind == .catchUp && !(daemon.memory.claims.catchUpWoken && claimed < Daemon.batch))
        let backlog = absorbed == Daemon.batch || claimed >= Daemon.batch
        return .done(more: backlog || (kind == .catchUp && !daemon.memory.claims.catchUpWoken))
    }

    /// Measures this host's clock against the database's: journaled when they differ by more than a second
    /// (and when they agree again); above a minute the instance reports itself degraded. Legal time is the
    /// database's either way.
    private func checkClock(on daemon: isolated Daemon) async throws {
        let offset = try await store.clockOffset()
        switch daemon.memory.health.clockMeasured(offset) {
        case .off(let offset)?:
            daemon.options.events.record(.clockOffset,
                                         "this host's clock differs from the database's by "
                                             + "\(String(format: "%+.1f", Double(offset.milliseconds) / 1000)) s; legal time is the database's",
                                         ["offset_ms": "\(offset.milliseconds)"])
        case .agrees(let offset)?:
            daemon.options.events.record(.clockAgrees, "this host's clock agrees with the database's again",
                                         ["offset_ms": "\(offset.milliseconds)"])
        case nil:
            break
        }
    }

    func storeMoved() -> Daemon.Machine.TickOutcome? { nil }

    func describe(_ error: any Error) -> String { PostgresCaseStore.describe(error) }

    var fileIdentity: String? { nil }

    func releaseStaleClaims() async throws {}

    func close() async {
        try? await store.releaseLease(Self.choresLeaseName)
        await store.close()
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
