import GRDB
import TicklerCore

extension SQLiteCaseStore: ClientDirectory {
    public func describe(failure: any Error) -> String { Self.describe(failure) }

    public func contacts(phone number: String) async throws -> [ContactOnCase] {
        try await readTransaction { db in
            try Row.fetchAll(db, sql: """
                SELECT k.id, k.case_id, k.name, k.email, k.phone, k.language, k.time_zone, k.preferred_channel,
                    k.updates_enabled, c.status, c.assignee_id, c.attorney_id
                FROM contacts k JOIN cases c ON c.id = k.case_id WHERE k.phone = ? ORDER BY k.case_id, k.id
                """, arguments: [number]).compactMap { r in
                guard let id = r.text(0), let caseID = r.text(1) else { return nil }
                let contact = Contact(id: id, name: r.text(2) ?? "", email: r.text(3), phone: r.text(4), language: r.text(5),
                                      timeZone: r.text(6), preferred: r.text(7).flatMap(Contact.Medium.init(rawValue:)) ?? .email,
                                      updatesEnabled: r.integer(8) != 0)
                return ContactOnCase(caseID: caseID, contact: contact, caseOpen: r.text(9) != "closed", assigneeID: r.text(10),
                                     attorneyID: r.text(11))
            }
        }
    }

    /// A survey's answer; a later answer to the same survey replaces the score and comment and is counted.
    static func insert(_ r: SurveyResponse, caseID: String, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO survey_responses (id, case_id, contact_id, score, scale_max, received_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET score = excluded.score, comment = excluded.comment, received_at = excluded.received_at,
                answers = answers + 1
            WHERE excluded.received_at > survey_responses.received_at
            """, arguments: [r.id, caseID, r.contactID, r.score, r.scaleMax, r.receivedAt.rfc3339, r.comment])
    }

    public func latestSurvey(contactIDs: [String], policies: [String], since: Instant) async throws -> SurveySent? {
        if contactIDs.isEmpty || policies.isEmpty { return nil }
        return try await readTransaction { db in
            let contacts = IDSet(contactIDs.map { Contact.recipientPrefix + $0 }), names = IDSet(policies)
            guard let r = try Row.fetchOne(db, sql: """
                SELECT d.recipient, l.case_id, d.source_id FROM tickler_deliveries d JOIN tickler_ledger l ON l.fire_id = d.source_id AND l.outcome = 'fired'
                WHERE d.channel = 'client' AND d.status = 'delivered' AND d.delivered_at >= ?
                  AND \(contacts.sql("d.recipient")) AND \(names.sql("l.policy"))
                ORDER BY d.delivered_at DESC, d.id DESC LIMIT 1
                """, arguments: [since.rfc3339, contacts.argument, names.argument]),
                  let recipient = r.text(0), let id = Contact.id(fromRecipient: recipient), let caseID = r.text(1),
                  let fire = r.text(2) else { return nil }
            return SurveySent(contactID: id, caseID: caseID, fireID: fire)
        }
    }

    public func apply(_ effects: InboundEffects, now: Instant) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO tickler_inbound_messages (id, route, received_at, applied_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """, arguments: [effects.messageID, effects.route, effects.receivedAt.rfc3339, now.rfc3339])
            guard db.changesCount == 1 else { return false }
            try SQLiteConsents.insert(effects.consents, db: db, now: now)
            for c in effects.communications {
                let m = c.record
                try db.execute(sql: """
                    INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                    """, arguments: [m.id, c.caseID, m.direction.rawValue, m.channel.rawValue, m.kind.rawValue, m.occurredAt.rfc3339,
                                     m.respondedAt?.rfc3339, effects.text])
            }
            for a in effects.callAnswers {
                try db.execute(sql: """
                    UPDATE communications SET responded_at = ?1
                    WHERE case_id = ?2 AND direction = 'inbound' AND channel = 'call' AND responded_at IS NULL AND occurred_at <= ?1
                      AND id LIKE 'call:%' AND substr(id, length(id) - length(?3)) = ':' || ?3
                    """, arguments: [a.at.rfc3339, a.caseID, a.contactID])
            }
            for f in effects.forwards {
                try db.execute(sql: """
                    INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at, payload)
                    VALUES ('reply', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, arguments: [f.id, f.recipient, f.channel, now.rfc3339, f.payload])
            }
            if let r = effects.surveyResponse { try Self.insert(r.record, caseID: r.caseID, db: db) }
            if let s = effects.carrierStatus { try Self.record(s, db: db, now: now) }
            return true
        }
    }

    /// Records a carrier's status on the text it names; an undelivered one reopens the message so the next
    /// medium the contact consented to (or a staff task) follows, and takes back the communication it was.
    /// A final status is never overwritten by an earlier one arriving late.
    private static func record(_ s: CarrierStatus, db: Database, now: Instant) throws {
        try db.execute(sql: """
            UPDATE tickler_deliveries SET carrier_status = ?
            WHERE provider_id = ? AND (carrier_status IS NULL OR carrier_status NOT IN ('delivered', 'undelivered', 'failed'))
            """, arguments: [s.status, s.messageSID])
        guard s.undelivered else { return }
        let reopened = try Row.fetchAll(db, sql: """
            UPDATE tickler_deliveries SET status = 'pending', next_attempt_at = ?, delivered_at = NULL, last_error = ?,
                refused_media = CASE WHEN refused_media IS NULL OR refused_media = '' THEN 'sms' ELSE refused_media || ',sms' END
            WHERE provider_id = ? AND status = 'delivered' AND medium = 'sms'
            RETURNING source_id, recipient
            """, arguments: [now.rfc3339, s.description, s.messageSID])
        for r in reopened {
            guard let fire = r.text(0), let contact = r.text(1).flatMap(Contact.id(fromRecipient:)) else { continue }
            try db.execute(sql: "DELETE FROM communications WHERE id = ? AND automated = 1",
                           arguments: [Communication.clientMessageID(fireID: fire, contactID: contact)])
        }
    }
}
