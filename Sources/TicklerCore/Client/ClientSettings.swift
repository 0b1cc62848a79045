import Foundation

/// `clients:` and `stages:`: how the firm writes to its clients. Which configured channel carries each
/// medium, the languages messages are written in (the first is the fallback), the safeguards every
/// message passes (`ClientMessageGate`), the stage vocabulary, and the zone of contacts who gave none.
public final class ClientSettings: Sendable {
    public let channels: [Contact.Medium: String]
    public let languages: [String]
    public let gate: ClientMessageGate.Settings
    public let stages: StageVocabulary
    public let defaultZone: ZoneRules
    /// `clients.inbound`: how replies are received (`tickler-inbound`); nil when they are not.
    public let inbound: Inbound?
    /// `clients.surveys`: the scale surveys ask on (default 1 to 5, low at 2 or under).
    public let surveyScale: SurveyScale
    /// `clients.portal_url`: where clients log in, if the firm has a portal (a message mentions one only then).
    public let portalURL: String?
    /// `firm.phone` and `firm.email`: how clients reach the firm (HELP replies give both).
    public let firmPhone: String?
    public let firmEmail: String?

    /// `clients.inbound`.
    public struct Inbound: Sendable, Equatable {
        /// The origin the gateway calls (`https://tickler.firm.test`): signatures cover the full address.
        public var publicURL: String
        /// The answer to a text received outside the firm's hours, by language; empty: none.
        public var autoreply: [String: String]
        /// Form fields accepted besides those the gateway documents (`accept_fields`): a field the gateway
        /// adds later. Any other refuses the request.
        public var acceptFields: [String]
        /// The most connections served at once (`max_connections`); one more is answered 503 and closed.
        public var maxConnections: Int
        /// Seconds a connection may take to send a whole request, head and body (`request_timeout`).
        public var requestTimeout: Int
        /// Seconds a connection may sit idle before its first or next request (`idle_timeout`).
        public var idleTimeout: Int
        /// Where a text from a number no contact has, or about a case that is closed, is forwarded (`intake`):
        /// an email address. Without it such a text is journaled as not forwarded (never its words).
        public var intake: String?

        public init(publicURL: String, autoreply: [String: String] = [:], acceptFields: [String] = [],
                    maxConnections: Int = 256, requestTimeout: Int = 10, idleTimeout: Int = 5, intake: String? = nil) {
            self.intake = intake
            self.publicURL = publicURL
            self.autoreply = autoreply
            self.acceptFields = acceptFields
            self.maxConnections = maxConnections
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
        }
    }

    public init(channels: [Contact.Medium: String] = [:], languages: [String] = ["en"],
                gate: ClientMessageGate.Settings = .init(), stages: StageVocabulary = StageVocabulary(),
                defaultZone: ZoneRules = .utc, inbound: Inbound? = nil, surveyScale: SurveyScale = .fivePoint,
                portalURL: String? = nil, firmPhone: String? = nil, firmEmail: String? = nil) {
        self.portalURL = portalURL
        self.firmPhone = firmPhone
        self.firmEmail = firmEmail
        self.inbound = inbound
        self.surveyScale = surveyScale
        self.channels = channels
        self.languages = languages.isEmpty ? ["en"] : languages
        self.gate = gate
        self.stages = stages
        self.defaultZone = defaultZone
    }

    public var fallbackLanguage: String { languages[0] }

    /// The language a contact is written to in: theirs when the firm writes in it, else the fallback.
    public func language(of c: Contact) -> String {
        c.language.flatMap { languages.contains($0) ? $0 : nil } ?? fallbackLanguage
    }

    /// The contact's own zone when it is a known one, else the firm's.
    public func zone(of c: Contact) -> ZoneRules {
        guard let id = c.timeZone else { return defaultZone }
        return ZoneRules.named(id) ?? defaultZone
    }
}
