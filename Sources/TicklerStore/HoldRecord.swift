import TicklerCore

/// A snooze or an ack as recorded: who, why, when, and whether it was ended early.
public struct HoldRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case snooze, ack }

    public var id: Int64
    public var kind: Kind
    public var caseID: String
    public var policy: String?
    /// For an ack: the cycle's subject and the fire acknowledged.
    public var subject: String?
    public var fireID: String?
    public var until: Instant
    public var reason: String
    public var createdBy: String
    public var createdAt: Instant
    public var endedAt: Instant?

    /// Every stored property, for the stores.
    package init(id: Int64, kind: Kind, caseID: String, policy: String? = nil, subject: String? = nil, fireID: String? = nil,
                 until: Instant, reason: String, createdBy: String, createdAt: Instant, endedAt: Instant? = nil) {
        self.id = id
        self.kind = kind
        self.caseID = caseID
        self.policy = policy
        self.subject = subject
        self.fireID = fireID
        self.until = until
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.endedAt = endedAt
    }
}
