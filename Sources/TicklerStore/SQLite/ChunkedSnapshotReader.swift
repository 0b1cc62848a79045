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
    /// Start after this case (from the first when nil).
    var after: CaseKey?

    /// One chunk: the next `size` cases after `after`, and the key to go on from (nil when no case is left).
    func readOne() throws -> (EvaluationChunk, next: CaseKey?) {
        var result: (EvaluationChunk, next: CaseKey?) = (EvaluationChunk(position: 0), nil)
        try read(once: true) { chunk, next in result = (chunk, next) }
        return result
    }

    func read(_ body: (EvaluationChunk) throws -> Void) throws {
        try read(once: false) { chunk, _ in try body(chunk) }
    }

    private func read(once: Bool, _ body: (EvaluationChunk, CaseKey?) throws -> Void) throws {
        let decoder = RecordDecoder()
        let from = after.map { _ in " WHERE id > ?" } ?? ""
        let fromCase = after.map { _ in " WHERE case_id > ?" } ?? ""
        let cases = try Cursor(db, RecordDecoder.casesSelect(detail) + from + " ORDER BY id", caseColumn: 0, after: after,
                               remembers: true)
        let records = try CaseRecordTable.allCases.map { table in
            (table, try Cursor(db, table.select(detail) + fromCase + " ORDER BY case_id", caseColumn: 1, after: after))
        }
        let ledgerRows = ledger
            ? try Cursor(db, "SELECT case_id, policy, subject, anchor_at, stage, repeat FROM tickler_ledger" + fromCase
                         + " ORDER BY case_id", caseColumn: 0, after: after) : nil
        let holdRows = holds
            ? try Cursor(db, "SELECT case_id, policy, until_at, subject, anchor_at FROM tickler_holds WHERE ended_at IS NULL "
                         + (after == nil ? "" : "AND case_id > ? ") + "ORDER BY case_id", caseColumn: 0, after: after) : nil
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
            if once { return try body(chunk, last) }
            if !chunk.cases.isEmpty || !chunk.badRows.isEmpty { try body(chunk, last) }
        }
        if once { try body(EvaluationChunk(position: 0), nil) }
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

        /// `after`: the statement's one parameter, bound with the key's own storage class and bytes.
        init(_ db: Database, _ sql: String, caseColumn: Int32, after: CaseKey? = nil, remembers: Bool = false) throws {
            self.remembers = remembers
            statement = try db.makeStatement(sql: sql)
            s = statement.sqliteStatement
            connection = db.sqliteConnection!
            self.caseColumn = caseColumn
            if let after { after.bind(to: s, at: 1) }
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
struct CaseKey: Sendable, Equatable {
    var storage: Int32
    var bytes: [UInt8]

    init(storage: Int32, bytes: [UInt8]) {
        self.storage = storage
        self.bytes = bytes
    }

    /// Binds the key as parameter `index`, as the bytes and storage class it was read with (a text that is
    /// not valid UTF-8 stays the same bytes).
    func bind(to s: OpaquePointer, at index: Int32) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        bytes.withUnsafeBufferPointer { b in
            let p = UnsafeRawPointer(b.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
            switch storage {
            case 2: _ = sqlite3_bind_text(s, index, p.assumingMemoryBound(to: CChar.self), Int32(b.count), transient)
            case 3: _ = sqlite3_bind_blob(s, index, p, Int32(b.count), transient)
            default: _ = sqlite3_bind_null(s, index)
            }
        }
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
