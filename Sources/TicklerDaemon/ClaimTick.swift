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
extension Daemon {
    static let choresLeaseName = "chores"
    /// Cases a claim holds and evaluates in one transaction.
    static let claimSize = 256

    /// Cases evaluated in a claim, as the claim's evaluation saw them (it runs off the actor).
    final class Evaluated: Sendable {
        let cases = Mutex<[(id: String, open: Bool, steps: [(policy: String, stage: Int)])]>([])
    }

    func claimTick(_ kind: Machine.TickKind, _ pg: PostgresCaseStore) async throws -> TickResult {
        let started = ContinuousClock.now
        memory.ticks += 1
        try await journalUnjournaled()
        let generations = try await pg.generations()
        if let known = memory.claims.generations {
            // A case table was truncated (or the content put back): every case is evaluated again.
            if generations.restores != known.restores {
                memory.claims.generations = generations
                options.events.record(.storeReplaced, "a case table of \(storePath) was emptied or restored: every case is evaluated again",
                                      ["store": "\(storePath)"])
                forgetStoreState()
                return .restored
            }
            if generations.people != known.people { memory.staff.stale = true }
        }
        memory.claims.generations = generations
        if memory.staff.stale {
            memory.staff.people = Staff(try await pg.people().people)
            memory.staff.stale = false
        }
        let leader = try await pg.acquireLease(Self.choresLeaseName, for: .seconds(config.storeLease))
        // The sweep wakes cases rather than evaluating them: whichever instance claims them evaluates them.
        // A catch-up wakes every case once; the steady sweep (the chores' holder's) a slice a tick.
        var lapEnded = false
        if (kind == .catchUp && !memory.claims.catchUpWoken) || (kind == .incremental && leader) {
            if memory.sweep.total == nil { memory.sweep.total = try await pg.caseCount() }
            let slice = machine.sweepSlice(kind, cases: memory.sweep.total ?? 0, step: options.sweepStep)
            let (woken, next) = try await pg.wakeSlice(after: memory.sweep.cursor, size: slice)
            lapEnded = next == nil
            memory.sweep.advance(to: next, swept: woken)
            if kind == .catchUp && lapEnded { memory.claims.catchUpWoken = true }
        }
        let absorbed = try await pg.absorbChanges(limit: Self.batch)
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: memory.staff.people)
        let evaluated = Evaluated()
        var claimed = 0, recorded = 0, skipped = 0
        var now = options.now()
        var bad: [BadRow] = [], covered = Set<String>()
        while claimed < Self.batch {
            let claim = try await pg.evaluateDue(limit: Self.claimSize, channels: config.channels) { chunk, now in
                EvaluationRecord(evaluating: chunk, with: evaluation, now: now) { c, e in
                    evaluated.cases.withLock { $0.append((c.id, c.status != .closed, e.openSteps)) }
                }
            }
            now = claim.now
            claimed += claim.claimed.count
            covered.formUnion(claim.claimed)
            bad += claim.badRows
            skipped += claim.skipped
            let events = self.events, notes = claim.explanations
            _ = try await pg.journal(claim.recorded) { f in
                guard events.fired(f, explanation: notes[f.fireID]) else { return false }
                if !f.redirectedFrom.isEmpty { events.redirected(f, to: f.recipients) }
                return true
            }
            recorded += claim.recorded.count
            metrics.fired(claim.recorded, skipped: 0)
            if claim.claimed.count < Self.claimSize { break }
        }
        let counting = config.metrics != nil
        for c in evaluated.cases.withLock({ $0 }) {
            memory.noteCase(c.id, open: c.open)
            if counting { metrics.setOpen(caseID: c.id, c.steps) }
        }
        if !bad.isEmpty {
            covered.formUnion(bad.map(\.caseID))
            for b in memory.badRows.report(bad, caseIDs: covered) {
                options.events.record(.rowSkipped, "\(b)", ["table": "\(b.table)", "row": "\(b.id)"])
            }
        }
        var digests = 0
        if leader, let digest = config.digest, let day = DigestSchedule.dueDay(digest, now: now), day != memory.lastDigestDay {
            digests = try await queueDigests(day, digest, now: now)
            memory.lastDigestDay = day
        }
        // A changed case may come with a forwarded client text queued (tickler-inbound writes both at once).
        if recorded > 0 || digests > 0 || absorbed > 0 { await deliveries.kick() }
        if try await closeTick(now: now, started: started, recorded: recorded, skipped: skipped, lapEnded: lapEnded) {
            try await checkClock(pg)
        }
        memory.claims.leasesHeld = leader ? [Self.choresLeaseName] : []
        try await saveHealth(catchingUp: kind == .catchUp && !(memory.claims.catchUpWoken && claimed < Self.batch))
        let backlog = absorbed == Self.batch || claimed >= Self.batch
        return .done(more: backlog || (kind == .catchUp && !memory.claims.catchUpWoken))
    }

    /// Measures this host's clock against the database's: journaled when they differ by more than a second
    /// (and when they agree again); above a minute the instance reports itself degraded. Legal time is the
    /// database's either way.
    func checkClock(_ pg: PostgresCaseStore) async throws {
        let offset = try await pg.clockOffset()
        switch memory.health.clockMeasured(offset) {
        case .off(let offset)?:
            options.events.record(.clockOffset,
                                  "this host's clock differs from the database's by \(String(format: "%+.1f", Double(offset.milliseconds) / 1000)) s; "
                                      + "legal time is the database's", ["offset_ms": "\(offset.milliseconds)"])
        case .agrees(let offset)?:
            options.events.record(.clockAgrees, "this host's clock agrees with the database's again", ["offset_ms": "\(offset.milliseconds)"])
        case nil:
            break
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
