/// Something a person at the firm must do because Tickler could not: a client notice no medium may
/// carry, a message every medium refused, a notice whose date passed before it could go. A task belongs
/// to a case; the `since: staff_task` clock sends it to the case's assignee (and escalates it while it
/// stays open) through the ordinary channels. It closes with `tickler done TASK --reason …`, or by the
/// outbound contact it asks for: any outbound communication on the case after the task was made.
///
/// A task names the contact by id and says why in Tickler's own words: never the client's data.
public struct StaffTask: Sendable, Equatable {
    /// Twelve hex digits, the same for the same message (a task is recorded once however often its
    /// message is looked at).
    public var id: String
    public var caseID: String
    /// The contact the message was for (`k1`); nil for a task about the case.
    public var contactID: String?
    /// The fire whose message it replaces.
    public var fireID: String?
    /// Why, in Tickler's words ("every medium the contact consented to refused the message").
    public var reason: String
    public var createdAt: Instant
    public var doneAt: Instant?
    /// Who closed it (`tickler done`'s user) and why.
    public var doneBy: String?
    public var doneReason: String?

    public init(id: String, caseID: String, contactID: String? = nil, fireID: String? = nil, reason: String,
                createdAt: Instant, doneAt: Instant? = nil, doneBy: String? = nil, doneReason: String? = nil) {
        self.id = id
        self.caseID = caseID
        self.contactID = contactID
        self.fireID = fireID
        self.reason = reason
        self.createdAt = createdAt
        self.doneAt = doneAt
        self.doneBy = doneBy
        self.doneReason = doneReason
    }

    /// The task that replaces the message of fire `fireID` to `recipient` (`contact:k1`).
    public static func id(fireID: String, recipient: String) -> String {
        String(SHA256.hex("staff-task\u{1F}\(fireID)\u{1F}\(recipient)").prefix(12))
    }

    /// Whether the task is still open on `c`: not marked done, and no outbound communication by a person
    /// (a call, an email, a letter: the contact it asked for) on the case since it was made.
    public func isOpen(in c: CaseSnapshot) -> Bool { isOpen(lastPersonalOutbound: c.lastPersonalOutbound) }

    /// `isOpen(in:)`, given the case's `lastPersonalOutbound`.
    public func isOpen(lastPersonalOutbound: Instant?) -> Bool {
        guard doneAt == nil else { return false }
        return lastPersonalOutbound.map { $0 < createdAt } ?? true
    }
}
