/// What a policy's clock watches on a case: the case itself or one of its records.
public struct SubjectRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case `case`, communication
        case documentRequest = "document_request"
        case deadline, appointment
        case surveyResponse = "survey_response"
        case staffTask = "staff_task"
    }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    /// Parses `case:c1`, `deadline:d1`…
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])) else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(kind, id)
    }

    /// `case:c1`, `communication:m1`, `document_request:r1`, `deadline:d1`, `appointment:ap1`.
    public var description: String { kind.rawValue + ":" + id }

    /// The order of `description` (`kind:id`), without building it: kinds compare by name, and no kind
    /// name is a prefix of another followed by a character below ':'.
    public static func < (l: SubjectRef, r: SubjectRef) -> Bool {
        l.kind != r.kind ? l.kind.rawValue < r.kind.rawValue : l.id < r.id
    }
}

/// A subject with its anchor: one open cycle of a policy.
public struct Subject: Sendable, Equatable {
    public var ref: SubjectRef
    public var anchor: Instant
    /// When the cycle ends by itself (an appointment once it starts); nil if only data ends it.
    public var endsAt: Instant?
    /// Where the anchor comes from, for explanations; no client data.
    public var anchorSource: AnchorSource
    /// For a deadline a court counted: that court's days, on which `court days` stages count.
    public var courtCalendar: CalendarRef?

    public init(ref: SubjectRef, anchor: Instant, endsAt: Instant? = nil, anchorSource: AnchorSource, courtCalendar: CalendarRef? = nil) {
        self.courtCalendar = courtCalendar
        self.ref = ref
        self.anchor = anchor
        self.endsAt = endsAt
        self.anchorSource = anchorSource
    }
}

/// Why a subject's anchor is where it is. Kept as data and worded only when explained: subjects are
/// built for every case on every evaluation.
public enum AnchorSource: Sendable, Equatable, CustomStringConvertible {
    case statusUpdate(communication: String)
    case openedNoStatusUpdate
    case unansweredInbound(channel: Communication.Channel, communication: String)
    case documentRequested(String)
    case latestCommunication(String)
    case openedNoCommunication
    case openedNoOutboundContact
    case deadlineDue(kind: Deadline.Kind, id: String)
    case appointmentStarts(String)
    case stageChanged(from: String, to: String)
    case caseClosed
    case lowScore(score: Int, of: Int, response: String)
    case staffTask(String)

    public var description: String {
        switch self {
        case .statusUpdate(let m): "latest outbound status update (communication \(m))"
        case .openedNoStatusUpdate: "case opened (no status update yet)"
        case .unansweredInbound(let channel, let m): "unanswered inbound \(channel.rawValue) (communication \(m))"
        case .documentRequested(let r): "document request \(r) outstanding"
        case .latestCommunication(let m): "latest communication (communication \(m))"
        case .openedNoCommunication: "case opened (no communication yet)"
        case .openedNoOutboundContact: "case opened, no outbound contact yet"
        case .deadlineDue(let kind, let d): "\(kind.rawValue) deadline \(d) due"
        case .appointmentStarts(let a): "appointment \(a) starts"
        case .stageChanged(let from, let to): "stage changed from \(from) to \(to)"
        case .caseClosed: "case closed"
        case .lowScore(let score, let of, let r): "survey answered \(score) of \(of) (response \(r))"
        case .staffTask(let t): "staff task \(t) open"
        }
    }
}
