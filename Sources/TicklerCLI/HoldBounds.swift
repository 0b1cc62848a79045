import TicklerConfig
import TicklerCore
import TicklerStore

/// The limit on holds: a cycle counting down to a deadline or an appointment is never held past its last
/// `before:` stage (`Snooze.bound`). Used to refuse a snooze with a clear error rather than let the
/// daemon cut it short.
enum HoldBounds {
    struct Limit {
        var at: Instant
        var policy: Policy
        var subject: SubjectRef

        func describe(_ config: Configuration) -> String {
            let stage = policy.stages.last { $0.side == .before }!
            return "\(policy.calendar.zone.format(at)), when stage \(stage.number) of \(policy.id) (\(stage.offsetText)) "
                + "is due for \(subject)"
        }
    }

    /// The case, with its computed deadlines; exit 1 when there is no such case.
    static func loadCase(_ id: String, store: any FirmStore, config: Configuration) async throws -> CaseSnapshot {
        let snapshot: StoreSnapshot
        do { snapshot = try await store.snapshot(caseIDs: [id], detail: .evaluation, people: true) } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        guard let c = snapshot.cases.first else { throw CommandFailure.invalid("error: no case with id '\(id)'") }
        return try await CommonOptions.deadlineRules(config, store).apply(to: c)
    }

    /// The earliest bound among the case's cycles (of `policy`, or all) that is still ahead of `now`.
    static func tightest(_ c: CaseSnapshot, config: Configuration, policy: String?, now: Instant,
                         subject: SubjectRef? = nil) -> Limit? {
        var best: Limit?
        for p in config.policies where (policy == nil || p.id == policy) && p.appliesTo.matches(c) {
            for s in p.clock.subjects(of: c) where subject == nil || s.ref == subject {
                guard let b = Snooze.bound(policy: p, anchor: s.anchor, courtCalendar: s.courtCalendar), b > now else { continue }
                if best == nil || b < best!.at { best = Limit(at: b, policy: p, subject: s.ref) }
            }
        }
        return best
    }
}
