import GRDBSQLite
import TicklerCore

@inline(__always) func isNull(_ s: OpaquePointer, _ i: Int32) -> Bool { sqlite3_column_type(s, i) == SQLITE_NULL }

/// One row's columns. Text is read strictly: a column that is not valid UTF-8, or holds a NUL, reads as
/// nil and makes the row bad, so no repaired or truncated id or name ever reaches the evaluator.
struct Cells {
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

@inline(__always) func instant(_ s: OpaquePointer, _ i: Int32) -> Instant? {
    guard let p = sqlite3_column_text(s, i) else { return nil }
    return RFC3339.parse(bytes: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))))
}

/// `.some(nil)` for NULL, `.some(t)` for a timestamp, nil for text that is not one.
struct OptionalInstant { var value: Instant? }
@inline(__always) func optionalInstant(_ s: OpaquePointer, _ i: Int32) -> OptionalInstant? {
    if isNull(s, i) { return OptionalInstant(value: nil) }
    return instant(s, i).map { OptionalInstant(value: $0) }
}

/// An enum's raw values as bytes, built once per read, so a column is matched without making a `String`.
struct ByteChoices<E: CaseIterable & RawRepresentable> where E.RawValue == String {
    private let table: [([UInt8], E)] = E.allCases.map { (Array($0.rawValue.utf8), $0) }

    @inline(__always) func match(_ s: OpaquePointer, _ i: Int32) -> E? {
        guard let p = sqlite3_column_text(s, i) else { return nil }
        let bytes = UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i)))
        for (raw, value) in table where raw.count == bytes.count && raw.elementsEqual(bytes) { return value }
        return nil
    }
}
