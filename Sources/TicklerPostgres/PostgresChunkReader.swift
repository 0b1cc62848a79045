import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// Reads cases with their records, ledger facts and holds from PostgreSQL on one connection (inside the
/// caller's transaction): the cases first, then each table's rows of those cases (`case_id = ANY(...)`).
/// Column types are the database's own, so the only rows skipped are those with a value outside Tickler's
/// vocabulary (an unknown status, tags that are not a list of strings).
struct PostgresChunkReader {
    let connection: PostgresConnection
    let detail: SnapshotDetail
    let ledger: Bool
    let holds: Bool
    private var logger: Logger { PostgresCaseStore.logger }

    /// The next `size` cases after `after` (from the first when nil), and the cursor to go on from.
    func chunk(after: String?, size: Int) async throws -> (EvaluationChunk, next: CaseCursor?) {
        let select = Self.casesSelect(detail)
        let query: PostgresQuery = after.map { "\(unescaped: select) WHERE id > \($0) ORDER BY id LIMIT \(size)" }
            ?? "\(unescaped: select) ORDER BY id LIMIT \(size)"
        var chunk = EvaluationChunk(position: 0)
        var last: String?
        var count = 0
        for try await row in try await connection.run(query, logger: logger) {
            count += 1
            let id = try row.decode(String.self, context: .default)
            last = id
            if let c = Self.decodeCase(row, bad: &chunk.badRows) { chunk.cases.append(c) }
        }
        try await fill(&chunk, ids: chunk.cases.map(\.id))
        return (chunk, count == size ? last.map { CaseCursor(id: $0) } : nil)
    }

    /// The cases `ids` that exist, in id order.
    func chunk(caseIDs ids: [String]) async throws -> EvaluationChunk {
        var chunk = EvaluationChunk(position: 0)
        if ids.isEmpty { return chunk }
        let query: PostgresQuery = "\(unescaped: Self.casesSelect(detail)) WHERE id = ANY(\(ids)) ORDER BY id"
        for try await row in try await connection.run(query, logger: logger) {
            if let c = Self.decodeCase(row, bad: &chunk.badRows) { chunk.cases.append(c) }
        }
        try await fill(&chunk, ids: chunk.cases.map(\.id))
        return chunk
    }

    /// The records, ledger facts and holds of the chunk's cases.
    private func fill(_ chunk: inout EvaluationChunk, ids: [String]) async throws {
        if ids.isEmpty { return }
        var position: [String: Int] = [:]
        position.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() { position[id] = i }
        for table in CaseRecordTable.allCases {
            let query: PostgresQuery = "\(unescaped: Self.select(table, detail)) WHERE case_id = ANY(\(ids))"
            for try await row in try await connection.run(query, logger: logger) {
                let caseID = try row.decode((String, String).self, context: .default).1
                guard let i = position[caseID] else { continue }
                Self.add(row, of: table, to: &chunk.cases[i], bad: &chunk.badRows)
            }
        }
        if ledger {
            let query: PostgresQuery = """
                SELECT policy, subject, anchor_at, stage, repeat FROM tickler_ledger WHERE case_id = ANY(\(ids))
                """
            for try await (policy, subject, anchor, stage, rep) in try await connection.run(query, logger: logger)
                .decode((String, String, Date, Int, Int).self) {
                guard let ref = SubjectRef(parsing: subject) else { continue }
                chunk.ledger.record(CycleKey(policy: policy, subject: ref, anchor: Instant(anchor)), StepIndex(stage: stage, repeat: rep))
            }
        }
        if holds {
            let query: PostgresQuery = """
                SELECT case_id, policy, until_at, subject, anchor_at FROM tickler_holds
                WHERE ended_at IS NULL AND case_id = ANY(\(ids))
                """
            for try await (caseID, policy, until, subject, anchor) in try await connection.run(query, logger: logger)
                .decode((String, String?, Date, String?, Date?).self) {
                var cycle: CycleKey?
                if let policy, let ref = subject.flatMap(SubjectRef.init(parsing:)), let anchor {
                    cycle = CycleKey(policy: policy, subject: ref, anchor: Instant(anchor))
                }
                chunk.holds[caseID, default: []].append(Snooze(caseID: caseID, policy: policy, cycle: cycle, until: Instant(until)))
            }
        }
    }

    /// The firm's people, and the rows that cannot be read (none here: every column has its type).
    func people() async throws -> [Person] {
        var out: [Person] = []
        let query: PostgresQuery = "SELECT id, name, email, role, manager_id, active, phone FROM people ORDER BY id"
        for try await (id, name, email, role, manager, active, phone) in try await connection.run(query, logger: logger)
            .decode((String, String, String?, String?, String?, Bool, String?).self) {
            out.append(Person(id: id, name: name, email: email, role: role, managerID: manager, active: active, phone: phone))
        }
        return out
    }

    static func casesSelect(_ detail: SnapshotDetail) -> String {
        let text = { (name: String) in detail == .full ? name : "''" }
        // For evaluation, client_email reads as empty when set: whether the client can be written to, not where.
        let email = detail == .full ? "client_email" : "CASE WHEN client_email IS NULL OR client_email = '' THEN NULL ELSE '' END"
        return "SELECT id, number, \(text("title")), \(text("client_name")), \(email), "
            + "status, practice_area, office, assignee_id, attorney_id, opened_at, closed_at, tags::text, stage, court FROM cases"
    }

    static func select(_ table: CaseRecordTable, _ detail: SnapshotDetail) -> String { table.select(detail) }

    static func decodeCase(_ row: PostgresRow, bad: inout [BadRow]) -> CaseSnapshot? {
        guard let (id, number, title, client, email, statusText, area, office, assignee, attorney, opened, closed, tagText, stage, court) =
            try? row.decode((String, String, String, String, String?, String, String?, String?, String?, String?, Date, Date?, String,
                             String?, String?).self, context: .default) else {
            bad.append(BadRow(table: "cases", id: (try? row.decode(String.self)) ?? "", caseID: "", problem: "a column cannot be read"))
            return nil
        }
        func skip(_ problem: String) -> CaseSnapshot? {
            bad.append(BadRow(table: "cases", id: id, caseID: id, problem: problem))
            return nil
        }
        guard let status = CaseSnapshot.Status(rawValue: statusText) else { return skip("unknown status") }
        var tags: [String] = []
        if tagText != "[]" {
            guard let parsed = JSONText.parseArray(tagText) else { return skip("tags is not a JSON list of strings") }
            tags = parsed
        }
        return CaseSnapshot(
            id: id, number: number, title: title, clientName: client, clientEmail: email, status: status,
            practiceArea: area, office: office, assigneeID: assignee, attorneyID: attorney, openedAt: Instant(opened),
            closedAt: closed.map(Instant.init), tags: tags, stage: stage, court: court)
    }

    static func add(_ row: PostgresRow, of table: CaseRecordTable, to c: inout CaseSnapshot, bad: inout [BadRow]) {
        func skip(_ id: String, _ problem: String) { bad.append(BadRow(table: table.name, id: id, caseID: c.id, problem: problem)) }
        do {
            switch table {
            case .communications:
                let (id, _, direction, channel, kind, occurred, responded, automated, body) =
                    try row.decode((String, String, String, String, String, Date, Date?, Bool, String?).self, context: .default)
                guard let d = Communication.Direction(rawValue: direction), let ch = Communication.Channel(rawValue: channel),
                      let k = Communication.Kind(rawValue: kind) else { return skip(id, "unknown direction, channel or kind") }
                c.communications.append(Communication(id: id, direction: d, channel: ch, kind: k, occurredAt: Instant(occurred),
                                                      respondedAt: responded.map(Instant.init), automated: automated, body: body))
            case .deadlines:
                let (id, _, title, kind, due, completed, location, attends) =
                    try row.decode((String, String, String, String, Date, Date?, String, Bool?).self, context: .default)
                guard let k = Deadline.Kind(rawValue: kind) else { return skip(id, "unknown kind") }
                c.deadlines.append(Deadline(id: id, title: title, kind: k, dueAt: Instant(due), completedAt: completed.map(Instant.init),
                                            location: location, clientAttends: attends))
            case .documentRequests:
                let (id, _, title, requested, received, shareable) =
                    try row.decode((String, String, String, Date, Date?, Bool).self, context: .default)
                c.documentRequests.append(DocumentRequest(id: id, title: title, requestedAt: Instant(requested),
                                                          receivedAt: received.map(Instant.init), shareable: shareable))
            case .appointments:
                let (id, _, title, starts, withClient, cancelled, location) =
                    try row.decode((String, String, String, Date, Bool, Bool, String).self, context: .default)
                c.appointments.append(Appointment(id: id, title: title, startsAt: Instant(starts), withClient: withClient,
                                                  cancelled: cancelled, location: location))
            case .events:
                let (id, _, kind, occurred, methodText) = try row.decode((String, String, String, Date, String?).self, context: .default)
                var method: TriggerEvent.ServiceMethod?
                if let m = methodText {
                    guard let v = TriggerEvent.ServiceMethod(rawValue: m) else { return skip(id, "unknown service_method") }
                    method = v
                }
                c.events.append(TriggerEvent(id: id, kind: kind, occurredAt: Instant(occurred), serviceMethod: method))
            case .contacts:
                let (id, _, name, email, phone, language, zone, preferredText, enabled) =
                    try row.decode((String, String, String, String?, String?, String?, String?, String, Bool).self, context: .default)
                guard let preferred = Contact.Medium(rawValue: preferredText) else { return skip(id, "unknown preferred_channel") }
                c.contacts.append(Contact(id: id, name: name, email: email, phone: phone, language: language, timeZone: zone,
                                          preferred: preferred, updatesEnabled: enabled))
            case .stageChanges:
                let (_, _, from, to, at) = try row.decode((String, String, String?, String, Date).self, context: .default)
                c.stageChanges.append(StageChange(from: from, to: to, at: Instant(at)))
            case .surveyResponses:
                let (id, _, contact, score, scaleMax, at, comment) =
                    try row.decode((String, String, String, Int, Int, Date, String?).self, context: .default)
                c.surveyResponses.append(SurveyResponse(id: id, contactID: contact, score: score, scaleMax: scaleMax, receivedAt: Instant(at),
                                                        comment: comment))
            case .staffTasks:
                let (id, _, contact, fire, reason, created, done) =
                    try row.decode((String, String, String?, String?, String, Date, Date?).self, context: .default)
                c.staffTasks.append(StaffTask(id: id, caseID: c.id, contactID: contact, fireID: fire, reason: reason,
                                              createdAt: Instant(created), doneAt: done.map(Instant.init)))
            }
        } catch {
            skip((try? row.decode(String.self)) ?? "", "a column cannot be read")
        }
    }
}
