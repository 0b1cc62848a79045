import GRDB
import TicklerCore

/// Upserts an import batch inside the caller's transaction.
struct ImportWriter {
    let db: Database
    let now: Instant

    func write(_ batch: ImportBatch) throws {
        let people = try db.cachedStatement(sql: """
            INSERT INTO people (id, name, email, role, manager_id, active, phone) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role,
                manager_id = excluded.manager_id, active = excluded.active, phone = excluded.phone
            """)
        for p in batch.people {
            let r = p.record
            try people.execute(arguments: [r.id, r.name, r.email, r.role, r.managerID, r.active, r.phone])
        }
        let cases = try db.cachedStatement(sql: """
            INSERT INTO cases (id, number, title, client_name, client_email, status, practice_area, office, assignee_id,
                attorney_id, opened_at, closed_at, tags, updated_at, stage, court) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET number = excluded.number, title = excluded.title,
                client_name = excluded.client_name, client_email = excluded.client_email, status = excluded.status,
                practice_area = excluded.practice_area, office = excluded.office, assignee_id = excluded.assignee_id,
                attorney_id = excluded.attorney_id, opened_at = excluded.opened_at, closed_at = excluded.closed_at,
                tags = excluded.tags, updated_at = excluded.updated_at, stage = excluded.stage,
                court = COALESCE(excluded.court, cases.court)
            """)
        for c in batch.cases {
            let r = c.record.fields
            try cases.execute(arguments: [
                r.id, r.number, r.title, r.clientName, r.clientEmail, r.status.rawValue, r.practiceArea, r.office,
                r.assigneeID, r.attorneyID, r.openedAt.rfc3339, r.closedAt?.rfc3339, JSONText.array(r.tags),
                (c.record.updatedAt ?? now).rfc3339, r.stage, r.court,
            ])
        }
        let comms = try db.cachedStatement(sql: """
            INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at, automated, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET case_id = excluded.case_id, direction = excluded.direction,
                channel = excluded.channel, kind = excluded.kind, occurred_at = excluded.occurred_at,
                responded_at = excluded.responded_at
            """)
        for m in batch.communications {
            let r = m.record
            // Whether Tickler wrote it and a client's words come only from a store copy; an update keeps them.
            try comms.execute(arguments: [r.id, m.caseID, r.direction.rawValue, r.channel.rawValue, r.kind.rawValue,
                                          r.occurredAt.rfc3339, r.respondedAt?.rfc3339, r.automated, r.body])
        }
        let deadlines = try db.cachedStatement(sql: """
            INSERT INTO deadlines (id, case_id, title, kind, due_at, completed_at, location, client_attends) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET case_id = excluded.case_id, title = excluded.title, kind = excluded.kind,
                due_at = excluded.due_at, completed_at = excluded.completed_at, location = excluded.location,
                client_attends = excluded.client_attends
            """)
        for d in batch.deadlines {
            let r = d.record
            try deadlines.execute(arguments: [r.id, d.caseID, r.title, r.kind.rawValue, r.dueAt.rfc3339, r.completedAt?.rfc3339, r.location,
                                              r.clientAttends])
        }
        let requests = try db.cachedStatement(sql: """
            INSERT INTO document_requests (id, case_id, title, requested_at, received_at, shareable) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET case_id = excluded.case_id, title = excluded.title,
                requested_at = excluded.requested_at, received_at = excluded.received_at, shareable = excluded.shareable
            """)
        for d in batch.documentRequests {
            let r = d.record
            try requests.execute(arguments: [r.id, d.caseID, r.title, r.requestedAt.rfc3339, r.receivedAt?.rfc3339, r.shareable])
        }
        let appointments = try db.cachedStatement(sql: """
            INSERT INTO appointments (id, case_id, title, starts_at, with_client, cancelled, location) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET case_id = excluded.case_id, title = excluded.title,
                starts_at = excluded.starts_at, with_client = excluded.with_client, cancelled = excluded.cancelled,
                location = excluded.location
            """)
        for a in batch.appointments {
            let r = a.record
            try appointments.execute(arguments: [r.id, a.caseID, r.title, r.startsAt.rfc3339, r.withClient, r.cancelled, r.location])
        }
        let events = try db.cachedStatement(sql: """
            INSERT INTO events (id, case_id, kind, occurred_at, service_method) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET case_id = excluded.case_id, kind = excluded.kind,
                occurred_at = excluded.occurred_at, service_method = excluded.service_method
            """)
        for e in batch.events {
            let r = e.record
            try events.execute(arguments: [r.id, e.caseID, r.kind, r.occurredAt.rfc3339, r.serviceMethod?.rawValue])
        }
        let contacts = try db.cachedStatement(sql: """
            INSERT INTO contacts (id, case_id, name, email, phone, language, time_zone, preferred_channel, updates_enabled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET case_id = excluded.case_id, name = excluded.name, email = excluded.email,
                phone = excluded.phone, language = excluded.language, time_zone = excluded.time_zone,
                preferred_channel = excluded.preferred_channel, updates_enabled = excluded.updates_enabled
            """)
        for k in batch.contacts {
            let r = k.record
            try contacts.execute(arguments: [r.id, k.caseID, r.name, r.email, r.phone, r.language, r.timeZone,
                                             r.preferred.rawValue, r.updatesEnabled])
        }
        try SQLiteConsents.insert(batch.consents.map(\.record), db: db, now: now)
        let stages = try db.cachedStatement(sql: """
            INSERT INTO stage_changes (case_id, from_stage, to_stage, changed_at) VALUES (?, ?, ?, ?)
            """)
        for c in batch.stageChanges {
            try stages.execute(arguments: [c.caseID, c.record.from, c.record.to, c.record.at.rfc3339])
        }
        for r in batch.surveyResponses { try SQLiteCaseStore.insert(r.record, caseID: r.caseID, db: db) }
    }
}
