import TicklerCore

/// One client message as its templates see it: only what a client may be told. The firm, the contact's
/// first name, the stage's client-facing text, the date and time of what the message is about, the
/// assigned staff member's name and direct line, and the titles of outstanding documents the firm marked
/// shareable. Never the matter's title, the case number, other parties, notes or the policy's internals:
/// a client template naming anything else is refused by `check-config` (see `vocabulary`).
public struct ClientNotice: Sendable, Equatable {
    /// What kind of message a policy's clock makes, choosing the built-in template.
    public enum Kind: String, Sendable, CaseIterable {
        case stage, silence, reminder, documents, welcome, acknowledge, sensitive, survey
    }

    public var kind: Kind
    public var language: String
    public var firmName: String
    public var firstName: String
    public var stage: StageVocabulary.Text?
    /// The date and time of the hearing, appointment or deadline, in the contact's zone and language.
    public var date: String
    public var time: String
    public var staffName: String
    public var staffPhone: String
    public var documents: [String]
    /// A survey's scale, in the contact's language ("1 to 5").
    public var scale: String
    /// A stage message about a move back to an earlier stage (not "a new stage").
    public var stageBack: Bool
    /// What a reminder's date is, in the contact's language ("court date", "appointment"); where it is and
    /// whether the client is to attend, from the fields the firm fills for clients (`location`,
    /// `client_attends`); empty when not known.
    public var what: String
    public var place: String
    public var attend: String
    /// `clients.portal_url`: a message mentions a portal only when the firm has one.
    public var portalURL: String

    public init(kind: Kind, language: String, firmName: String, firstName: String, stage: StageVocabulary.Text? = nil,
                date: String = "", time: String = "", staffName: String = "", staffPhone: String = "", documents: [String] = [],
                scale: String = "", stageBack: Bool = false, what: String = "", place: String = "", attend: String = "",
                portalURL: String = "") {
        self.stageBack = stageBack
        self.what = what
        self.place = place
        self.attend = attend
        self.portalURL = portalURL
        self.scale = scale
        self.kind = kind
        self.language = language
        self.firmName = firmName
        self.firstName = firstName
        self.stage = stage
        self.date = date
        self.time = time
        self.staffName = staffName
        self.staffPhone = staffPhone
        self.documents = documents
    }

    /// The kind of message `policy` sends: a survey for the surveys purpose, else by its clock.
    public static func kind(of policy: Policy) -> Kind {
        if policy.purpose == .surveys { return .survey }
        return switch policy.clock {
        case .sinceStageChange: .stage
        case .sinceClientUpdate, .sinceActivity, .sinceClosed: .silence
        case .untilDeadline, .untilAppointment: .reminder
        case .sinceDocumentRequest: .documents
        case .sinceOpened: .welcome
        case .sinceInbound, .sinceLowScore, .sinceStaffTask: .acknowledge
        }
    }

    /// What makes two messages the same for a contact's day (`ClientMessageKey`): its kind, and for a stage
    /// message the stage it announces, for a reminder the date it is about. Documents are listed whole in
    /// each message, so one a day says it all.
    public func dailyKey(caseID: String, contactID: String, at now: Instant, zone: ZoneRules) -> String {
        let about = switch kind {
        case .stage: stage?.name ?? ""
        case .reminder: date + " " + time
        default: ""
        }
        return ClientMessageKey.daily(kind: kind.rawValue, about: about, caseID: caseID, contactID: contactID, at: now, zone: zone)
    }

    /// The template variables. A sensitive stage's message gets the firm, the name and the staff line only.
    /// Empty values are left out, so that `{{#staff_phone}}…{{/staff_phone}}` and `{{^…}}` read them as absent.
    public var fields: [String: Any] {
        var f: [String: Any] = [:]
        func put(_ key: String, _ value: String) { if !value.isEmpty { f[key] = value } }
        put("firm_name", firmName)
        put("first_name", firstName)
        put("staff_name", staffName)
        put("staff_phone", staffPhone)
        put("portal_url", portalURL)
        guard kind != .sensitive else { return f }
        if let s = stage {
            put("stage_name", s.name)
            put("stage_means", s.means)
            put("stage_next", s.next)
            put("stage_needs", s.needs)
        }
        put("date", date)
        put("time", time)
        put("scale", scale)
        put("what", what)
        put("where", place)
        put("attend", attend)
        if stageBack { f["stage_back"] = true }
        if !documents.isEmpty { f["documents"] = documents.map { ["title": $0] } }
        return f
    }

    /// Every variable a client template may use: the privilege-safe whitelist.
    public static let vocabulary: Set<String> = [
        "firm_name", "first_name", "stage_name", "stage_means", "stage_next", "stage_needs", "date", "time", "staff_name",
        "staff_phone", "documents", "title", "scale", "stage_back", "what", "where", "attend", "portal_url",
    ]

    /// What a template for a sensitive stage may use: nothing about the case.
    public static let sensitiveVocabulary: Set<String> = ["firm_name", "first_name", "staff_name", "staff_phone", "portal_url"]
}
