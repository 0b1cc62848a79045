import GRDB
import TicklerCore

/// The mail reader's place on SQLite (migration v17-mail-folders); its emails go to `communications`.
extension SQLiteCaseStore: MailState {
    public func mailContacts() async throws -> [MailContact] {
        try await readTransaction { db in
            try Row.fetchAll(db, sql: """
                SELECT lower(trim(k.email)), k.id, k.case_id, c.number, c.status FROM contacts k JOIN cases c ON c.id = k.case_id
                WHERE k.email IS NOT NULL AND k.email LIKE '%@%' ORDER BY k.id
                """).compactMap { r in
                guard let email = r.text(0), let id = r.text(1), let caseID = r.text(2) else { return nil }
                return MailContact(email: email, row: .init(contactID: id, caseID: caseID, caseNumber: r.text(3) ?? "", open: r.text(4) != "closed"))
            }
        }
    }

    public func mailFolders(mailbox: String) async throws -> [MailFolderCursor] {
        try await readTransaction { db in
            try Row.fetchAll(db, sql: """
                SELECT folder, uid_validity, last_uid, read_at FROM tickler_mail_folders WHERE mailbox = ? ORDER BY folder
                """, arguments: [mailbox]).compactMap { r in
                guard let folder = r.text(0), let validity = r.int64(1), let last = r.int64(2) else { return nil }
                return MailFolderCursor(mailbox: mailbox, folder: folder, uidValidity: validity, lastUID: last, readAt: r.text(3).flatMap(RFC3339.parse))
            }
        }
    }

    public func recordMail(_ batch: MailBatch, cursor: MailFolderCursor, now: Instant) async throws -> MailWrite {
        try await write { db in
            var out = MailWrite(recorded: 0, answered: 0)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at) VALUES (?, ?, ?, 'email', 'other', ?)
                ON CONFLICT(id) DO NOTHING
                """)
            for e in batch.inbound {
                try insert.execute(arguments: [e.id, e.caseID, e.direction.rawValue, e.at.rfc3339])
                out.recorded += db.changesCount
            }
            // An answer: the inbound emails on its case it replies to (each `mail:<key>:…`), else every unanswered
            // inbound email of its contact received before it.
            let threaded = try db.cachedStatement(sql: """
                UPDATE communications SET responded_at = ?1
                WHERE id >= ?2 AND id < ?3 AND case_id = ?4 AND direction = 'inbound' AND responded_at IS NULL AND occurred_at <= ?1
                """)
            let byContact = try db.cachedStatement(sql: """
                UPDATE communications SET responded_at = ?1
                WHERE case_id = ?2 AND direction = 'inbound' AND channel = 'email' AND responded_at IS NULL AND occurred_at <= ?1
                  AND id LIKE 'mail:%' AND substr(id, 31) = ?3
                """)
            for a in batch.outbound {
                let e = a.email
                try insert.execute(arguments: [e.id, e.caseID, e.direction.rawValue, e.at.rfc3339])
                guard db.changesCount == 1 else { continue }
                out.recorded += 1
                var answered = 0
                for key in a.repliesTo {
                    try threaded.execute(arguments: [e.at.rfc3339, "mail:\(key):", "mail:\(key);", e.caseID])
                    answered += db.changesCount
                }
                if answered == 0 {
                    try byContact.execute(arguments: [e.at.rfc3339, e.caseID, e.contactID])
                    answered += db.changesCount
                }
                out.answered += answered
            }
            try db.execute(sql: """
                INSERT INTO tickler_mail_folders (mailbox, folder, uid_validity, last_uid, read_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(mailbox, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
                    read_at = excluded.read_at
                """, arguments: [cursor.mailbox, cursor.folder, cursor.uidValidity, cursor.lastUID, cursor.readAt?.rfc3339])
            return out
        }
    }
}
