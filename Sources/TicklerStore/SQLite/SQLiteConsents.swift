import GRDB
import TicklerCore

extension SQLiteCaseStore: ConsentLedger {
    public func consents(of contactIDs: [String]) async throws -> [ConsentRecord] {
        if contactIDs.isEmpty { return [] }
        return try await readTransaction { db in
            let set = IDSet(contactIDs)
            return try Row.fetchAll(db, sql: """
                SELECT contact_id, channel, purpose, granted, source, at, wording FROM tickler_consents
                WHERE \(set.sql("contact_id")) ORDER BY id
                """, arguments: [set.argument]).compactMap(SQLiteConsents.record)
        }
    }

    public func record(consents entries: [ConsentRecord], now: Instant) async throws -> Int {
        try await write { db in try SQLiteConsents.insert(entries, db: db, now: now) }
    }
}

/// The consent ledger's rows on SQLite.
enum SQLiteConsents {
    /// Adds `entries` inside the caller's transaction; returns how many were new.
    @discardableResult
    static func insert(_ entries: [ConsentRecord], db: Database, now: Instant) throws -> Int {
        if entries.isEmpty { return 0 }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO tickler_consents (contact_id, channel, purpose, granted, source, at, wording, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        var added = 0
        for e in entries {
            try statement.execute(arguments: [e.contactID, e.medium.rawValue, e.purpose.rawValue, e.granted, e.source,
                                              e.at.rfc3339, e.wording, now.rfc3339])
            added += db.changesCount
        }
        return added
    }

    /// A row of `tickler_consents`; nil for one outside the vocabulary (the table's checks keep them out).
    static func record(_ r: Row) -> ConsentRecord? {
        guard let contact = r.text(0), let medium = r.text(1).flatMap(Contact.Medium.init(rawValue:)),
              let purpose = r.text(2).flatMap(MessagePurpose.init(rawValue:)), let source = r.text(4),
              let at = r.text(5).flatMap(RFC3339.parse) else { return nil }
        return ConsentRecord(contactID: contact, medium: medium, purpose: purpose, granted: (r[3] as Int64?) == 1,
                             source: source, at: at, wording: r.text(6) ?? "")
    }
}
