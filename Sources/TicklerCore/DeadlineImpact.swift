/// What a change of deadline rules or calendars does to the computed deadlines still ahead: each one that
/// moves, appears or disappears. `tickler calendar-impact` lists them; `ticklerd` journals them on reload,
/// so that no deadline ever moves later in silence.
public struct DeadlineMove: Sendable, Equatable {
    public var caseID: String
    public var caseNumber: String
    /// `RULE:EVENT`.
    public var deadlineID: String
    /// Nil when the deadline is new.
    public var from: Instant?
    /// Nil when the deadline no longer exists.
    public var to: Instant?

    public init(caseID: String, caseNumber: String, deadlineID: String, from: Instant?, to: Instant?) {
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.deadlineID = deadlineID
        self.from = from
        self.to = to
    }

    public var subject: SubjectRef { SubjectRef(.deadline, deadlineID) }

    /// `later`, `earlier`, `added` or `removed`.
    public var direction: String {
        switch (from, to) {
        case (let f?, let t?): t > f ? "later" : "earlier"
        case (nil, _): "added"
        case (_, nil): "removed"
        }
    }
}

public enum DeadlineImpact {
    /// The computed deadlines of `cases` that differ between `old` and `new`, among those due at or after
    /// `now` under either (and not completed), in case then deadline order.
    public static func moves(cases: [CaseSnapshot], old: DeadlineRuleSet, new: DeadlineRuleSet, now: Instant) -> [DeadlineMove] {
        var out: [DeadlineMove] = []
        for c in cases where !c.events.isEmpty {
            let stored = Set(c.deadlines.map(\.id))
            let before = computed(c, old, except: stored)
            let after = computed(c, new, except: stored)
            for id in Set(before.keys).union(after.keys).sorted() {
                let f = before[id], t = after[id]
                guard f != t, (f ?? .distantFuture) >= now || (t ?? .distantFuture) >= now else { continue }
                if f == nil, let t, t < now { continue }
                if t == nil, let f, f < now { continue }
                out.append(DeadlineMove(caseID: c.id, caseNumber: c.number, deadlineID: id, from: f, to: t))
            }
        }
        return out.sorted { ($0.caseID, $0.deadlineID) < ($1.caseID, $1.deadlineID) }
    }

    private static func computed(_ c: CaseSnapshot, _ rules: DeadlineRuleSet, except stored: Set<String>) -> [String: Instant] {
        var out: [String: Instant] = [:]
        for event in c.events {
            for rule in rules.rules {
                if let d = rule.deadline(for: event, caseCourt: c.court), !stored.contains(d.id) { out[d.id] = d.dueAt }
            }
        }
        return out
    }
}
