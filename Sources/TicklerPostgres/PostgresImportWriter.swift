import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// Upserts an import batch inside the caller's transaction: each table's records are streamed with COPY
/// into a temporary table, then merged into the case table in one statement (`ON CONFLICT (id) DO
/// UPDATE`), so a file of a million records costs a few statements, not a million round trips.
struct PostgresImportWriter {
    let connection: PostgresConnection
    let now: Instant

    /// A table's columns, in COPY order; the first is its key.
    private struct Target {
        var table: String
        var columns: [String]
        var rows: [[String?]]
        /// The last columns, written by an insert and kept by an update (a store copy's, never an import's).
        var insertOnly = 0
    }

    func write(_ batch: ImportBatch) async throws {
        let targets = [
            Target(table: "people", columns: ["id", "name", "email", "role", "manager_id", "active", "phone"],
                   rows: batch.people.map { p in
                       let r = p.record
                       return [r.id, r.name, r.email, r.role, r.managerID, r.active ? "t" : "f", r.phone]
                   }),
            Target(table: "cases", columns: ["id", "number", "title", "client_name", "client_email", "status", "practice_area",
                                             "office", "assignee_id", "attorney_id", "opened_at", "closed_at", "tags", "updated_at",
                                             "stage", "court"],
                   rows: batch.cases.map { c in
                       let r = c.record.fields
                       return [r.id, r.number, r.title, r.clientName, r.clientEmail, r.status.rawValue, r.practiceArea, r.office,
                               r.assigneeID, r.attorneyID, r.openedAt.rfc3339, r.closedAt?.rfc3339, JSONText.array(r.tags),
                               (c.record.updatedAt ?? now).rfc3339, r.stage, r.court]
                   }),
            Target(table: "communications", columns: ["id", "case_id", "direction", "channel", "kind", "occurred_at", "responded_at",
                                                      "automated", "body"],
                   rows: batch.communications.map { m in
                       let r = m.record
                       return [r.id, m.caseID, r.direction.rawValue, r.channel.rawValue, r.kind.rawValue, r.occurredAt.rfc3339,
                               r.respondedAt?.rfc3339, r.automated ? "t" : "f", r.body]
                   }, insertOnly: 2),
            Target(table: "deadlines", columns: ["id", "case_id", "title", "kind", "due_at", "completed_at", "location", "client_attends"],
                   rows: batch.deadlines.map { d in
                       let r = d.record
                       return [r.id, d.caseID, r.title, r.kind.rawValue, r.dueAt.rfc3339, r.completedAt?.rfc3339, r.location,
                               r.clientAttends.map { $0 ? "t" : "f" }]
                   }),
            Target(table: "document_requests", columns: ["id", "case_id", "title", "requested_at", "received_at", "shareable"],
                   rows: batch.documentRequests.map { d in
                       let r = d.record
                       return [r.id, d.caseID, r.title, r.requestedAt.rfc3339, r.receivedAt?.rfc3339, r.shareable ? "t" : "f"]
                   }),
            Target(table: "appointments", columns: ["id", "case_id", "title", "starts_at", "with_client", "cancelled", "location"],
                   rows: batch.appointments.map { a in
                       let r = a.record
                       return [r.id, a.caseID, r.title, r.startsAt.rfc3339, r.withClient ? "t" : "f", r.cancelled ? "t" : "f", r.location]
                   }),
            Target(table: "events", columns: ["id", "case_id", "kind", "occurred_at", "service_method"],
                   rows: batch.events.map { e in
                       let r = e.record
                       return [r.id, e.caseID, r.kind, r.occurredAt.rfc3339, r.serviceMethod?.rawValue]
                   }),
            Target(table: "contacts", columns: ["id", "case_id", "name", "email", "phone", "language", "time_zone",
                                                "preferred_channel", "updates_enabled"],
                   rows: batch.contacts.map { k in
                       let r = k.record
                       return [r.id, k.caseID, r.name, r.email, r.phone, r.language, r.timeZone, r.preferred.rawValue,
                               r.updatesEnabled ? "t" : "f"]
                   }),
        ]
        for t in targets where !t.rows.isEmpty { try await upsert(t) }
        try await PostgresConsents.insert(batch.consents.map(\.record), connection: connection, now: now)
        if !batch.stageChanges.isEmpty {
            let c = batch.stageChanges
            try await connection.run("""
                INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at)
                SELECT u.case_id, NULLIF(u.from_stage, ''), u.to_stage, u.changed_at
                FROM unnest(\(c.map(\.caseID)), \(c.map { $0.record.from ?? "" }), \(c.map(\.record.to)), \(c.map(\.record.at.date)))
                    AS u(case_id, from_stage, to_stage, changed_at)
                """, logger: PostgresCaseStore.logger)
        }
        for r in batch.surveyResponses { try await PostgresCaseStore.insert(r.record, caseID: r.caseID, on: connection) }
    }

    private func upsert(_ t: Target) async throws {
        let logger = PostgresCaseStore.logger
        let staging = "tickler_import_\(t.table)"
        try await connection.run(PostgresQuery(unsafeSQL: """
            CREATE TEMPORARY TABLE IF NOT EXISTS \(staging) (LIKE \(t.table) INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
            """), logger: logger)
        // One record per id: a file that names an id twice keeps its last record, as row-by-row upserts would.
        var seen = Set<String>()
        var rows: [[String?]] = []
        for row in t.rows.reversed() where seen.insert(row[0] ?? "").inserted { rows.append(row) }
        rows.reverse()
        try await connection.copyFrom(table: staging, columns: t.columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(1 << 16)
            for row in rows {
                for (i, cell) in row.enumerated() {
                    if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                    Self.writeCopyText(cell, to: &buffer)
                }
                buffer.writeInteger(UInt8(ascii: "\n"))
                if buffer.readableBytes >= 1 << 16 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        let columns = t.columns.joined(separator: ", ")
        // A case's court is kept when a later write (a sync that knows none) gives none.
        let updates = t.columns.dropFirst().dropLast(t.insertOnly).map {
            t.table == "cases" && $0 == "court" ? "court = COALESCE(excluded.court, \(t.table).court)" : "\($0) = excluded.\($0)"
        }.joined(separator: ", ")
        try await connection.run(PostgresQuery(unsafeSQL: """
            INSERT INTO \(t.table) (\(columns)) SELECT \(columns) FROM \(staging) ORDER BY id
            ON CONFLICT (id) DO UPDATE SET \(updates)
            """), logger: logger)
    }

    /// A cell in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage return escaped.
    static func writeCopyText(_ cell: String?, to buffer: inout ByteBuffer) {
        guard let cell else {
            buffer.writeStaticString("\\N")
            return
        }
        for b in cell.utf8 {
            switch b {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(b)
            }
        }
    }
}

extension PostgresCaseStore {
    /// Writes a copied store in one transaction: `batch` as an import, the ledger entries and holds as they
    /// were recorded (a key or hold already here is left as it is). The import's triggers queue every case.
    func copy(_ batch: ImportBatch, ledger: [LedgerEntry], holds: [HoldRecord], staffTasks: [StaffTask] = [],
              closures: [String: [CourtClosure]] = [:], now: Instant) async throws {
        try await transaction { c in
            try await PostgresImportWriter(connection: c, now: now).write(batch)
            for (court, days) in closures {
                for d in days {
                    let day = d.date.iso8601
                    try await c.run("""
                        INSERT INTO tickler_court_closures (court, day, reason, source, recorded_at)
                        VALUES (\(court), \(day)::date, \(d.reason), \(d.source), \(now.date)) ON CONFLICT (court, day) DO NOTHING
                        """, logger: Self.logger)
                }
            }
            for t in staffTasks {
                try await c.run("""
                    INSERT INTO tickler_staff_tasks (id, case_id, contact_id, fire_id, reason, created_at, done_at, done_by, done_reason)
                    VALUES (\(t.id), \(t.caseID), \(t.contactID), \(t.fireID), \(t.reason), \(t.createdAt.date), \(t.doneAt?.date), \(t.doneBy),
                            \(t.doneReason))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: Self.logger)
            }
            for part in stride(from: 0, to: ledger.count, by: 5000).map({ Array(ledger[$0..<min($0 + 5000, ledger.count)]) }) {
                try await c.run("""
                    INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action, due_at,
                        fired_at, deliver_at, recipients, explanation, recorded_at, recorded_by, journaled)
                    SELECT u.fire_id, u.policy, u.subject, u.anchor_at, u.stage, u.repeat, u.case_id, u.outcome, NULLIF(u.action, ''),
                        u.due_at, u.fired_at, CASE WHEN u.outcome = 'fired' THEN u.deliver_at END, u.recipients::jsonb,
                        NULLIF(u.explanation, ''), \(now.date), 'migrate-store', true
                    FROM unnest(\(part.map(\.fireID)), \(part.map(\.key.cycle.policy)), \(part.map(\.key.cycle.subject.description)),
                                \(part.map(\.key.cycle.anchor.date)), \(part.map(\.key.step.stage)), \(part.map(\.key.step.repeatNumber)),
                                \(part.map(\.caseID)), \(part.map(\.outcome.rawValue)), \(part.map { $0.action?.rawValue ?? "" }),
                                \(part.map(\.due.date)), \(part.map(\.firedAt.date)), \(part.map { ($0.deliverAt ?? $0.firedAt).date }),
                                \(part.map { JSONText.array($0.recipients) }), \(part.map { $0.explanation ?? "" }))
                        AS u(fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action, due_at, fired_at, deliver_at,
                             recipients, explanation)
                    ON CONFLICT DO NOTHING
                    """, logger: Self.logger)
            }
            for h in holds {
                try await c.run("""
                    INSERT INTO tickler_holds (kind, case_id, policy, subject, fire_id, until_at, reason, created_by, created_at, ended_at,
                        anchor_at)
                    SELECT \(h.kind.rawValue), \(h.caseID), \(h.policy), \(h.subject), \(h.fireID), \(h.until.date), \(h.reason),
                        \(h.createdBy), \(h.createdAt.date), \(h.endedAt?.date),
                        (SELECT anchor_at FROM tickler_ledger WHERE fire_id = \(h.fireID))
                    """, logger: Self.logger)
            }
        }
    }
}
