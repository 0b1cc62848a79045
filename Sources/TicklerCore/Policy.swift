/// A follow-up policy: which cases, which clock, which stages.
public final class Policy: Sendable {
    public let id: String
    public let description: String
    public let appliesTo: CaseFilter
    public let clock: PolicyClock
    /// The calendar of `at:` placement and delivery windows, and of `business days`.
    public let calendar: BusinessCalendar
    public let stages: [Stage]
    public let clientFacing: Bool
    /// `ack_holds`: how long `tickler ack` holds the later stages of a cycle (default 1 business day).
    public let ackHolds: Period
    /// The calendar `ack_holds` counts on.
    public let ackCounting: BusinessCalendar
    /// What its client messages are for (consent and quiet hours are per purpose).
    public let purpose: MessagePurpose
    /// Whether its client messages are notices no opt-out may silence (court dates, deadlines): see
    /// `ClientMessageGate`.
    public let essential: Bool

    public init(id: String, description: String = "", appliesTo: CaseFilter = CaseFilter(), clock: PolicyClock,
                calendar: BusinessCalendar, stages: [Stage], clientFacing: Bool = false,
                ackHolds: Period = Period(1, .businessDays), ackCounting: BusinessCalendar? = nil,
                purpose: MessagePurpose? = nil, essential: Bool? = nil) {
        self.id = id
        self.description = description
        self.appliesTo = appliesTo
        self.clock = clock
        self.calendar = calendar
        self.stages = stages
        self.clientFacing = clientFacing
        self.ackHolds = ackHolds
        self.ackCounting = ackCounting ?? calendar
        self.purpose = purpose ?? clock.clientPurpose
        self.essential = essential ?? clock.isDeadline
    }

    /// Whether `c` is one this policy may still write to its client about: open, or closed when the policy
    /// is for closed cases (a survey after closing).
    public func mayWriteToClient(of c: CaseSnapshot) -> Bool {
        c.status != .closed || (appliesTo.statuses?.contains(.closed) ?? false)
    }

    /// Whether `c` still has the cycle (`subject`, `anchor`) open at `now`: the case still matches, the
    /// clock still yields the subject at that anchor (a stage changed back, a newer update, a cancelled
    /// appointment all end it), and the subject has not ended by itself. A client message is sent only then.
    public func cycleIsOpen(subject: SubjectRef, anchor: Instant, in c: CaseSnapshot, at now: Instant) -> Bool {
        guard appliesTo.matches(c) else { return false }
        return clock.subjects(of: c).contains { $0.ref == subject && $0.anchor == anchor && ($0.endsAt.map { now < $0 } ?? true) }
    }

    /// Until when an ack made at `t` holds the cycle (before the deadline bound of `Snooze.bound`).
    public func ackHold(from t: Instant) -> Instant { ackCounting.shift(t, by: ackHolds) }
}

/// `applies_to`: a case matches when each given key matches one listed value; absent keys match all.
public struct CaseFilter: Sendable, Equatable {
    public var statuses: Set<CaseSnapshot.Status>?
    public var practiceAreas: Set<String>?
    public var offices: Set<String>?
    /// Matches a case that carries at least one of these tags.
    public var tags: Set<String>?
    /// Matches a case at one of these stages.
    public var stages: Set<String>?

    public init(statuses: Set<CaseSnapshot.Status>? = nil, practiceAreas: Set<String>? = nil,
                offices: Set<String>? = nil, tags: Set<String>? = nil) {
        self.statuses = statuses
        self.practiceAreas = practiceAreas
        self.offices = offices
        self.tags = tags
    }

    public func matches(_ c: CaseSnapshot) -> Bool {
        if let s = statuses, !s.contains(c.status) { return false }
        if let p = practiceAreas, !(c.practiceArea.map(p.contains) ?? false) { return false }
        if let o = offices, !(c.office.map(o.contains) ?? false) { return false }
        if let t = tags, !c.tags.contains(where: t.contains) { return false }
        if let s = stages, !(c.stage.map(s.contains) ?? false) { return false }
        return true
    }
}

/// One step of a policy: when it comes due relative to the anchor, what it does and to whom.
public final class Stage: Sendable {
    public enum Action: String, Sendable { case remind, escalate }
    public enum Side: String, Sendable { case after, before }
    /// When a fire that comes due is handed to its channels.
    public enum Delivery: String, Sendable {
        case immediately
        /// Held until the next opening window of the policy's calendar.
        case businessHours = "business_hours"
    }
    public struct Repeat: Sendable {
        public var every: Period
        /// Repeats after the first fire: `max: 3` gives four fires, repeat numbers 0 to 3.
        public var max: Int
        public var counting: BusinessCalendar
        public init(every: Period, max: Int, counting: BusinessCalendar) {
            self.every = every
            self.max = max
            self.counting = counting
        }
    }

    /// 1-based position in the policy.
    public let number: Int
    public let side: Side
    public let offset: Period
    /// The calendar the offset counts on: the policy's, or the court calendar for `court days`.
    public let counting: BusinessCalendar
    public let at: TimeOfDay?
    public let action: Action
    public let notify: [Recipient]
    public let via: [String]
    public let deliver: Delivery
    public let repeatRule: Repeat?

    public init(number: Int, side: Side = .after, offset: Period, counting: BusinessCalendar, at: TimeOfDay? = nil,
                action: Action = .remind, notify: [Recipient] = [], via: [String] = ["journal"],
                deliver: Delivery? = nil, repeatRule: Repeat? = nil) {
        self.number = number
        self.side = side
        self.offset = offset
        self.counting = counting
        self.at = at
        self.action = action
        self.notify = notify
        self.via = via
        self.deliver = deliver ?? (action == .remind ? .businessHours : .immediately)
        self.repeatRule = repeatRule
    }

    /// `after: 10 business days`, `before: 2 court days at 09:00`.
    public var offsetText: String {
        "\(side.rawValue): \(offset)" + (at.map { " at \($0)" } ?? "")
    }
}

/// Who a stage notifies, as written in `notify:`.
public enum Recipient: Sendable, Equatable, CustomStringConvertible {
    case assignee, attorney, supervisor, client
    case role(String)
    case person(String)
    case address(String)

    /// Parses one `notify:` entry; nil when it is none of the forms.
    public init?(parsing text: String) {
        switch text {
        case "assignee": self = .assignee
        case "attorney": self = .attorney
        case "supervisor": self = .supervisor
        case "client": self = .client
        default:
            if text.hasPrefix("role:"), text.count > 5 { self = .role(String(text.dropFirst(5))) }
            else if text.hasPrefix("person:"), text.count > 7 { self = .person(String(text.dropFirst(7))) }
            else if Recipient.isEmailAddress(text) { self = .address(text) }
            else { return nil }
        }
    }

    public var description: String {
        switch self {
        case .assignee: "assignee"
        case .attorney: "attorney"
        case .supervisor: "supervisor"
        case .client: "client"
        case .role(let r): "role:" + r
        case .person(let p): "person:" + p
        case .address(let a): a
        }
    }

    /// A plain `local@domain` check: enough to tell an address from a typo'd keyword.
    public static func isEmailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix(".") else { return false }
        return s.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
    }

    /// The one person this recipient names on `c` before inactive people are replaced, if it names one.
    public func namedPerson(for c: CaseSnapshot, staff: Staff) -> String? {
        switch self {
        case .assignee: c.assigneeID
        case .attorney: c.attorneyID
        case .supervisor: c.assigneeID.flatMap { staff.people[$0]?.managerID }
        case .person(let p): p
        case .client, .role, .address: nil
        }
    }

    /// The addressees for case `c`: person ids, email addresses, or `contact:ID` for each contact of the
    /// client who receives updates.
    public func resolve(for c: CaseSnapshot, staff: Staff) -> [String] {
        switch self {
        case .assignee: return c.assigneeID.flatMap(staff.reachable).map { [$0] } ?? []
        case .attorney: return c.attorneyID.flatMap(staff.reachable).map { [$0] } ?? []
        case .supervisor:
            guard let a = c.assigneeID, let manager = staff.people[a]?.managerID else { return [] }
            return staff.reachable(manager).map { [$0] } ?? []
        case .client: return c.messageableContacts.map(\.recipient)
        case .role(let r): return staff.members(of: r)
        case .person(let p): return staff.reachable(p).map { [$0] } ?? []
        case .address(let a): return [a]
        }
    }
}
