import GRDBSQLite
import TicklerCore

/// Decodes rows of the case tables, matching enum columns on their bytes (no `String` per column).
struct RecordDecoder {
    private let statuses = ByteChoices<CaseSnapshot.Status>()
    private let directions = ByteChoices<Communication.Direction>()
    private let channels = ByteChoices<Communication.Channel>()
    private let kinds = ByteChoices<Communication.Kind>()
    private let deadlineKinds = ByteChoices<Deadline.Kind>()
    private let media = ByteChoices<Contact.Medium>()

    /// The SELECT of the cases table (without WHERE or ORDER BY). For evaluation, `client_email` reads as
    /// empty when set: whether the client can be written to, not where.
    static func casesSelect(_ detail: SnapshotDetail) -> String {
        let text = { (name: String) in detail == .full ? name : "''" }
        let email = detail == .full ? "client_email" : "CASE WHEN client_email IS NULL OR client_email = '' THEN NULL ELSE '' END"
        return "SELECT id, number, \(text("title")), \(text("client_name")), \(email), "
            + "status, practice_area, office, assignee_id, attorney_id, opened_at, closed_at, tags, stage, court FROM cases"
    }

    /// A row of `cases`, or nil with the problem in `bad`.
    func decodeCase(_ s: OpaquePointer, bad: inout [BadRow]) -> CaseSnapshot? {
        var row = Cells(s, table: "cases", caseColumn: 0)
        let id = row.text(0) ?? "", number = row.text(1) ?? "", title = row.text(2) ?? "", client = row.text(3) ?? ""
        let email = row.text(4), area = row.text(6), office = row.text(7), assignee = row.text(8), attorney = row.text(9)
        let tagText = row.text(12), stage = row.text(13), court = row.text(14)
        if let problem = row.problem { return skip(row, problem, &bad) }
        guard let status = statuses.match(s, 5) else { return skip(row, "unknown status", &bad) }
        guard let opened = instant(s, 10) else { return skip(row, "opened_at is not an RFC 3339 timestamp", &bad) }
        var closed: Instant?
        if !isNull(s, 11) {
            guard let c = instant(s, 11) else { return skip(row, "closed_at is not an RFC 3339 timestamp", &bad) }
            closed = c
        }
        var tags: [String] = []
        if let t = tagText, t != "[]" {
            guard let parsed = JSONText.parseArray(t) else { return skip(row, "tags is not a JSON list of strings", &bad) }
            tags = parsed
        }
        return CaseSnapshot(
            id: id, number: number, title: title, clientName: client, clientEmail: email, status: status,
            practiceArea: area, office: office, assigneeID: assignee, attorneyID: attorney, openedAt: opened,
            closedAt: closed, tags: tags, stage: stage, court: court)
    }

    /// Adds a row of `table` to its case `c`; a row that cannot be read is reported in `bad` instead.
    func add(_ s: OpaquePointer, of table: CaseRecordTable, to c: inout CaseSnapshot, bad: inout [BadRow]) {
        var row = Cells(s, table: table.name)
        let id = row.text(0) ?? ""
        switch table {
        case .communications:
            if let m = communication(s, bad: &bad) { c.communications.append(m) }
        case .deadlines:
            let title = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let kind = deadlineKinds.match(s, 3) else { return bad.append(row.bad("unknown kind")) }
            guard let due = instant(s, 4), let completed = optionalInstant(s, 5) else {
                return bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            let location = row.text(6) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            let attends: Bool? = sqlite3_column_type(s, 7) == SQLITE_NULL ? nil : sqlite3_column_int64(s, 7) != 0
            c.deadlines.append(Deadline(id: id, title: title, kind: kind, dueAt: due, completedAt: completed.value, location: location,
                                        clientAttends: attends))
        case .documentRequests:
            let title = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let requested = instant(s, 3), let received = optionalInstant(s, 4) else {
                return bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            c.documentRequests.append(DocumentRequest(id: id, title: title, requestedAt: requested, receivedAt: received.value,
                                                      shareable: sqlite3_column_int64(s, 5) != 0))
        case .appointments:
            let title = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let starts = instant(s, 3) else { return bad.append(row.bad("starts_at is not RFC 3339")) }
            let location = row.text(6) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            c.appointments.append(Appointment(id: id, title: title, startsAt: starts, withClient: sqlite3_column_int64(s, 4) != 0,
                                              cancelled: sqlite3_column_int64(s, 5) != 0, location: location))
        case .events:
            let kind = row.text(2) ?? "", methodText = row.text(4)
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let occurred = instant(s, 3) else { return bad.append(row.bad("occurred_at is not RFC 3339")) }
            var method: TriggerEvent.ServiceMethod?
            if let m = methodText {
                guard let v = TriggerEvent.ServiceMethod(rawValue: m) else { return bad.append(row.bad("unknown service_method")) }
                method = v
            }
            c.events.append(TriggerEvent(id: id, kind: kind, occurredAt: occurred, serviceMethod: method))
        case .contacts:
            let name = row.text(2) ?? "", email = row.text(3), phone = row.text(4), language = row.text(5), zone = row.text(6)
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let preferred = media.match(s, 7) else { return bad.append(row.bad("unknown preferred_channel")) }
            c.contacts.append(Contact(id: id, name: name, email: email, phone: phone, language: language, timeZone: zone,
                                      preferred: preferred, updatesEnabled: sqlite3_column_int64(s, 8) != 0))
        case .stageChanges:
            let from = row.text(2), to = row.text(3) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let at = instant(s, 4) else { return bad.append(row.bad("changed_at is not RFC 3339")) }
            c.stageChanges.append(StageChange(from: from, to: to, at: at))
        case .surveyResponses:
            let contact = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard sqlite3_column_type(s, 3) == SQLITE_INTEGER, sqlite3_column_type(s, 4) == SQLITE_INTEGER else {
                return bad.append(row.bad("score is not a whole number"))
            }
            guard let at = instant(s, 5) else { return bad.append(row.bad("received_at is not RFC 3339")) }
            let comment = row.text(6)
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            c.surveyResponses.append(SurveyResponse(id: id, contactID: contact, score: Int(sqlite3_column_int64(s, 3)),
                                                    scaleMax: Int(sqlite3_column_int64(s, 4)), receivedAt: at, comment: comment))
        case .staffTasks:
            let contact = row.text(2), fire = row.text(3), reason = row.text(4) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let created = instant(s, 5), let done = optionalInstant(s, 6) else {
                return bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            c.staffTasks.append(StaffTask(id: id, caseID: c.id, contactID: contact, fireID: fire, reason: reason, createdAt: created,
                                          doneAt: done.value))
        }
    }

    /// A row of `communications`, or nil with the problem in `bad`.
    func communication(_ s: OpaquePointer, bad: inout [BadRow]) -> Communication? {
        var row = Cells(s, table: CaseRecordTable.communications.name)
        let id = row.text(0) ?? ""
        if let problem = row.problem {
            bad.append(row.bad(problem))
            return nil
        }
        guard let direction = directions.match(s, 2), let channel = channels.match(s, 3), let kind = kinds.match(s, 4) else {
            bad.append(row.bad("unknown direction, channel or kind"))
            return nil
        }
        guard let occurred = instant(s, 5), let responded = optionalInstant(s, 6) else {
            bad.append(row.bad("a timestamp is not RFC 3339"))
            return nil
        }
        let body = row.text(8)
        if let problem = row.problem {
            bad.append(row.bad(problem))
            return nil
        }
        return Communication(id: id, direction: direction, channel: channel, kind: kind, occurredAt: occurred,
                             respondedAt: responded.value, automated: sqlite3_column_int64(s, 7) != 0, body: body)
    }

    private func skip(_ row: Cells, _ problem: String, _ bad: inout [BadRow]) -> CaseSnapshot? {
        bad.append(row.bad(problem))
        return nil
    }
}
