import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// The mail reader's place on PostgreSQL (migration v7-mail-folders); its emails go to `communications`.
extension PostgresCaseStore: MailState {
    public func mailContacts() async throws -> [MailContact] {
        try await rows("""
            SELECT lower(trim(k.email)), k.id, k.case_id, c.number, c.status FROM contacts k JOIN cases c ON c.id = k.case_id
            WHERE k.email IS NOT NULL AND k.email LIKE '%@%' ORDER BY k.id
            """).compactMap { r in
            guard let (email, id, caseID, number, status) = try? r.decode((String, String, String, String?, String?).self) else { return nil }
            return MailContact(email: email, row: .init(contactID: id, caseID: caseID, caseNumber: number ?? "", open: status != "closed"))
        }
    }

    public func mailFolders(mailbox: String) async throws -> [MailFolderCursor] {
        try await rows("""
            SELECT folder, uid_validity, last_uid, read_at FROM tickler_mail_folders WHERE mailbox = \(mailbox) ORDER BY folder
            """).compactMap { r in
            guard let (folder, validity, last, read) = try? r.decode((String, Int64, Int64, Date?).self) else { return nil }
            return MailFolderCursor(mailbox: mailbox, folder: folder, uidValidity: validity, lastUID: last, readAt: read.map(Instant.init))
        }
    }

    public func recordMail(_ batch: MailBatch, cursor: MailFolderCursor, now: Instant) async throws -> MailWrite {
        try await transaction { c in
            var out = MailWrite(recorded: 0, answered: 0)
            if !batch.inbound.isEmpty {
                let ids = batch.inbound.map(\.id), cases = batch.inbound.map(\.caseID), ats = batch.inbound.map(\.at.date)
                out.recorded += try await c.run("""
                    INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at)
                    SELECT id, case_id, 'inbound', 'email', 'other', at FROM unnest(\(ids)::text[], \(cases)::text[], \(ats)::timestamptz[])
                        AS r(id, case_id, at)
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """, logger: Self.logger).collect().count
            }
            // An answer: the inbound emails on its case it replies to (each `mail:<key>:…`), else every unanswered
            // inbound email of its contact received before it.
            for a in batch.outbound {
                let e = a.email
                let inserted = try await c.run("""
                    INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at)
                    VALUES (\(e.id), \(e.caseID), 'outbound', 'email', 'other', \(e.at.date)) ON CONFLICT (id) DO NOTHING RETURNING id
                    """, logger: Self.logger).collect().count
                guard inserted == 1 else { continue }
                out.recorded += 1
                let lows = a.repliesTo.map { "mail:\($0):" }, highs = a.repliesTo.map { "mail:\($0);" }
                var answered = 0
                if !lows.isEmpty {
                    answered = try await c.run("""
                        UPDATE communications m SET responded_at = \(e.at.date)
                        FROM unnest(\(lows)::text[], \(highs)::text[]) AS r(low, high)
                        WHERE m.id >= r.low AND m.id < r.high AND m.case_id = \(e.caseID) AND m.direction = 'inbound'
                          AND m.responded_at IS NULL AND m.occurred_at <= \(e.at.date)
                        RETURNING m.id
                        """, logger: Self.logger).collect().count
                }
                if answered == 0 {
                    answered = try await c.run("""
                        UPDATE communications SET responded_at = \(e.at.date)
                        WHERE case_id = \(e.caseID) AND direction = 'inbound' AND channel = 'email' AND responded_at IS NULL
                          AND occurred_at <= \(e.at.date) AND id LIKE 'mail:%' AND substr(id, 31) = \(e.contactID)
                        RETURNING id
                        """, logger: Self.logger).collect().count
                }
                out.answered += answered
            }
            try await c.run("""
                INSERT INTO tickler_mail_folders (mailbox, folder, uid_validity, last_uid, read_at)
                VALUES (\(cursor.mailbox), \(cursor.folder), \(cursor.uidValidity), \(cursor.lastUID), \(cursor.readAt?.date))
                ON CONFLICT (mailbox, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
                    read_at = excluded.read_at
                """, logger: Self.logger)
            return out
        }
    }
}
