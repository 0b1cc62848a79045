/// One case with everything the clocks look at, as read from the store at one moment.
public struct CaseSnapshot: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case open, pending, onHold = "on_hold", closed }

    public var id: String
    public var number: String
    public var title: String
    public var clientName: String
    public var clientEmail: String?
    public var status: Status
    public var practiceArea: String?
    public var office: String?
    public var assigneeID: String?
    public var attorneyID: String?
    public var openedAt: Instant
    public var closedAt: Instant?
    public var tags: [String]
    public var communications: [Communication]
    public var deadlines: [Deadline]
    public var documentRequests: [DocumentRequest]
    public var appointments: [Appointment]
    /// Trigger events (service of a complaint, entry of an order…) that deadline rules count from.
    public var events: [TriggerEvent]
    /// The court the case is in (a court file's id, `ca-superior`), for deadline rules with `court: case`.
    public var court: String?
    /// The people client messages go to (see `messageableContacts`).
    public var contacts: [Contact]
    /// Where the case stands in its practice area's stage vocabulary (`intake`, `discovery`…).
    public var stage: String?
    /// The case's stage changes, oldest first.
    public var stageChanges: [StageChange]
    /// Its clients' survey answers.
    public var surveyResponses: [SurveyResponse] = []
    /// What Tickler could not do and a person must (`StaffTask`), open or done.
    public var staffTasks: [StaffTask] = []

    public init(
        id: String, number: String, title: String = "", clientName: String = "", clientEmail: String? = nil,
        status: Status = .open, practiceArea: String? = nil, office: String? = nil, assigneeID: String? = nil,
        attorneyID: String? = nil, openedAt: Instant, closedAt: Instant? = nil, tags: [String] = [],
        communications: [Communication] = [], deadlines: [Deadline] = [], documentRequests: [DocumentRequest] = [],
        appointments: [Appointment] = [], events: [TriggerEvent] = [], contacts: [Contact] = [], stage: String? = nil,
        stageChanges: [StageChange] = [], court: String? = nil
    ) {
        self.id = id
        self.number = number
        self.title = title
        self.clientName = clientName
        self.clientEmail = clientEmail
        self.status = status
        self.practiceArea = practiceArea
        self.office = office
        self.assigneeID = assigneeID
        self.attorneyID = attorneyID
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.tags = tags
        self.communications = communications
        self.deadlines = deadlines
        self.documentRequests = documentRequests
        self.appointments = appointments
        self.events = events
        self.contacts = contacts
        self.stage = stage
        self.stageChanges = stageChanges
        self.court = court
    }

    /// When someone at the firm last reached out on the case (a call, an email, a letter): the latest
    /// outbound communication a person made. Tickler's own messages to clients are not counted: an
    /// automated update answers no client's question and does no task a person was given.
    public var lastPersonalOutbound: Instant? {
        var last: Instant?
        for m in communications where m.direction == .outbound && !m.automated {
            if last == nil || m.occurredAt > last! { last = m.occurredAt }
        }
        return last
    }
}

public struct Communication: Sendable, Equatable {
    public enum Direction: String, Sendable, CaseIterable { case inbound, outbound }
    public enum Channel: String, Sendable, CaseIterable { case call, email, sms, portal, letter, meeting }
    public enum Kind: String, Sendable, CaseIterable { case statusUpdate = "status_update", other }

    public var id: String
    public var direction: Direction
    public var channel: Channel
    public var kind: Kind
    public var occurredAt: Instant
    public var respondedAt: Instant?
    /// Written by Tickler itself: a client message it delivered (never by an integration or an import).
    public var automated: Bool
    /// What the client wrote (a text `tickler-inbound` recorded): client data, read only in full snapshots.
    public var body: String?

    /// The id of the communication a delivered client message is on its case: one per fire and contact.
    /// (The stores' carrier-status update derives it the same way in SQL.)
    public static func clientMessageID(fireID: String, contactID: String) -> String { "tickler-\(fireID).\(contactID)" }

    public init(id: String, direction: Direction, channel: Channel, kind: Kind = .other, occurredAt: Instant,
                respondedAt: Instant? = nil, automated: Bool = false, body: String? = nil) {
        self.body = body
        self.automated = automated
        self.id = id
        self.direction = direction
        self.channel = channel
        self.kind = kind
        self.occurredAt = occurredAt
        self.respondedAt = respondedAt
    }
}

public struct Deadline: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case court, filing, statute, `internal` }

    public var id: String
    public var title: String
    public var kind: Kind
    public var dueAt: Instant
    public var completedAt: Instant?
    /// For the client: where it takes place (a court's address), and whether the client is to attend (nil:
    /// not said). Fields the firm fills to be shown to clients; read only in full snapshots.
    public var location: String
    public var clientAttends: Bool?
    /// The days of the court that counted a computed deadline: `court days` before it are that court's.
    public var courtCalendar: CalendarRef?

    public init(id: String, title: String = "", kind: Kind, dueAt: Instant, completedAt: Instant? = nil, location: String = "",
                clientAttends: Bool? = nil, courtCalendar: CalendarRef? = nil) {
        self.courtCalendar = courtCalendar
        self.location = location
        self.clientAttends = clientAttends
        self.id = id
        self.title = title
        self.kind = kind
        self.dueAt = dueAt
        self.completedAt = completedAt
    }
}

public struct DocumentRequest: Sendable, Equatable {
    public var id: String
    public var title: String
    public var requestedAt: Instant
    public var receivedAt: Instant?
    /// Whether the firm marked the title fit to show the client (a client message names it only then).
    public var shareable: Bool

    public init(id: String, title: String = "", requestedAt: Instant, receivedAt: Instant? = nil, shareable: Bool = false) {
        self.id = id
        self.title = title
        self.requestedAt = requestedAt
        self.receivedAt = receivedAt
        self.shareable = shareable
    }
}

public struct Appointment: Sendable, Equatable {
    public var id: String
    public var title: String
    public var startsAt: Instant
    public var withClient: Bool
    public var cancelled: Bool
    /// For the client: where it takes place (read only in full snapshots).
    public var location: String

    public init(id: String, title: String = "", startsAt: Instant, withClient: Bool = false, cancelled: Bool = false,
                location: String = "") {
        self.location = location
        self.id = id
        self.title = title
        self.startsAt = startsAt
        self.withClient = withClient
        self.cancelled = cancelled
    }
}
