/// Something that happened on a case and starts court time running: service of a complaint, entry of an
/// order, a hearing. Deadline rules compute deadlines from events of their kind.
public struct TriggerEvent: Sendable, Equatable {
    public enum ServiceMethod: String, Sendable, CaseIterable {
        case personal, electronic, mail
        /// By mail to an address in another state (Cal. Code Civ. Proc. § 1013(a): 10 days; N.Y. CPLR 2103(b)(2): 6).
        case mailOutOfState = "mail-out-of-state"
        /// By mail to an address abroad (Cal. Code Civ. Proc. § 1013(a): 20 days).
        case mailOutOfCountry = "mail-out-of-country"
        /// Express mail, or a carrier's overnight delivery.
        case overnight
        case fax
        /// Any other means the party consented to (Fed. R. Civ. P. 5(b)(2)(F)).
        case other

        /// Any of the ways by mail.
        public var isMail: Bool { self == .mail || self == .mailOutOfState || self == .mailOutOfCountry }
    }

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
