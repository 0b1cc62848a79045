import Foundation
import TicklerCore

extension NSNull: NSNullLike {}

/// Turns import files (the JSON interchange format, or CSV of the flat tables) into an `ImportBatch`,
/// listing every problem found rather than stopping at the first. A record with an id is kept even when
/// other fields are bad (with placeholders), so that its references and children are checked too; any
/// problem rejects the whole import, so placeholders are never written.
public enum ImportReader {
    public static let csvTables = ["people", "cases", "communications", "deadlines", "document_requests", "appointments",
                                   "events", "contacts", "consents"]

    /// Reads one file; `table` names the CSV table when the file name does not.
    public static func read(path: String, table: String? = nil) -> (ImportBatch, [ImportProblem]) {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            return (ImportBatch(), [ImportProblem(path: path, message: "cannot read the file")])
        }
        if path.lowercased().hasSuffix(".json") { return readJSON(data, file: path) }
        if path.lowercased().hasSuffix(".csv") {
            let stem = table ?? String(name.dropLast(4))
            guard csvTables.contains(stem) else {
                return (ImportBatch(), [ImportProblem(path: path, message: "cannot tell which table this CSV holds; name it "
                    + "after one (\(csvTables.joined(separator: ", "))).csv or pass --table")])
            }
            guard let text = String(data: data, encoding: .utf8) else {
                return (ImportBatch(), [ImportProblem(path: path, message: "is not UTF-8 text")])
            }
            return readCSV(text, table: stem, file: path)
        }
        return (ImportBatch(), [ImportProblem(path: path, message: "unknown format; expected a .json or .csv file")])
    }

    public static func readJSON(_ data: Data, file: String) -> (ImportBatch, [ImportProblem]) {
        var batch = ImportBatch()
        var problems: [ImportProblem] = []
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            return (batch, [ImportProblem(path: file, message: "is not valid JSON")])
        }
        guard let top = root as? [String: Any] else {
            return (batch, [ImportProblem(path: file, message: "must be a JSON object with \"people\" and/or \"cases\"")])
        }
        for key in top.keys.sorted() where key != "people" && key != "cases" {
            problems.append(ImportProblem(path: "\(file):\(key)", message: "unknown section"))
        }
        func list(_ key: String) -> [Any] {
            guard let v = top[key], !(v is NSNull) else { return [] }
            guard let a = v as? [Any] else {
                problems.append(ImportProblem(path: "\(file):\(key)", message: "must be a list"))
                return []
            }
            return a
        }
        for (i, item) in list("people").enumerated() {
            let path = "\(file):people[\(i)]"
            guard let obj = item as? [String: Any] else {
                problems.append(ImportProblem(path: path, message: "must be an object"))
                continue
            }
            let r = RecordReader(obj, path: path, csv: false)
            if let p = person(r) { batch.people.append(.init(source: path, record: p)) }
            problems += r.problems
        }
        for (i, item) in list("cases").enumerated() {
            let path = "\(file):cases[\(i)]"
            guard let obj = item as? [String: Any] else {
                problems.append(ImportProblem(path: path, message: "must be an object"))
                continue
            }
            let r = RecordReader(obj, path: path, csv: false)
            let c = caseRecord(r, nested: true)
            problems += r.problems
            guard let c else { continue }
            batch.cases.append(.init(source: path, record: c))
            func children(_ key: String, _ body: (RecordReader, String) -> Void) {
                guard let v = obj[key], !(v is NSNull) else { return }
                guard let a = v as? [Any] else {
                    problems.append(ImportProblem(path: "\(path).\(key)", message: "must be a list"))
                    return
                }
                for (j, child) in a.enumerated() {
                    let cp = "\(path).\(key)[\(j)]"
                    guard let co = child as? [String: Any] else {
                        problems.append(ImportProblem(path: cp, message: "must be an object"))
                        continue
                    }
                    let cr = RecordReader(co, path: cp, csv: false)
                    body(cr, cp)
                    problems += cr.problems
                }
            }
            let caseID = c.fields.id
            children("communications") { r, p in
                if let m = communication(r) { batch.communications.append(.init(source: p, caseID: caseID, record: m)) }
            }
            children("deadlines") { r, p in
                if let d = deadline(r) { batch.deadlines.append(.init(source: p, caseID: caseID, record: d)) }
            }
            children("document_requests") { r, p in
                if let d = documentRequest(r) { batch.documentRequests.append(.init(source: p, caseID: caseID, record: d)) }
            }
            children("appointments") { r, p in
                if let a = appointment(r) { batch.appointments.append(.init(source: p, caseID: caseID, record: a)) }
            }
            children("events") { r, p in
                if let e = event(r) { batch.events.append(.init(source: p, caseID: caseID, record: e)) }
            }
            children("contacts") { r, p in
                guard let k = contact(r, nested: true) else { return }
                batch.contacts.append(.init(source: p, caseID: caseID, record: k))
                guard let v = r.fields["consents"], !(v is NSNull) else { return }
                guard let list = v as? [Any] else { return r.problem("consents", "must be a list") }
                for (j, item) in list.enumerated() {
                    let cp = "\(p).consents[\(j)]"
                    guard let o = item as? [String: Any] else {
                        r.absorb([ImportProblem(path: cp, message: "must be an object")])
                        continue
                    }
                    let cr = RecordReader(o, path: cp, csv: false)
                    if let c = consent(cr, contactID: k.id) { batch.consents.append(.init(source: cp, record: c)) }
                    r.absorb(cr.problems)
                }
            }
        }
        return (batch, problems)
    }

    public static func readCSV(_ text: String, table: String, file: String) -> (ImportBatch, [ImportProblem]) {
        var batch = ImportBatch()
        var problems: [ImportProblem] = []
        let rows: [(line: Int, cells: [String])]
        switch CSVTable.parse(text) {
        case .success(let r): rows = r
        case .failure(let e): return (batch, [ImportProblem(path: "\(file):line \(e.line)", message: e.message)])
        }
        guard let header = rows.first else { return (batch, [ImportProblem(path: file, message: "is empty")]) }
        let columns = header.cells.map(\.trimmingWhitespace)
        for (i, c) in columns.enumerated() where columns[..<i].contains(c) {
            problems.append(ImportProblem(path: "\(file):line 1", message: "column '\(c)' appears twice"))
        }
        for row in rows.dropFirst() {
            let path = "\(file):line \(row.line)"
            guard row.cells.count == columns.count else {
                problems.append(ImportProblem(path: path, message: "has \(row.cells.count) cells; the header has \(columns.count)"))
                continue
            }
            var obj: [String: Any] = [:]
            for (c, v) in zip(columns, row.cells) { obj[c] = v }
            let r = RecordReader(obj, path: path, csv: true)
            let owner = ["people", "cases", "consents"].contains(table) ? nil : r.id("case_id")
            switch table {
            case "people": if let p = person(r) { batch.people.append(.init(source: path, record: p)) }
            case "cases": if let c = caseRecord(r, nested: false) { batch.cases.append(.init(source: path, record: c)) }
            case "communications":
                if let m = communication(r, extra: ["case_id"]), let owner {
                    batch.communications.append(.init(source: path, caseID: owner, record: m))
                }
            case "deadlines":
                if let d = deadline(r, extra: ["case_id"]), let owner {
                    batch.deadlines.append(.init(source: path, caseID: owner, record: d))
                }
            case "document_requests":
                if let d = documentRequest(r, extra: ["case_id"]), let owner {
                    batch.documentRequests.append(.init(source: path, caseID: owner, record: d))
                }
            case "events":
                if let e = event(r, extra: ["case_id"]), let owner {
                    batch.events.append(.init(source: path, caseID: owner, record: e))
                }
            case "contacts":
                if let k = contact(r, nested: false), let owner {
                    batch.contacts.append(.init(source: path, caseID: owner, record: k))
                }
            case "consents":
                if let contactID = r.id("contact_id"), let c = consent(r, contactID: contactID, extra: ["contact_id"]) {
                    batch.consents.append(.init(source: path, record: c))
                }
            default:
                if let a = appointment(r, extra: ["case_id"]), let owner {
                    batch.appointments.append(.init(source: path, caseID: owner, record: a))
                }
            }
            problems += r.problems
        }
        return (batch, problems)
    }

    static func person(_ r: RecordReader) -> Person? {
        r.rejectUnknown(allowed: ["id", "name", "email", "role", "manager_id", "active", "phone"])
        let id = r.id()
        let name = r.string("name", required: true)
        let email = r.email("email")
        let role = r.string("role")
        let manager = r.string("manager_id")
        let active = r.bool("active", default: true)
        let phone = r.string("phone")
        if let phone, !Contact.isE164(phone) { r.problem("phone", "is not an E.164 number (e.g. +14155550123)") }
        guard let id else { return nil }
        return Person(id: id, name: name ?? "", email: email, role: role, managerID: manager, active: active, phone: phone)
    }

    static func caseRecord(_ r: RecordReader, nested: Bool) -> ImportBatch.CaseRecord? {
        var allowed: Set<String> = ["id", "number", "title", "client_name", "client_email", "status", "practice_area",
                                    "office", "assignee_id", "attorney_id", "opened_at", "closed_at", "tags", "updated_at", "stage", "court"]
        if nested { allowed.formUnion(["communications", "deadlines", "document_requests", "appointments", "events", "contacts"]) }
        r.rejectUnknown(allowed: allowed)
        let id = r.id()
        let number = r.string("number", required: true)
        let title = r.string("title") ?? ""
        let clientName = r.string("client_name") ?? ""
        let clientEmail = r.email("client_email")
        let status = r.choice("status", CaseSnapshot.Status.self)
        let opened = r.instant("opened_at", required: true)
        let closed = r.instant("closed_at")
        let updated = r.instant("updated_at")
        let tags = r.strings("tags")
        let c = CaseSnapshot(
            id: id ?? "", number: number ?? "", title: title, clientName: clientName, clientEmail: clientEmail,
            status: status ?? .open, practiceArea: r.string("practice_area"), office: r.string("office"),
            assigneeID: r.string("assignee_id"), attorneyID: r.string("attorney_id"), openedAt: opened ?? Instant(seconds: 0),
            closedAt: closed, tags: tags, stage: r.string("stage"), court: r.string("court"))
        guard id != nil else { return nil }
        return ImportBatch.CaseRecord(fields: c, updatedAt: updated)
    }

    static func communication(_ r: RecordReader, extra: Set<String> = []) -> Communication? {
        r.rejectUnknown(allowed: Set<String>(["id", "direction", "channel", "kind", "occurred_at", "responded_at"]).union(extra))
        let id = r.id()
        let direction = r.choice("direction", Communication.Direction.self)
        let channel = r.choice("channel", Communication.Channel.self)
        let kind = r.choice("kind", Communication.Kind.self, default: .other)
        let occurred = r.instant("occurred_at", required: true)
        let responded = r.instant("responded_at")
        guard let id else { return nil }
        return Communication(id: id, direction: direction ?? .inbound, channel: channel ?? .call, kind: kind ?? .other,
                             occurredAt: occurred ?? Instant(seconds: 0),
                             respondedAt: responded)
    }

    static func deadline(_ r: RecordReader, extra: Set<String> = []) -> Deadline? {
        r.rejectUnknown(allowed: Set<String>(["id", "title", "kind", "due_at", "completed_at", "location", "client_attends"]).union(extra))
        let id = r.id()
        let title = r.string("title") ?? ""
        let kind = r.choice("kind", Deadline.Kind.self)
        let due = r.instant("due_at", required: true)
        let completed = r.instant("completed_at")
        let location = r.string("location") ?? ""
        let attends = r.optionalBool("client_attends")
        guard let id else { return nil }
        return Deadline(id: id, title: title, kind: kind ?? .internal, dueAt: due ?? Instant(seconds: 0), completedAt: completed,
                        location: location, clientAttends: attends)
    }

    static func documentRequest(_ r: RecordReader, extra: Set<String> = []) -> DocumentRequest? {
        r.rejectUnknown(allowed: Set<String>(["id", "title", "requested_at", "received_at", "shareable"]).union(extra))
        let id = r.id()
        let title = r.string("title") ?? ""
        let requested = r.instant("requested_at", required: true)
        let received = r.instant("received_at")
        let shareable = r.bool("shareable", default: false)
        guard let id else { return nil }
        return DocumentRequest(id: id, title: title, requestedAt: requested ?? Instant(seconds: 0), receivedAt: received,
                               shareable: shareable)
    }

    static func appointment(_ r: RecordReader, extra: Set<String> = []) -> Appointment? {
        r.rejectUnknown(allowed: Set<String>(["id", "title", "starts_at", "with_client", "cancelled", "location"]).union(extra))
        let id = r.id()
        let title = r.string("title") ?? ""
        let starts = r.instant("starts_at", required: true)
        let withClient = r.bool("with_client", default: false)
        let cancelled = r.bool("cancelled", default: false)
        let location = r.string("location") ?? ""
        guard let id else { return nil }
        return Appointment(id: id, title: title, startsAt: starts ?? Instant(seconds: 0), withClient: withClient, cancelled: cancelled,
                           location: location)
    }

    static func event(_ r: RecordReader, extra: Set<String> = []) -> TriggerEvent? {
        r.rejectUnknown(allowed: Set<String>(["id", "kind", "occurred_at", "service_method"]).union(extra))
        let id = r.id()
        let kind = r.string("kind", required: true)
        let occurred = r.instant("occurred_at", required: true)
        let method = r.choice("service_method", TriggerEvent.ServiceMethod.self, required: false)
        guard let id, let kind, let occurred else { return nil }
        return TriggerEvent(id: id, kind: kind, occurredAt: occurred, serviceMethod: method)
    }

    static func contact(_ r: RecordReader, nested: Bool) -> Contact? {
        var allowed: Set<String> = ["id", "name", "email", "phone", "language", "time_zone", "preferred_channel", "updates_enabled"]
        allowed.insert(nested ? "consents" : "case_id")
        r.rejectUnknown(allowed: allowed)
        let id = r.id()
        let name = r.string("name") ?? ""
        let email = r.email("email")
        let phone = r.string("phone")
        if let phone, !Contact.isE164(phone) { r.problem("phone", "is not an E.164 number (e.g. +14155550123)") }
        let zone = r.string("time_zone")
        if let zone, ZoneRules.named(zone) == nil { r.problem("time_zone", "is not an IANA time zone") }
        // Absent, the preference is email, or text for a contact with only a phone.
        let fallback: Contact.Medium = email == nil && phone != nil ? .sms : .email
        let preferred = r.choice("preferred_channel", Contact.Medium.self, default: fallback) ?? fallback
        if preferred == .sms && phone == nil { r.problem("preferred_channel", "is sms but the contact has no phone") }
        let enabled = r.bool("updates_enabled", default: true)
        guard let id else { return nil }
        return Contact(id: id, name: name, email: email, phone: phone, language: r.string("language"), timeZone: zone,
                       preferred: preferred, updatesEnabled: enabled)
    }

    /// A consent entry of contact `contactID`.
    static func consent(_ r: RecordReader, contactID: String, extra: Set<String> = []) -> ConsentRecord? {
        r.rejectUnknown(allowed: Set<String>(["channel", "purpose", "granted", "source", "at", "wording"]).union(extra))
        let medium = r.choice("channel", Contact.Medium.self)
        let purpose = r.choice("purpose", MessagePurpose.self)
        let granted = r.bool("granted", default: true)
        let source = r.string("source", required: true)
        let at = r.instant("at", required: true)
        let wording = r.string("wording") ?? ""
        guard let medium, let purpose, let source, let at else { return nil }
        return ConsentRecord(contactID: contactID, medium: medium, purpose: purpose, granted: granted, source: source, at: at,
                             wording: wording)
    }
}
