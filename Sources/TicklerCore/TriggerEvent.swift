/// Something that happened on a case and starts court time running: service of a complaint, entry of an
/// order, a hearing. Deadline rules compute deadlines from events of their kind.
public struct TriggerEvent: Sendable, Equatable {
    public enum ServiceMethod: String, Sendable, CaseIterable { case personal, electronic, mail, other }

    public var id: String
    public var kind: String
    public var occurredAt: Instant
    /// How the triggering paper was served, when it was; `mail` adds Rule 6(d)'s days.
    public var serviceMethod: ServiceMethod?

    public init(id: String, kind: String, occurredAt: Instant, serviceMethod: ServiceMethod? = nil) {
        self.id = id
        self.kind = kind
        self.occurredAt = occurredAt
        self.serviceMethod = serviceMethod
    }
}
