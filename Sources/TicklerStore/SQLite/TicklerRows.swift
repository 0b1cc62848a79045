import GRDB
import GRDBSQLite
import TicklerCore

/// A ledger row as a fact for the evaluator (`case_id, policy, subject, anchor_at, stage, repeat`), read
/// from the raw statement; nil for a row that cannot be read back.
struct LedgerFactRow {
    var cycle: CycleKey
    var step: StepIndex

    init?(_ s: OpaquePointer) {
        guard let policy = text(s, 1), let subject = text(s, 2).flatMap(SubjectRef.init(parsing:)), let anchor = instant(s, 3),
              sqlite3_column_type(s, 4) == SQLITE_INTEGER, sqlite3_column_type(s, 5) == SQLITE_INTEGER
        else { return nil }
        cycle = CycleKey(policy: policy, subject: subject, anchor: anchor)
        step = StepIndex(stage: Int(sqlite3_column_int64(s, 4)), repeat: Int(sqlite3_column_int64(s, 5)))
    }
}

/// A hold in force (`case_id, policy, until_at, subject, anchor_at`) from the raw statement; nil for a row
/// that cannot be read back.
struct HoldRow {
    static func snooze(_ s: OpaquePointer) -> Snooze? {
        guard let caseID = text(s, 0), let until = instant(s, 2) else { return nil }
        let policy = text(s, 1)
        var cycle: CycleKey?
        if let policy, let subject = text(s, 3).flatMap(SubjectRef.init(parsing:)), let anchor = instant(s, 4) {
            cycle = CycleKey(policy: policy, subject: subject, anchor: anchor)
        }
        return Snooze(caseID: caseID, policy: policy, cycle: cycle, until: until)
    }
}

/// A text column that is UTF-8 without NUL, else nil.
@inline(__always) private func text(_ s: OpaquePointer, _ i: Int32) -> String? {
    guard let p = sqlite3_column_text(s, i) else { return nil }
    return StoredText.decode(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))))
}

/// Steps a prepared statement to its end, calling `body` with the raw statement per row.
func each(_ statement: Statement, _ db: Database, _ body: (OpaquePointer) throws -> Void) throws {
    let s = statement.sqliteStatement
    defer { sqlite3_reset(s) }
    while true {
        let rc = sqlite3_step(s)
        if rc == SQLITE_DONE { return }
        guard rc == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        try body(s)
    }
}
