import GRDB

/// A set of ids passed to SQL as one argument (a JSON array read by `json_each`), so a query names any
/// number of cases without meeting SQLite's limit on bound variables.
struct IDSet {
    let ids: [String]

    init(_ ids: some Sequence<String>) { self.ids = Array(ids) }

    /// `column IN (…)`, true for the ids in the set.
    func sql(_ column: String) -> String { "\(column) IN (SELECT value FROM json_each(?))" }

    var argument: String { JSONText.array(ids) }

    /// `WHERE column IN (…)` and its argument; no condition when `ids` is nil (every row).
    static func whereClause(_ column: String, _ ids: [String]?) -> (String, StatementArguments) {
        guard let ids else { return ("", StatementArguments()) }
        let set = IDSet(ids)
        return ("WHERE " + set.sql(column), [set.argument])
    }
}
