import TicklerCore

/// What `tickler-inbound` needs of the store: who a number belongs to, and a place to put what they
/// wrote. It writes case tables only (an inbound communication) and the consent ledger.
public protocol ClientDirectory: ConsentLedger {
    /// Every contact with phone `number` (E.164), with its case and whether that case is open (not closed).
    func contacts(phone number: String) async throws -> [ContactOnCase]
    /// Writes what one message from the gateway does, in one transaction, unless a message with its id
    /// was applied before (a retry, a replay): then nothing. True when it was written.
    func apply(_ effects: InboundEffects, now: Instant) async throws -> Bool
    /// The latest survey delivered to one of `contactIDs` since `since` (a fire of one of `policies`):
    /// the contact, the case it asked about and the fire that sent it.
    func latestSurvey(contactIDs: [String], policies: [String], since: Instant) async throws -> SurveySent?
    /// A failure of this store in words for the journal (no secret, no client data).
    func describe(failure: any Error) -> String
}

/// A survey a contact was sent.
public struct SurveySent: Sendable, Equatable {
    public var contactID: String
    public var caseID: String
    public var fireID: String

    public init(contactID: String, caseID: String, fireID: String) {
        self.contactID = contactID
        self.caseID = caseID
        self.fireID = fireID
    }
}

/// What one message from the gateway writes, all of it or none: consent entries, inbound communications
/// on cases, a survey answer. Keyed on the gateway's id for the message.
public struct InboundEffects: Sendable, Equatable {
    public var messageID: String
    /// `message` (a client's text), or another kind of request the gateway makes.
    public var route: String
    /// When the receiver first had it (a message kept through a store outage keeps its time).
    public var receivedAt: Instant
    public var consents: [ConsentRecord]
    public var communications: [CaseRecord<Communication>]
    /// What the client wrote, kept with each of `communications` (the firm's store holds client data; the
    /// journal never does).
    public var text: String?
    /// The text on its way to staff: queued in the same transaction.
    public var forwards: [ReplyForward]
    /// A survey's answer; it replaces an earlier answer to the same survey (same id).
    public var surveyResponse: CaseRecord<SurveyResponse>?
    /// What the carrier reported of a text Tickler sent (a status callback).
    public var carrierStatus: CarrierStatus?
    /// Unanswered calls a call answers: each contact's inbound calls on the case (`call:…:<contact>`) before it.
    public var callAnswers: [PhoneCall.Answer] = []

    public init(messageID: String, route: String, receivedAt: Instant, consents: [ConsentRecord] = [],
                communications: [CaseRecord<Communication>] = [], text: String? = nil, forwards: [ReplyForward] = [],
                surveyResponse: CaseRecord<SurveyResponse>? = nil, carrierStatus: CarrierStatus? = nil, callAnswers: [PhoneCall.Answer] = []) {
        self.callAnswers = callAnswers
        self.text = text
        self.forwards = forwards
        self.carrierStatus = carrierStatus
        self.messageID = messageID
        self.route = route
        self.receivedAt = receivedAt
        self.consents = consents
        self.communications = communications
        self.surveyResponse = surveyResponse
    }
}

/// A status the carrier reported for a text Tickler sent (the gateway's status callback), by its id.
public struct CarrierStatus: Sendable, Equatable, CustomStringConvertible {
    public var messageSID: String
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`…
    public var status: String
    public var errorCode: String?

    public init(messageSID: String, status: String, errorCode: String? = nil) {
        self.messageSID = messageSID
        self.status = status
        self.errorCode = errorCode
    }

    /// The text did not reach the phone: the message falls back as if the gateway had refused it.
    public var undelivered: Bool { status == "undelivered" || status == "failed" }

    public var description: String {
        "the carrier reported it \(status)" + (errorCode.map { " (error \($0))" } ?? "")
    }
}

/// A record and the case it goes on.
public struct CaseRecord<Record: Sendable & Equatable>: Sendable, Equatable {
    public var caseID: String
    public var record: Record

    public init(caseID: String, _ record: Record) {
        self.caseID = caseID
        self.record = record
    }
}

/// A contact and the case it belongs to, with who on the case reads what the contact writes.
public struct ContactOnCase: Sendable, Equatable {
    public var caseID: String
    public var contact: Contact
    public var caseOpen: Bool
    public var assigneeID: String?
    public var attorneyID: String?

    public init(caseID: String, contact: Contact, caseOpen: Bool, assigneeID: String? = nil, attorneyID: String? = nil) {
        self.caseID = caseID
        self.contact = contact
        self.caseOpen = caseOpen
        self.assigneeID = assigneeID
        self.attorneyID = attorneyID
    }
}
