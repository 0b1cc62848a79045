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

    /// Communications read apart from their cases (on another connection), with each row's case id.
    struct DetachedCommunications {
        var rows: [(caseID: String, record: Communication)] = []
        var bad: [BadRow] = []
    }

    func communications() throws -> DetachedCommunications {
        var out = DetachedCommunications()
        let decoder = RecordDecoder()
        try each(CaseRecordTable.communications.select(detail), filter: "case_id") { s in
            guard let record = decoder.communication(s, bad: &out.bad), let p = sqlite3_column_text(s, 1) else { return }
            // The case id was checked by the decoder (it is the row's column 1).
            out.rows.append((StoredText.decode(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, 1)))) ?? "", record))
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
        let decoder = RecordDecoder()
        let people = self.people ? try readPeople(&bad) : []
        var cases: [CaseSnapshot] = []
        var index = CaseIndex(capacity: caseIDs?.count ?? 1024)
        try each(RecordDecoder.casesSelect(detail), filter: "id", order: "id") { s in
            guard let c = decoder.decodeCase(s, bad: &bad) else { return }
            index.insert(c.id)
            cases.append(c)
        }
        for table in CaseRecordTable.allCases where includeCommunications || table != .communications {
            try each(table.select(detail), filter: "case_id") { s in
                guard let i = caseIndex(s, index) else { return }
                decoder.add(s, of: table, to: &cases[i], bad: &bad)
            }
        }
        return StoreSnapshot(people: people, cases: cases, badRows: bad)
    }

    private func readPeople(_ bad: inout [BadRow]) throws -> [Person] {
        var people: [Person] = []
        try each("SELECT id, name, email, role, manager_id, active, phone FROM people", filter: nil, order: "id") { s in
            var row = Cells(s, table: "people", caseColumn: nil)
            let person = Person(id: row.text(0) ?? "", name: row.text(1) ?? "", email: row.text(2), role: row.text(3),
                                managerID: row.text(4), active: sqlite3_column_int64(s, 5) != 0, phone: row.text(6))
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
        try TicklerStore.each(statement, db, body)
    }

    private func caseIndex(_ s: OpaquePointer, _ index: CaseIndex) -> Int? {
        guard let p = sqlite3_column_text(s, 1) else { return nil }
        return index.position(of: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, 1))))
    }
}

