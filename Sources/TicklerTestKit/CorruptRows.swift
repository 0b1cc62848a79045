/// Rows a careless integration could write into the case tables: bytes that are not UTF-8, NULs inside
/// ids, values of the wrong type, huge texts, impossible or out-of-range dates. Each is unreadable for the
/// evaluator, so the store must skip it and report it, and nothing may stop the process.
public enum CorruptRows {
    public struct Row: Sendable {
        public var table: String
        /// The id as a bad-row report prints it (control characters as `?`).
        public var reportedID: String
        public var sql: String
    }

    /// Every row refers to case `c0` (or is a case or person of its own); none is readable.
    public static let corpus: [Row] = {
        var rows: [Row] = []
        func add(_ table: String, _ id: String, _ sql: String) { rows.append(Row(table: table, reportedID: id, sql: sql)) }
        let huge = "'[' || printf('%.*c', 2000000, 'x')"
        // cases: id, number, status, opened_at, updated_at and friends.
        func c(_ id: String, number: String = "'N'", status: String = "'open'", opened: String = "'2026-09-01T16:00:00Z'",
               extra: (String, String)? = nil) -> String {
            let cols = "id, number, status, opened_at, updated_at" + (extra.map { ", " + $0.0 } ?? "")
            let vals = "\(id), \(number), \(status), \(opened), 'x'" + (extra.map { ", " + $0.1 } ?? "")
            return "INSERT INTO cases (\(cols)) VALUES (\(vals))"
        }
        add("cases", "x-number-bytes", c("'x-number-bytes'", number: "X'4EE9'"))
        add("cases", "x-nul?", c("CAST(X'782D6E756C00' AS TEXT)"))
        add("cases", "x-id-bytes?", c("CAST(X'782D69642D6279746573FF' AS TEXT)"))
        add("cases", "x-status-int", c("'x-status-int'", status: "7"))
        add("cases", "x-status-word", c("'x-status-word'", status: "'dormant'"))
        add("cases", "x-year-99999", c("'x-year-99999'", opened: "'99999-01-01T00:00:00Z'"))
        add("cases", "x-month-13", c("'x-month-13'", opened: "'2026-13-40T25:61:61Z'"))
        add("cases", "x-feb-30", c("'x-feb-30'", opened: "'2026-02-30T10:00:00Z'"))
        add("cases", "x-opened-real", c("'x-opened-real'", opened: "1.5e300"))
        add("cases", "x-opened-blob", c("'x-opened-blob'", opened: "X'00FF'"))
        add("cases", "x-opened-huge", c("'x-opened-huge'", opened: huge))
        add("cases", "x-closed-word", c("'x-closed-word'", extra: ("closed_at", "'tomorrow'")))
        add("cases", "x-tags-numbers", c("'x-tags-numbers'", extra: ("tags", "'[1,2]'")))
        add("cases", "x-tags-huge", c("'x-tags-huge'", extra: ("tags", huge)))
        add("cases", "x-assignee-bytes", c("'x-assignee-bytes'", extra: ("assignee_id", "X'70FF'")))
        add("cases", "x-area-nul", c("'x-area-nul'", extra: ("practice_area", "CAST(X'706900' AS TEXT)")))
        // A case's records.
        let comm = "INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at) VALUES "
        add("communications", "m-id-bytes?", comm + "(CAST(X'6D2D69642D6279746573FF' AS TEXT), 'c0', 'inbound', 'call', 'other', '2026-09-02T10:00:00Z', NULL)")
        add("communications", "m-sideways", comm + "('m-sideways', 'c0', 'sideways', 'call', 'other', '2026-09-02T10:00:00Z', NULL)")
        add("communications", "m-kind-int", comm + "('m-kind-int', 'c0', 'inbound', 'call', 42, '2026-09-02T10:00:00Z', NULL)")
        add("communications", "m-empty-date", comm + "('m-empty-date', 'c0', 'inbound', 'call', 'other', '', NULL)")
        add("communications", "m-negative-year", comm + "('m-negative-year', 'c0', 'inbound', 'call', 'other', '-001-01-01T00:00:00Z', NULL)")
        add("communications", "m-responded-word", comm + "('m-responded-word', 'c0', 'inbound', 'email', 'other', '2026-09-02T10:00:00Z', 'yesterday')")
        add("communications", "m-nul?", comm + "(CAST(X'6D2D6E756C00' AS TEXT), 'c0', 'inbound', 'call', 'other', '2026-09-02T10:00:00Z', NULL)")
        let dl = "INSERT INTO deadlines (id, case_id, title, kind, due_at, completed_at) VALUES "
        add("deadlines", "d-celestial", dl + "('d-celestial', 'c0', 'T', 'celestial', '2026-12-01T00:00:00Z', NULL)")
        add("deadlines", "d-due-bytes", dl + "('d-due-bytes', 'c0', 'T', 'court', X'FFFE', NULL)")
        add("deadlines", "d-completed-int", dl + "('d-completed-int', 'c0', 'T', 'court', '2026-12-01T00:00:00Z', 12345)")
        add("deadlines", "d-due-offsetless", dl + "('d-due-offsetless', 'c0', 'T', 'court', '2026-12-01T00:00:00', NULL)")
        let dr = "INSERT INTO document_requests (id, case_id, title, requested_at, received_at) VALUES "
        add("document_requests", "r-soon", dr + "('r-soon', 'c0', 'T', 'soon', NULL)")
        add("document_requests", "r-received-bytes", dr + "('r-received-bytes', 'c0', 'T', '2026-09-02T10:00:00Z', X'80')")
        add("document_requests", "r-nul?", dr + "(CAST(X'722D6E756C00' AS TEXT), 'c0', 'T', '2026-09-02T10:00:00Z', NULL)")
        let ap = "INSERT INTO appointments (id, case_id, title, starts_at, with_client, cancelled) VALUES "
        add("appointments", "a-nines", ap + "('a-nines', 'c0', 'T', '9999-99-99T99:99:99Z', 1, 0)")
        add("appointments", "a-int-start", ap + "('a-int-start', 'c0', 'T', 1000000000000000000, 'yes', 'no')")
        add("appointments", "a-id-bytes?", ap + "(CAST(X'612D69642D6279746573FF' AS TEXT), 'c0', 'T', '2026-12-01T17:00:00Z', 0, 0)")
        let ev = "INSERT INTO events (id, case_id, kind, occurred_at, service_method) VALUES "
        add("events", "e-never", ev + "('e-never', 'c0', 'served', 'never', NULL)")
        add("events", "e-pigeon", ev + "('e-pigeon', 'c0', 'served', '2026-09-02T10:00:00Z', 'pigeon')")
        add("events", "e-kind-bytes", ev + "('e-kind-bytes', 'c0', X'FF', '2026-09-02T10:00:00Z', NULL)")
        let ct = "INSERT INTO contacts (id, case_id, name, email, phone, language, time_zone, preferred_channel, updates_enabled) VALUES "
        add("contacts", "k-pigeon", ct + "('k-pigeon', 'c0', 'N', NULL, NULL, NULL, NULL, 'pigeon', 1)")
        add("contacts", "k-language-bytes", ct + "('k-language-bytes', 'c0', 'N', NULL, NULL, X'656EFF', NULL, 'email', 1)")
        add("contacts", "k-nul?", ct + "(CAST(X'6B2D6E756C00' AS TEXT), 'c0', 'N', NULL, NULL, NULL, NULL, 'email', 1)")
        let sc = "INSERT INTO stage_changes (id, case_id, from_stage, to_stage, changed_at) VALUES "
        add("stage_changes", "9001", sc + "(9001, 'c0', 'intake', 'discovery', 'last week')")
        add("stage_changes", "9002", sc + "(9002, 'c0', 'intake', X'FF', '2026-09-02T10:00:00Z')")
        let sv = "INSERT INTO survey_responses (id, case_id, contact_id, score, scale_max, received_at) VALUES "
        add("survey_responses", "v-score-word", sv + "('v-score-word', 'c0', 'k1', 'great', 5, '2026-09-02T10:00:00Z')")
        add("survey_responses", "v-when", sv + "('v-when', 'c0', 'k1', 4, 5, 'later')")
        let pe = "INSERT INTO people (id, name, email, role, manager_id, active) VALUES "
        add("people", "p-id-bytes?", pe + "(CAST(X'702D69642D6279746573FF' AS TEXT), 'N', NULL, 'paralegal', NULL, 1)")
        add("people", "p-name-nul", pe + "('p-name-nul', CAST(X'4E00' AS TEXT), NULL, 'paralegal', NULL, 1)")
        return rows
    }()
}
