import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// The consent ledger on PostgreSQL (see `ConsentLedger`).
extension PostgresCaseStore: ConsentLedger {
    public func consents(of contactIDs: [String]) async throws -> [ConsentRecord] {
        if contactIDs.isEmpty { return [] }
        return try await rows("""
            SELECT contact_id, channel, purpose, granted, source, at, wording FROM tickler_consents
            WHERE contact_id = ANY(\(contactIDs)) ORDER BY id
            """).compactMap { r in
            guard let (contact, channel, purpose, granted, source, at, wording) =
                try? r.decode((String, String, String, Bool, String, Date, String).self),
                let medium = Contact.Medium(rawValue: channel), let p = MessagePurpose(rawValue: purpose) else { return nil }
            return ConsentRecord(contactID: contact, medium: medium, purpose: p, granted: granted, source: source, at: Instant(at),
                                 wording: wording)
        }
    }

    public func record(consents entries: [ConsentRecord], now: Instant) async throws -> Int {
        try await transaction { c in try await PostgresConsents.insert(entries, connection: c, now: now) }
    }
}

/// The consent ledger's rows on PostgreSQL.
enum PostgresConsents {
    /// Adds `entries` in one statement inside the caller's transaction; returns how many were new.
    @discardableResult
    static func insert(_ entries: [ConsentRecord], connection: PostgresConnection, now: Instant) async throws -> Int {
        if entries.isEmpty { return 0 }
        let rows = try await connection.run("""
            INSERT INTO tickler_consents (contact_id, channel, purpose, granted, source, at, wording, recorded_at)
            SELECT u.contact_id, u.channel, u.purpose, u.granted, u.source, u.at, u.wording, \(now.date)
            FROM unnest(\(entries.map(\.contactID)), \(entries.map(\.medium.rawValue)), \(entries.map(\.purpose.rawValue)),
                        \(entries.map(\.granted)), \(entries.map(\.source)), \(entries.map(\.at.date)), \(entries.map(\.wording)))
                AS u(contact_id, channel, purpose, granted, source, at, wording)
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: PostgresCaseStore.logger).collect()
        return rows.count
    }
}
