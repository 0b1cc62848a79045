/// `deadline_rules:`: a deadline computed from each event of a kind by a counting method.
public struct DeadlineRule: Sendable {
    public enum Counting: String, Sendable, CaseIterable { case frcp6a = "frcp-6a" }

    public var id: String
    /// The event kind it counts from.
    public var onEvent: String
    public var period: CourtPeriod
    public var counting: Counting
    /// Whose weekends and legal holidays end the count (and whose zone ends the last day).
    public var calendar: BusinessCalendar
    public var title: String
    public var kind: Deadline.Kind
    /// Rule 6(d): days added after the period when the event was served by mail (0: none).
    public var addDaysForMail: Int
    /// The court whose rules count it instead of `counting` over `calendar` (docs/courts.md), found in `courts`.
    public var court: CourtChoice?
    public var courts: (any CourtSource)?

    public init(id: String, onEvent: String, period: CourtPeriod, counting: Counting = .frcp6a, calendar: BusinessCalendar,
                title: String = "", kind: Deadline.Kind = .court, addDaysForMail: Int = 0, court: CourtChoice? = nil,
                courts: (any CourtSource)? = nil) {
        self.court = court
        self.courts = courts
        self.id = id
        self.onEvent = onEvent
        self.period = period
        self.counting = counting
        self.calendar = calendar
        self.title = title
        self.kind = kind
        self.addDaysForMail = addDaysForMail
    }

    /// The deadline this rule computes from `event` of a case in `caseCourt`, or nil when the event is of
    /// another kind (or the rule counts by the case's court and it has none Tickler knows, nor a fallback).
    /// A deadline counted by a court carries that court's days to the reminders before it.
    public func deadline(for event: TriggerEvent, caseCourt: String? = nil) -> Deadline? {
        guard event.kind == onEvent else { return nil }
        let title = title.isEmpty ? id : title
        if let court {
            guard let courts, let rules = court.rules(for: caseCourt, in: courts) else { return nil }
            let c = rules.count(trigger: event.occurredAt, period: period, service: event.serviceMethod)
            return Deadline(id: "\(id):\(event.id)", title: title, kind: kind, dueAt: c.due, courtCalendar: CalendarRef(rules.calendar))
        }
        return Deadline(id: "\(id):\(event.id)", title: title, kind: kind, dueAt: compute(event).due)
    }

    /// `event` counted by `counting` over `calendar` (a rule without a court).
    public func compute(_ event: TriggerEvent) -> CourtDeadline {
        switch counting {
        case .frcp6a:
            FRCP6a.compute(trigger: event.occurredAt, period: period, calendar: calendar,
                           mailDays: event.serviceMethod?.isMail == true ? addDaysForMail : 0)
        }
    }
}

/// `21 days`, `72 hours`, `14 days before`, `16 court days before`.
public struct CourtPeriod: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable {
        case days, hours
        /// Days the court is open: weekends and holidays are not counted (Cal. Code Civ. Proc. § 1005(b)).
        case courtDays = "court days"
    }

    public var amount: Int
    public var unit: Unit
    /// Counted backward from the event ("before"), as Rule 6(a)(5) describes.
    public var backward: Bool

    public init(amount: Int, unit: Unit, backward: Bool = false) {
        self.amount = amount
        self.unit = unit
        self.backward = backward
    }

    public init?(parsing text: String) {
        var words = text.split(separator: " ").map { $0.lowercased() }
        backward = words.last == "before"
        if backward { words.removeLast() }
        guard let first = words.first, let n = Int(first), n > 0, n <= 100_000 else { return nil }
        switch words.dropFirst().joined(separator: " ") {
        case "day", "days": unit = .days
        case "hour", "hours": unit = .hours
        case "court day", "court days": unit = .courtDays
        default: return nil
        }
        amount = n
    }

    public var description: String {
        let name = amount == 1 ? String(unit.rawValue.dropLast()) : unit.rawValue
        return "\(amount) \(name)\(backward ? " before" : "")"
    }
}

/// Computed deadlines join a case's stored deadlines: subject `deadline:RULE:EVENT`. A stored deadline
/// with the same id wins (that is how a firm records one as completed).
public struct DeadlineRuleSet: Sendable {
    public let rules: [DeadlineRule]
    private let byEvent: [String: [DeadlineRule]]

    public init(_ rules: [DeadlineRule]) {
        self.rules = rules
        byEvent = Dictionary(grouping: rules, by: \.onEvent)
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// `c` with the deadlines its events call for added.
    public func apply(to c: CaseSnapshot) -> CaseSnapshot {
        guard !rules.isEmpty, !c.events.isEmpty else { return c }
        var out = c
        let stored = Set(c.deadlines.map(\.id))
        for event in c.events {
            for rule in byEvent[event.kind] ?? [] {
                if let d = rule.deadline(for: event, caseCourt: c.court), !stored.contains(d.id) { out.deadlines.append(d) }
            }
        }
        return out
    }
}

/// Which court counts a rule's deadlines: the one the rule names, or the case's own (`court: case`), else a
/// fallback.
public enum CourtChoice: Sendable, Equatable {
    case fixed(String)
    case ofCase(fallback: String?)

    /// The id of the court that counts a deadline of a case in `caseCourt`, among `courts`.
    public func rules(for caseCourt: String?, in courts: any CourtSource) -> CourtRules? {
        switch self {
        case .fixed(let id): return courts.rules(id)
        case .ofCase(let fallback):
            if let id = caseCourt, !id.isEmpty, let r = courts.rules(id) { return r }
            return fallback.flatMap { courts.rules($0) }
        }
    }
}

/// Where a deadline rule finds its court by id, ready to count (the configuration's court files with the
/// closures the store records).
public protocol CourtSource: Sendable {
    func rules(_ id: String) -> CourtRules?
}
