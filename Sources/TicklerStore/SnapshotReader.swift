import GRDB
import GRDBSQLite
import TicklerCore

/// Reads the case tables into snapshots in one pass per table. It steps SQLite statements directly and
/// parses timestamps from the column bytes: this read is the floor under every `plan`, `simulate` and
/// full rescan, so it avoids a Swift value per column. A row that cannot be read is skipped and reported.
struct SnapshotReader {
    let db: Database
    let caseIDs: [String]?
    let detail: SnapshotDetail
    /// Whether to read the people table (the daemon keeps it between ticks until the feed says it changed).
    var people = true

    /// A text column in full snapshots, an empty constant in evaluation ones.
    private func detailColumn(_ name: String) -> String { detail == .full ? name : "''" }

    /// Communications read apart from their cases (on another connection), with each row's case id.
    struct DetachedCommunications {
        var rows: [(caseID: String, record: Communication)] = []
        var bad: [BadRow] = []
    }

    func communications() throws -> DetachedCommunications {
        var out = DetachedCommunications()
        let directions = ByteChoices<Communication.Direction>()
        let channels = ByteChoices<Communication.Channel>()
        let kinds = ByteChoices<Communication.Kind>()
        try each("SELECT id, case_id, direction, channel, kind, occurred_at, responded_at FROM communications",
                 filter: "case_id") { s in
            var row = Cells(s, table: "communications")
            let id = row.text(0) ?? "", caseID = row.text(1) ?? ""
            if let problem = row.problem { return out.bad.append(row.bad(problem)) }
            guard let direction = directions.match(s, 2), let channel = channels.match(s, 3), let kind = kinds.match(s, 4) else {
                return out.bad.append(row.bad("unknown direction, channel or kind"))
            }
            guard let occurred = instant(s, 5), let responded = optionalInstant(s, 6) else {
                return out.bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            out.rows.append((caseID, Communication(id: id, direction: direction, channel: channel, kind: kind,
                                                   occurredAt: occurred, respondedAt: responded.value)))
        }
        return out
    }

    /// Puts detached communications on their cases (rows of unknown cases are dropped, as in a joined read).
    static func attach(_ detached: DetachedCommunications, to snapshot: inout StoreSnapshot) {
        var index = [String: Int](minimumCapacity: snapshot.cases.count)
        for (i, c) in snapshot.cases.enumerated() { index[c.id] = i }
        for (caseID, record) in detached.rows {
            if let i = index[caseID] { snapshot.cases[i].communications.append(record) }
        }
        snapshot.badRows += detached.bad
    }

    func read(communications includeCommunications: Bool = true) throws -> StoreSnapshot {
        var bad: [BadRow] = []
        let statuses = ByteChoices<CaseSnapshot.Status>()
        let directions = ByteChoices<Communication.Direction>()
        let channels = ByteChoices<Communication.Channel>()
        let kinds = ByteChoices<Communication.Kind>()
        let deadlineKinds = ByteChoices<Deadline.Kind>()
        let people = self.people ? try readPeople(&bad) : []
        var cases: [CaseSnapshot] = []
        var index = CaseIndex(capacity: caseIDs?.count ?? 1024)
        try each("SELECT id, number, \(detailColumn("title")), \(detailColumn("client_name")), "
                 + "\(detail == .full ? "client_email" : "NULL"), status, practice_area, office, assignee_id, "
                 + "attorney_id, opened_at, closed_at, tags FROM cases", filter: "id", order: "id") { s in
            var row = Cells(s, table: "cases", caseColumn: 0)
            let id = row.text(0) ?? "", number = row.text(1) ?? "", title = row.text(2) ?? "", client = row.text(3) ?? ""
            let email = row.text(4), area = row.text(6), office = row.text(7), assignee = row.text(8), attorney = row.text(9)
            let tagText = row.text(12)
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let status = statuses.match(s, 5) else { return bad.append(row.bad("unknown status")) }
            guard let opened = instant(s, 10) else { return bad.append(row.bad("opened_at is not an RFC 3339 timestamp")) }
            var closed: Instant?
            if !isNull(s, 11) {
                guard let c = instant(s, 11) else { return bad.append(row.bad("closed_at is not an RFC 3339 timestamp")) }
                closed = c
            }
            var tags: [String] = []
            if let t = tagText, t != "[]" {
                guard let parsed = JSONText.parseArray(t) else { return bad.append(row.bad("tags is not a JSON list of strings")) }
                tags = parsed
            }
            index.insert(id)
            cases.append(CaseSnapshot(
                id: id, number: number, title: title, clientName: client, clientEmail: email, status: status,
                practiceArea: area, office: office, assigneeID: assignee, attorneyID: attorney, openedAt: opened,
                closedAt: closed, tags: tags))
        }
        if includeCommunications { try each("SELECT id, case_id, direction, channel, kind, occurred_at, responded_at FROM communications",
                 filter: "case_id") { s in
            guard let i = caseIndex(s, index) else { return }
            var row = Cells(s, table: "communications")
            let id = row.text(0) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let direction = directions.match(s, 2),
                  let channel = channels.match(s, 3),
                  let kind = kinds.match(s, 4) else {
                return bad.append(row.bad("unknown direction, channel or kind"))
            }
            guard let occurred = instant(s, 5), let responded = optionalInstant(s, 6) else {
                return bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            cases[i].communications.append(Communication(id: id, direction: direction, channel: channel, kind: kind,
                                                         occurredAt: occurred, respondedAt: responded.value))
        } }
        try each("SELECT id, case_id, \(detailColumn("title")), kind, due_at, completed_at FROM deadlines", filter: "case_id") { s in
            guard let i = caseIndex(s, index) else { return }
            var row = Cells(s, table: "deadlines")
            let id = row.text(0) ?? "", title = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let kind = deadlineKinds.match(s, 3) else { return bad.append(row.bad("unknown kind")) }
            guard let due = instant(s, 4), let completed = optionalInstant(s, 5) else {
                return bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            cases[i].deadlines.append(Deadline(id: id, title: title, kind: kind, dueAt: due, completedAt: completed.value))
        }
        try each("SELECT id, case_id, \(detailColumn("title")), requested_at, received_at FROM document_requests",
                 filter: "case_id") { s in
            guard let i = caseIndex(s, index) else { return }
            var row = Cells(s, table: "document_requests")
            let id = row.text(0) ?? "", title = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let requested = instant(s, 3), let received = optionalInstant(s, 4) else {
                return bad.append(row.bad("a timestamp is not RFC 3339"))
            }
            cases[i].documentRequests.append(DocumentRequest(id: id, title: title, requestedAt: requested,
                                                             receivedAt: received.value))
        }
        try each("SELECT id, case_id, \(detailColumn("title")), starts_at, with_client, cancelled FROM appointments",
                 filter: "case_id") { s in
            guard let i = caseIndex(s, index) else { return }
            var row = Cells(s, table: "appointments")
            let id = row.text(0) ?? "", title = row.text(2) ?? ""
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let starts = instant(s, 3) else { return bad.append(row.bad("starts_at is not RFC 3339")) }
            cases[i].appointments.append(Appointment(id: id, title: title, startsAt: starts,
                                                     withClient: sqlite3_column_int64(s, 4) != 0,
                                                     cancelled: sqlite3_column_int64(s, 5) != 0))
        }
        try each("SELECT id, case_id, kind, occurred_at, service_method FROM events", filter: "case_id") { s in
            guard let i = caseIndex(s, index) else { return }
            var row = Cells(s, table: "events")
            let id = row.text(0) ?? "", kind = row.text(2) ?? "", methodText = row.text(4)
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            guard let occurred = instant(s, 3) else { return bad.append(row.bad("occurred_at is not RFC 3339")) }
            var method: TriggerEvent.ServiceMethod?
            if let m = methodText {
                guard let v = TriggerEvent.ServiceMethod(rawValue: m) else { return bad.append(row.bad("unknown service_method")) }
                method = v
            }
            cases[i].events.append(TriggerEvent(id: id, kind: kind, occurredAt: occurred, serviceMethod: method))
        }
        return StoreSnapshot(people: people, cases: cases, badRows: bad)
    }

    private func readPeople(_ bad: inout [BadRow]) throws -> [Person] {
        var people: [Person] = []
        try each("SELECT id, name, email, role, manager_id, active FROM people", filter: nil, order: "id") { s in
            var row = Cells(s, table: "people", caseColumn: nil)
            let person = Person(id: row.text(0) ?? "", name: row.text(1) ?? "", email: row.text(2), role: row.text(3),
                                managerID: row.text(4), active: sqlite3_column_int64(s, 5) != 0)
            if let problem = row.problem { return bad.append(row.bad(problem)) }
            people.append(person)
        }
        return people
    }

    /// Steps `sql` (restricted to `caseIDs` on `filter`), calling `body` with the raw statement per row.
    private func each(_ sql: String, filter: String?, order: String? = nil, _ body: (OpaquePointer) throws -> Void) throws {
        var full = sql
        var args = StatementArguments()
        if let filter, let ids = caseIDs {
            let set = IDSet(ids)
            full += " WHERE " + set.sql(filter)
            args = [set.argument]
        }
        if let order { full += " ORDER BY \(order)" }
        let statement = try db.makeStatement(sql: full)
        try statement.setArguments(args)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            try body(s)
        }
    }

    private func caseIndex(_ s: OpaquePointer, _ index: CaseIndex) -> Int? {
        guard let p = sqlite3_column_text(s, 1) else { return nil }
        return index.position(of: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, 1))))
    }
}

@inline(__always) private func isNull(_ s: OpaquePointer, _ i: Int32) -> Bool { sqlite3_column_type(s, i) == SQLITE_NULL }

/// One row's columns. Text is read strictly: a column that is not valid UTF-8, or holds a NUL, reads as
/// nil and makes the row bad, so no repaired or truncated id or name ever reaches the evaluator.
private struct Cells {
    let s: OpaquePointer
    let table: String
    /// The column holding the case id (0 in `cases`, 1 in the tables of a case's records, none in `people`).
    let caseColumn: Int32?
    private(set) var problem: String?

    init(_ s: OpaquePointer, table: String, caseColumn: Int32? = 1) {
        self.s = s
        self.table = table
        self.caseColumn = caseColumn
    }

    @inline(__always) mutating func text(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(s, i) else { return nil }
        if let v = StoredText.decode(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i)))) { return v }
        if problem == nil { problem = "\(String(cString: sqlite3_column_name(s, i))) is not UTF-8 text without NUL" }
        return nil
    }

    /// The row as skipped: its id and its case's id as printable text (ids only, never client data).
    func bad(_ problem: String) -> BadRow {
        BadRow(table: table, id: printable(0), caseID: caseColumn.map(printable) ?? "", problem: problem)
    }

    private func printable(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(s, i) else { return "" }
        return StoredText.printable(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))))
    }
}

@inline(__always) private func instant(_ s: OpaquePointer, _ i: Int32) -> Instant? {
    guard let p = sqlite3_column_text(s, i) else { return nil }
    return RFC3339.parse(bytes: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))))
}

/// `.some(nil)` for NULL, `.some(t)` for a timestamp, nil for text that is not one.
private struct OptionalInstant { var value: Instant? }
@inline(__always) private func optionalInstant(_ s: OpaquePointer, _ i: Int32) -> OptionalInstant? {
    if isNull(s, i) { return OptionalInstant(value: nil) }
    return instant(s, i).map { OptionalInstant(value: $0) }
}

/// An enum's raw values as bytes, built once per read, so a column is matched without making a `String`.
private struct ByteChoices<E: CaseIterable & RawRepresentable> where E.RawValue == String {
    private let table: [([UInt8], E)] = E.allCases.map { (Array($0.rawValue.utf8), $0) }

    @inline(__always) func match(_ s: OpaquePointer, _ i: Int32) -> E? {
        guard let p = sqlite3_column_text(s, i) else { return nil }
        let bytes = UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i)))
        for (raw, value) in table where raw.count == bytes.count && raw.elementsEqual(bytes) { return value }
        return nil
    }
}
