import GRDB
import TicklerCore

/// What `tickler-inbound` needs of the store: who a number belongs to, and a place to put what they
/// wrote. It writes case tables only (an inbound communication) and the consent ledger.
public protocol ClientDirectory: ConsentLedger {
    /// Every contact with phone `number` (E.164), with its case and whether that case is open (not closed).
    func contacts(phone number: String) async throws -> [ContactOnCase]
    /// Records `m` (an inbound text) on `caseID`; an id already there is left as it is (the gateway retried).
    func recordInbound(_ m: Communication, caseID: String) async throws
}

/// A contact and the case it belongs to.
public struct ContactOnCase: Sendable, Equatable {
    public var caseID: String
    public var contact: Contact
    public var caseOpen: Bool

    public init(caseID: String, contact: Contact, caseOpen: Bool) {
        self.caseID = caseID
        self.contact = contact
        self.caseOpen = caseOpen
    }
}

extension SQLiteCaseStore: ClientDirectory {
    public func contacts(phone number: String) async throws -> [ContactOnCase] {
        try await readTransaction { db in
            try Row.fetchAll(db, sql: """
                SELECT k.id, k.case_id, k.name, k.email, k.phone, k.language, k.time_zone, k.preferred_channel,
                    k.updates_enabled, c.status
                FROM contacts k JOIN cases c ON c.id = k.case_id WHERE k.phone = ? ORDER BY k.case_id, k.id
                """, arguments: [number]).compactMap { r in
                guard let id = r.text(0), let caseID = r.text(1) else { return nil }
                let contact = Contact(id: id, name: r.text(2) ?? "", email: r.text(3), phone: r.text(4), language: r.text(5),
                                      timeZone: r.text(6), preferred: r.text(7).flatMap(Contact.Medium.init(rawValue:)) ?? .email,
                                      updatesEnabled: r.integer(8) != 0)
                return ContactOnCase(caseID: caseID, contact: contact, caseOpen: r.text(9) != "closed")
            }
        }
    }

    public func recordInbound(_ m: Communication, caseID: String) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at)
                VALUES (?, ?, 'inbound', ?, ?, ?, NULL) ON CONFLICT(id) DO NOTHING
                """, arguments: [m.id, caseID, m.channel.rawValue, m.kind.rawValue, m.occurredAt.rfc3339])
        }
    }
}
