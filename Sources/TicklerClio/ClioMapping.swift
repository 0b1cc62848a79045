import TicklerCore
import TicklerStore

/// How each Clio record becomes a row of Tickler's case tables (docs/clio.md has the table per model). Pure:
/// no I/O, no clock. A record that lacks what its row needs is not mapped: the answer says which record
/// and why, for one journal warning, and the sync goes on.
public struct ClioMapping: Sendable {
    /// What Clio does not say and a row needs: the zone its dates (a matter's open date, a task's due
    /// date) are read in, and a contact's language and time zone.
    public struct Defaults: Sendable, Equatable {
        public var language: String?
        public var timeZone: String

        public init(language: String? = nil, timeZone: String) {
            self.language = language
            self.timeZone = timeZone
        }
    }

    /// A record left out, and why. The description names the record by its Clio model and id only.
    public struct Skipped: Error, Sendable, Equatable, CustomStringConvertible {
        public var model: ClioID.Model
        public var clioID: Int64?
        public var reason: String

        public init(_ model: ClioID.Model, _ clioID: Int64?, _ reason: String) {
            self.model = model
            self.clioID = clioID
            self.reason = reason
        }

        public var description: String { "clio \(model.rawValue) \(clioID.map(String.init) ?? "without an id"): \(reason)" }
    }

    /// A calendar entry is an appointment, or a deadline when a court rule computed it.
    public enum CalendarRow: Sendable, Equatable {
        case appointment(caseID: String, Appointment)
        case deadline(caseID: String, Deadline)
    }

    public let defaults: Defaults
    private let zone: ZoneRules

    /// A date-only deadline (a task's due date, an all-day court date) is due at the end of its day.
    static let endOfDay = 23 * 3600 + 59 * 60

    /// Nil when the default time zone is not a zone (the configuration reports it where it is written).
    public init?(defaults: Defaults) {
        guard let zone = ZoneRules(identifier: defaults.timeZone) else { return nil }
        self.defaults = defaults
        self.zone = zone
    }

    /// A user: a person of the firm, active while enabled.
    public func person(_ u: Clio.User) -> Result<Person, Skipped> {
        guard let id = u.id else { return .failure(Skipped(.user, nil, "no id")) }
        guard let name = u.name, !name.isEmpty else { return .failure(Skipped(.user, id, "no name")) }
        let role = u.subscription_type.map { $0.lowercased() == "attorney" ? "attorney" : "staff" }
        return .success(Person(id: ClioID.of(.user, id), name: name, email: u.email.flatMap(Self.nonEmpty), role: role,
                               active: u.enabled ?? true))
    }

    /// A matter: a case. Its client's name comes with it (`client{name}`); the assignee is the responsible
    /// staff member, the attorney the responsible attorney; the stage is the matter stage's name, as a
    /// stage id (`Pre-Litigation` → `pre_litigation`).
    public func matter(_ m: Clio.Matter) -> Result<ImportBatch.CaseRecord, Skipped> {
        guard let id = m.id else { return .failure(Skipped(.matter, nil, "no id")) }
        guard let number = m.display_number.flatMap(Self.nonEmpty) else { return .failure(Skipped(.matter, id, "no display number")) }
        guard let status = m.status.flatMap(Self.status) else {
            return .failure(Skipped(.matter, id, "status is not open, pending or closed"))
        }
        guard let opened = m.open_date.flatMap(date) else { return .failure(Skipped(.matter, id, "no open date")) }
        var closed: Instant?
        if let text = m.close_date {
            guard let day = date(text) else { return .failure(Skipped(.matter, id, "close date is not a date")) }
            closed = day
        }
        if status == .closed && closed == nil { closed = opened }
        var updated: Instant?
        if let text = m.updated_at {
            guard let t = RFC3339.parse(text) else { return .failure(Skipped(.matter, id, "updated_at is not a timestamp")) }
            updated = t
        }
        var c = CaseSnapshot(id: ClioID.of(.matter, id), number: number, title: m.description ?? "", clientName: m.client?.name ?? "",
                             status: status, practiceArea: m.practice_area?.name.flatMap(Self.nonEmpty),
                             assigneeID: m.responsible_staff?.id.map { ClioID.of(.user, $0) },
                             attorneyID: m.responsible_attorney?.id.map { ClioID.of(.user, $0) }, openedAt: opened, closedAt: closed)
        c.stage = m.matter_stage?.name.flatMap(Self.stageID)
        return .success(ImportBatch.CaseRecord(fields: c, updatedAt: updated))
    }

    /// A contact as the client of matter `matter`: reachable by its primary email and phone (in E.164; a
    /// number that cannot be read as one is left out), with the configured language and time zone.
    public func contact(_ k: Clio.Contact, matter: Int64) -> Result<Contact, Skipped> {
        guard let id = k.id else { return .failure(Skipped(.contact, nil, "no id")) }
        guard let name = k.name.flatMap(Self.nonEmpty) else { return .failure(Skipped(.contact, id, "no name")) }
        let email = k.primary_email_address.flatMap(Self.nonEmpty).flatMap { $0.contains("@") ? $0 : nil }
        let phone = k.primary_phone_number.flatMap(PhoneNumber.e164)
        return .success(Contact(id: ClioID.contact(id, matter: matter), name: name, email: email, phone: phone, language: defaults.language,
                                timeZone: defaults.timeZone, preferred: email == nil && phone != nil ? .sms : .email))
    }

    /// A contact related to a matter other than as its client (a guardian, an interpreter, opposing counsel):
    /// a contact of the case, as the client is, but one that never receives a client update (Clio does not
    /// say which relations may be told about the case: Tickler sends less). Mail and calls from it are the
    /// case's.
    public func relationship(_ r: Clio.Relationship) -> Result<(caseID: String, contact: Contact), Skipped> {
        guard let id = r.id else { return .failure(Skipped(.relationship, nil, "no id")) }
        guard let matter = r.matter?.id else { return .failure(Skipped(.relationship, id, "not on a matter")) }
        guard let k = r.contact, let contactID = k.id else { return .failure(Skipped(.relationship, id, "no contact")) }
        switch contact(k, matter: matter) {
        case .success(var c):
            c.id = ClioID.related(contactID, matter: matter, relationship: id)
            c.updatesEnabled = false
            return .success((ClioID.of(.matter, matter), c))
        case .failure(let why):
            return .failure(Skipped(.relationship, id, why.reason))
        }
    }

    /// A calendar entry of a matter: a deadline of kind `court` when a court rule made it (an all-day one is
    /// due at the end of its day), else an appointment, with the client when a contact attends.
    public func calendarEntry(_ e: Clio.CalendarEntry) -> Result<CalendarRow, Skipped> {
        guard let id = e.id else { return .failure(Skipped(.calendarEntry, nil, "no id")) }
        guard let matter = e.matter?.id else { return .failure(Skipped(.calendarEntry, id, "not on a matter")) }
        guard let start = e.start_at.flatMap(RFC3339.parse) ?? e.start_at.flatMap(date) else {
            return .failure(Skipped(.calendarEntry, id, "start_at is not a timestamp"))
        }
        let rowID = ClioID.of(.calendarEntry, id)
        let caseID = ClioID.of(.matter, matter)
        let location = e.location ?? ""
        let clientAttends = (e.attendees ?? []).contains { $0.type?.lowercased() == "contact" }
        if e.court_rule?.id != nil {
            let due = e.all_day == true ? zone.instant(date: zone.localDate(start), secondOfDay: Self.endOfDay) : start
            return .success(.deadline(caseID: caseID, Deadline(id: rowID, title: e.summary ?? "", kind: .court, dueAt: due,
                                                               location: location, clientAttends: clientAttends)))
        }
        return .success(.appointment(caseID: caseID, Appointment(id: rowID, title: e.summary ?? "", startsAt: start,
                                                                 withClient: clientAttends, location: location)))
    }

    /// A task of a matter with a due date: a deadline, of kind `statute` for a statute-of-limitations task
    /// and `internal` otherwise, due at the end of its day, done when completed.
    public func task(_ t: Clio.Task) -> Result<(caseID: String, deadline: Deadline), Skipped> {
        guard let id = t.id else { return .failure(Skipped(.task, nil, "no id")) }
        guard let matter = t.matter?.id else { return .failure(Skipped(.task, id, "not on a matter")) }
        guard let dueText = t.due_at else { return .failure(Skipped(.task, id, "no due date")) }
        guard let day = LocalDate(iso8601: String(dueText.prefix(10))) else { return .failure(Skipped(.task, id, "due_at is not a date")) }
        var completed: Instant?
        if let text = t.completed_at {
            guard let done = RFC3339.parse(text) ?? date(text) else { return .failure(Skipped(.task, id, "completed_at is not a timestamp")) }
            completed = done
        } else if t.status?.lowercased() == "complete" {
            return .failure(Skipped(.task, id, "complete without completed_at"))
        }
        let deadline = Deadline(id: ClioID.of(.task, id), title: t.name ?? "", kind: t.statute_of_limitations == true ? .statute : .internal,
                                dueAt: zone.instant(date: day, secondOfDay: Self.endOfDay), completedAt: completed)
        return .success((ClioID.of(.matter, matter), deadline))
    }

    /// A logged call or email of a matter: outbound when a firm user sent it, inbound when only contacts
    /// did. Its subject and body are not copied: the clocks need only who, how and when.
    public func communication(_ c: Clio.Communication) -> Result<(caseID: String, communication: Communication), Skipped> {
        guard let id = c.id else { return .failure(Skipped(.communication, nil, "no id")) }
        guard let matter = c.matter?.id else { return .failure(Skipped(.communication, id, "not on a matter")) }
        let channel: Communication.Channel
        switch c.type {
        case "PhoneCommunication": channel = .call
        case "EmailCommunication": channel = .email
        default: return .failure(Skipped(.communication, id, "type is not PhoneCommunication or EmailCommunication"))
        }
        guard let at = c.received_at.flatMap(RFC3339.parse) else { return .failure(Skipped(.communication, id, "received_at is not a timestamp")) }
        let senders = (c.senders ?? []).compactMap { $0.type?.lowercased() }
        let direction: Communication.Direction
        if senders.contains("user") {
            direction = .outbound
        } else if senders.contains("contact") {
            direction = .inbound
        } else {
            return .failure(Skipped(.communication, id, "no sender"))
        }
        return .success((ClioID.of(.matter, matter), Communication(id: ClioID.of(.communication, id), direction: direction,
                                                                   channel: channel, occurredAt: at)))
    }

    /// A date (`2026-09-01`, or the date part of a timestamp) as local midnight in the default zone.
    private func date(_ text: String) -> Instant? {
        guard text.count == 10 || RFC3339.parse(text) != nil, let day = LocalDate(iso8601: String(text.prefix(10))) else { return nil }
        return zone.instant(date: day, secondOfDay: 0)
    }

    static func status(_ text: String) -> CaseSnapshot.Status? {
        switch text.lowercased() {
        case "open": .open
        case "pending": .pending
        case "closed": .closed
        default: nil
        }
    }

    /// A stage name as a stage id: lowercase ASCII letters and digits, every other run of characters one `_`.
    static func stageID(_ name: String) -> String? {
        var out = ""
        var gap = false
        for ch in name.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                if gap && !out.isEmpty { out.append("_") }
                out.append(ch)
                gap = false
            } else {
                gap = true
            }
        }
        return out.isEmpty ? nil : out
    }

    private static func nonEmpty(_ s: String) -> String? {
        let t = s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        return t.isEmpty ? nil : String(t)
    }
}
