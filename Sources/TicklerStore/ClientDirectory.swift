import GRDB
import TicklerCore

/// What `tickler-inbound` needs of the store: who a number belongs to, and a place to put what they
/// wrote. It writes case tables only (an inbound communication) and the consent ledger.
public protocol ClientDirectory: ConsentLedger {
    /// Every contact with phone `number` (E.164), with its case and whether that case is open (not closed).
    func contacts(phone number: String) async throws -> [ContactOnCase]
    /// Writes what one message from the gateway does, in one transaction, unless a message with its id
    /// was applied before (a retry, a replay): then nothing. True when it was written.
    func apply(_ effects: InboundEffects, now: Instant) async throws -> Bool
    /// The latest survey delivered to one of `contactIDs` since `since` (a fire of one of `policies`):
    /// the contact, the case it asked about and the fire that sent it.
    func latestSurvey(contactIDs: [String], policies: [String], since: Instant) async throws -> SurveySent?
}

/// A survey a contact was sent.
public struct SurveySent: Sendable, Equatable {
    public var contactID: String
    public var caseID: String
    public var fireID: String

    public init(contactID: String, caseID: String, fireID: String) {
        self.contactID = contactID
        self.caseID = caseID
        self.fireID = fireID
    }
}

/// What one message from the gateway writes, all of it or none: consent entries, inbound communications
/// on cases, a survey answer. Keyed on the gateway's id for the message.
public struct InboundEffects: Sendable, Equatable {
    public var messageID: String
    /// `message` (a client's text), or another kind of request the gateway makes.
    public var route: String
    /// When the receiver first had it (a message kept through a store outage keeps its time).
    public var receivedAt: Instant
    public var consents: [ConsentRecord]
    public var communications: [CaseRecord<Communication>]
    /// What the client wrote, kept with each of `communications` (the firm's store holds client data; the
    /// journal never does).
    public var text: String?
    /// The text on its way to staff: queued in the same transaction.
    public var forwards: [ReplyForward]
    /// A survey's answer; it replaces an earlier answer to the same survey (same id).
    public var surveyResponse: CaseRecord<SurveyResponse>?
    /// What the carrier reported of a text Tickler sent (a status callback).
    public var carrierStatus: CarrierStatus?

    public init(messageID: String, route: String, receivedAt: Instant, consents: [ConsentRecord] = [],
                communications: [CaseRecord<Communication>] = [], text: String? = nil, forwards: [ReplyForward] = [],
                surveyResponse: CaseRecord<SurveyResponse>? = nil, carrierStatus: CarrierStatus? = nil) {
        self.text = text
        self.forwards = forwards
        self.carrierStatus = carrierStatus
        self.messageID = messageID
        self.route = route
        self.receivedAt = receivedAt
        self.consents = consents
        self.communications = communications
        self.surveyResponse = surveyResponse
    }
}

/// A status the carrier reported for a text Tickler sent (the gateway's status callback), by its id.
public struct CarrierStatus: Sendable, Equatable, CustomStringConvertible {
    public var messageSID: String
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`…
    public var status: String
    public var errorCode: String?

    public init(messageSID: String, status: String, errorCode: String? = nil) {
        self.messageSID = messageSID
        self.status = status
        self.errorCode = errorCode
    }

    /// The text did not reach the phone: the message falls back as if the gateway had refused it.
    public var undelivered: Bool { status == "undelivered" || status == "failed" }

    public var description: String {
        "the carrier reported it \(status)" + (errorCode.map { " (error \($0))" } ?? "")
    }
}

/// A record and the case it goes on.
public struct CaseRecord<Record: Sendable & Equatable>: Sendable, Equatable {
    public var caseID: String
    public var record: Record

    public init(caseID: String, _ record: Record) {
        self.caseID = caseID
        self.record = record
    }
}

/// A contact and the case it belongs to, with who on the case reads what the contact writes.
public struct ContactOnCase: Sendable, Equatable {
    public var caseID: String
    public var contact: Contact
    public var caseOpen: Bool
    public var assigneeID: String?
    public var attorneyID: String?

    public init(caseID: String, contact: Contact, caseOpen: Bool, assigneeID: String? = nil, attorneyID: String? = nil) {
        self.caseID = caseID
        self.contact = contact
        self.caseOpen = caseOpen
        self.assigneeID = assigneeID
        self.attorneyID = attorneyID
    }
}

extension SQLiteCaseStore: ClientDirectory {
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
                SELECT d.recipient, l.case_id, d.source_id FROM tickler_deliveries d JOIN tickler_ledger l ON l.fire_id = d.source_id
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
                    VALUES (?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(id) DO NOTHING
                    """, arguments: [m.id, c.caseID, m.direction.rawValue, m.channel.rawValue, m.kind.rawValue, m.occurredAt.rfc3339,
                                     effects.text])
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
