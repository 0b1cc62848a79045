import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// `tickler-inbound`'s reads and writes on PostgreSQL (see `ClientDirectory`). The communication's
/// insert goes on the change queue through the table's trigger, so an instance evaluates the case.
extension PostgresCaseStore: ClientDirectory {
    public func describe(failure: any Error) -> String { Self.describe(failure) }

    public func contacts(phone number: String) async throws -> [ContactOnCase] {
        try await rows("""
            SELECT k.id, k.case_id, k.name, k.email, k.phone, k.language, k.time_zone, k.preferred_channel, k.updates_enabled,
                c.status, c.assignee_id, c.attorney_id
            FROM contacts k JOIN cases c ON c.id = k.case_id WHERE k.phone = \(number) ORDER BY k.case_id, k.id
            """).compactMap { r in
            guard let (id, caseID, name, email, phone, language, zone, preferred, enabled, status, assignee, attorney) =
                try? r.decode((String, String, String, String?, String?, String?, String?, String, Bool, String, String?, String?).self)
            else { return nil }
            let contact = Contact(id: id, name: name, email: email, phone: phone, language: language, timeZone: zone,
                                  preferred: Contact.Medium(rawValue: preferred) ?? .email, updatesEnabled: enabled)
            return ContactOnCase(caseID: caseID, contact: contact, caseOpen: status != "closed", assigneeID: assignee, attorneyID: attorney)
        }
    }

    /// As on SQLite: a later answer to the same survey replaces the score and comment and is counted.
    static func insert(_ r: SurveyResponse, caseID: String, on c: PostgresConnection) async throws {
        try await c.run("""
            INSERT INTO survey_responses (id, case_id, contact_id, score, scale_max, received_at, comment)
            VALUES (\(r.id), \(caseID), \(r.contactID), \(r.score), \(r.scaleMax), \(r.receivedAt.date), \(r.comment))
            ON CONFLICT (id) DO UPDATE SET score = excluded.score, comment = excluded.comment, received_at = excluded.received_at,
                answers = survey_responses.answers + 1
            WHERE excluded.received_at > survey_responses.received_at
            """, logger: logger)
    }

    public func latestSurvey(contactIDs: [String], policies: [String], since: Instant) async throws -> SurveySent? {
        if contactIDs.isEmpty || policies.isEmpty { return nil }
        let rows = try await rows("""
            SELECT d.recipient, l.case_id, d.source_id FROM tickler_deliveries d JOIN tickler_ledger l ON l.fire_id = d.source_id
            WHERE d.channel = 'client' AND d.status = 'delivered' AND d.delivered_at >= \(since.date)
              AND d.recipient = ANY(\(contactIDs.map { Contact.recipientPrefix + $0 })) AND l.policy = ANY(\(policies))
            ORDER BY d.delivered_at DESC, d.id DESC LIMIT 1
            """)
        guard let (recipient, caseID, fire) = try rows.first?.decode((String, String, String).self),
              let id = Contact.id(fromRecipient: recipient) else { return nil }
        return SurveySent(contactID: id, caseID: caseID, fireID: fire)
    }

    public func apply(_ effects: InboundEffects, now: Instant) async throws -> Bool {
        try await transaction { c in
            // A second transaction with the same id waits here for the first, then finds it: written once.
            let new = try await c.run("""
                INSERT INTO tickler_inbound_messages (id, route, received_at, applied_at)
                VALUES (\(effects.messageID), \(effects.route), \(effects.receivedAt.date), \(now.date))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: Self.logger).collect()
            guard !new.isEmpty else { return false }
            try await PostgresConsents.insert(effects.consents, connection: c, now: now)
            for m in effects.communications {
                try await c.run("""
                    INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at, body)
                    VALUES (\(m.record.id), \(m.caseID), \(m.record.direction.rawValue), \(m.record.channel.rawValue),
                            \(m.record.kind.rawValue), \(m.record.occurredAt.date), \(m.record.respondedAt?.date), \(effects.text))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: Self.logger)
            }
            for a in effects.callAnswers {
                try await c.run("""
                    UPDATE communications SET responded_at = \(a.at.date)
                    WHERE case_id = \(a.caseID) AND direction = 'inbound' AND channel = 'call' AND responded_at IS NULL
                      AND occurred_at <= \(a.at.date) AND id LIKE 'call:%' AND right(id, length(\(a.contactID)) + 1) = ':' || \(a.contactID)
                    """, logger: Self.logger)
            }
            for f in effects.forwards {
                try await c.run("""
                    INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at, payload)
                    VALUES ('reply', \(f.id), \(f.recipient), \(f.channel), \(now.date), \(f.payload)) ON CONFLICT DO NOTHING
                    """, logger: Self.logger)
            }
            if let r = effects.surveyResponse { try await Self.insert(r.record, caseID: r.caseID, on: c) }
            if let s = effects.carrierStatus { try await Self.record(s, on: c, now: now) }
            return true
        }
    }

    /// As on SQLite: the status on its text; an undelivered text reopened for the next medium, its
    /// communication taken back; a final status never overwritten.
    private static func record(_ s: CarrierStatus, on c: PostgresConnection, now: Instant) async throws {
        try await c.run("""
            UPDATE tickler_deliveries SET carrier_status = \(s.status)
            WHERE provider_id = \(s.messageSID) AND (carrier_status IS NULL OR carrier_status NOT IN ('delivered', 'undelivered', 'failed'))
            """, logger: logger)
        guard s.undelivered else { return }
        let reopened = try await c.run("""
            UPDATE tickler_deliveries SET status = 'pending', next_attempt_at = \(now.date), delivered_at = NULL, last_error = \(s.description),
                refused_media = CASE WHEN refused_media IS NULL OR refused_media = '' THEN 'sms' ELSE refused_media || ',sms' END
            WHERE provider_id = \(s.messageSID) AND status = 'delivered' AND medium = 'sms'
            RETURNING source_id, recipient
            """, logger: logger).collect()
        for r in reopened {
            guard let (fire, recipient) = try? r.decode((String, String).self), let contact = Contact.id(fromRecipient: recipient) else { continue }
            try await c.run("""
                DELETE FROM communications WHERE id = \(Communication.clientMessageID(fireID: fire, contactID: contact)) AND automated
                """, logger: logger)
        }
    }
}
