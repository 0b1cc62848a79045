import Foundation
import GRDB
import GRDBSQLite
import TicklerCore

/// Streams every case in id order, `size` cases at a time, each chunk with all its records, ledger facts
/// and holds, in one read transaction: one statement per table, each ordered by case id (the `case_id`
/// indexes give that order), stepped in step with the cases — a merge join. Memory holds one chunk, whatever
/// the size of the firm, and every table is read once.
struct ChunkedSnapshotReader {
    let db: Database
    let detail: SnapshotDetail
    let size: Int
    let ledger: Bool
    let holds: Bool

    func read(_ body: (EvaluationChunk) throws -> Void) throws {
        let decoder = RecordDecoder()
        let cases = try Cursor(db, RecordDecoder.casesSelect(detail) + " ORDER BY id", caseColumn: 0, remembers: true)
        let records = try CaseRecordTable.allCases.map { table in
            (table, try Cursor(db, table.select(detail) + " ORDER BY case_id", caseColumn: 1))
        }
        let ledgerRows = ledger
            ? try Cursor(db, "SELECT case_id, policy, subject, anchor_at, stage, repeat FROM tickler_ledger ORDER BY case_id",
                         caseColumn: 0) : nil
        let holdRows = holds
            ? try Cursor(db, "SELECT case_id, policy, until_at, subject, anchor_at FROM tickler_holds WHERE ended_at IS NULL "
                         + "ORDER BY case_id", caseColumn: 0) : nil
        var position = 0
        while cases.hasRow {
            var chunk = EvaluationChunk(position: position)
            var index = CaseIndex(capacity: size)
            // The chunk's cases; the last one read bounds what the other tables give this chunk.
            while cases.hasRow && chunk.cases.count < size {
                if let c = decoder.decodeCase(cases.s, bad: &chunk.badRows) {
                    index.insert(c.id)
                    chunk.cases.append(c)
                }
                try cases.step()
            }
            let last = cases.hasRow ? cases.previousKey : nil  // nil: this chunk takes every row left
            for (table, cursor) in records {
                try cursor.take(through: last) { s in
                    guard let i = cursor.position(in: index) else { return }  // a row of no readable case
                    decoder.add(s, of: table, to: &chunk.cases[i], bad: &chunk.badRows)
                }
            }
            if let ledgerRows {
                try ledgerRows.take(through: last) { s in
                    guard ledgerRows.position(in: index) != nil, let fact = LedgerFactRow(s) else { return }
                    chunk.ledger.record(fact.cycle, fact.step)
                }
            }
            if let holdRows {
                try holdRows.take(through: last) { s in
                    guard holdRows.position(in: index) != nil, let hold = HoldRow.snooze(s) else { return }
                    chunk.holds[hold.caseID, default: []].append(hold)
                }
            }
            position += chunk.cases.count
            if !chunk.cases.isEmpty || !chunk.badRows.isEmpty { try body(chunk) }
        }
        // Rows of cases after the last one (or of none) are no case's: nothing to join them to.
    }

    /// A statement stepped one row at a time, ordered by its case-id column, that remembers the key (SQLite's
    /// order: storage class, then bytes) of the row it last stepped past.
    final class Cursor {
        let statement: Statement
        let s: OpaquePointer
        let caseColumn: Int32
        private let connection: OpaquePointer
        private(set) var hasRow = false
        /// Whether to remember the key of each row stepped past (the cases cursor bounds the chunks).
        private let remembers: Bool
        /// The case key of the row before the current one (when `remembers`).
        private(set) var previousKey = CaseKey(storage: 0, bytes: [])

        init(_ db: Database, _ sql: String, caseColumn: Int32, remembers: Bool = false) throws {
            self.remembers = remembers
            statement = try db.makeStatement(sql: sql)
            s = statement.sqliteStatement
            connection = db.sqliteConnection!
            self.caseColumn = caseColumn
            try step(keeping: false)
        }

        deinit { sqlite3_reset(s) }

        func step() throws { try step(keeping: true) }

        private func step(keeping: Bool) throws {
            if remembers && keeping && hasRow { previousKey.set(s, caseColumn) }
            let rc = sqlite3_step(s)
            if rc == SQLITE_ROW { return hasRow = true }
            hasRow = false
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)))
            }
        }

        /// Gives `body` each row whose case key is at most `last` (every row left when nil), stepping past it.
        func take(through last: CaseKey?, _ body: (OpaquePointer) throws -> Void) throws {
            while hasRow {
                if let last, CaseKey.compare(s, caseColumn, last) > 0 { return }
                try body(s)
                try step()
            }
        }

        /// The position of the current row's case in the chunk.
        func position(in index: CaseIndex) -> Int? {
            guard let p = sqlite3_column_text(s, caseColumn) else { return nil }
            return index.position(of: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, caseColumn))))
        }
    }
}

/// A case id as SQLite orders a TEXT-affinity column: NULL, then text, then blobs, each by its bytes.
struct CaseKey {
    var storage: Int32
    var bytes: [UInt8]

    init(storage: Int32, bytes: [UInt8]) {
        self.storage = storage
        self.bytes = bytes
    }

    /// Takes the key of the current row, reusing this key's storage.
    mutating func set(_ s: OpaquePointer, _ column: Int32) {
        storage = Self.storage(s, column)
        bytes.removeAll(keepingCapacity: true)
        let n = Int(sqlite3_column_bytes(s, column))
        if let p = sqlite3_column_blob(s, column) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: n))
        }
    }

    private static func storage(_ s: OpaquePointer, _ column: Int32) -> Int32 {
        switch sqlite3_column_type(s, column) {
        case SQLITE_NULL: 0
        case SQLITE_INTEGER, SQLITE_FLOAT: 1
        case SQLITE_TEXT: 2
        default: 3
        }
    }

    /// The current row's case key against `key`: negative, zero or positive.
    static func compare(_ s: OpaquePointer, _ column: Int32, _ key: CaseKey) -> Int {
        let storage = Self.storage(s, column)
        if storage != key.storage { return storage < key.storage ? -1 : 1 }
        let n = Int(sqlite3_column_bytes(s, column))
        guard let p = sqlite3_column_blob(s, column) else { return key.bytes.isEmpty ? 0 : -1 }
        return key.bytes.withUnsafeBufferPointer { k in
            guard let base = k.baseAddress else { return n == 0 ? 0 : 1 }
            let c = memcmp(p, base, min(n, k.count))
            if c != 0 { return Int(c) }
            return n == k.count ? 0 : (n < k.count ? -1 : 1)
        }
    }
}
