import Foundation
import GRDB
import TicklerCore

extension QueuedDelivery {
    /// A row of `SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error`.
    init?(row: Row) {
        guard let id = row.int64(0), let kind = row.text(1).flatMap(PendingDelivery.Kind.init(rawValue:)),
              let sourceID = row.text(2), let recipient = row.text(3), let channel = row.text(4), let status = row.text(5),
              let at = row.text(7).flatMap(RFC3339.parse) else { return nil }
        self.init(id: id, kind: kind, sourceID: sourceID, recipient: recipient, channel: channel, status: status,
                  attempts: row.integer(6) ?? 0, nextAttemptAt: at, lastError: row.text(8))
    }
}

extension SQLiteCaseStore {
    /// Up to `limit` pending deliveries of `channel` whose next attempt has come, oldest first, whoever
    /// holds them (a look: nothing is claimed).
    public func dueDeliveries(channel: String, now: Instant, limit: Int) async throws -> [PendingDelivery] {
        try await pool.read { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM tickler_deliveries WHERE channel = ? AND status = 'pending' AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [channel, now.rfc3339, limit])
            return try Self.pending(db, ids: ids)
        }
    }

    public func claimDue(channel: String, now: Instant, limit: Int, lease: Duration, claimant: String) async throws
        -> [PendingDelivery] {
        try await write { db in
            let ids = try Int64.fetchAll(db, sql: """
                UPDATE tickler_deliveries SET claimed_by = ?, claimed_until = ?
                WHERE id IN (SELECT id FROM tickler_deliveries
                             WHERE channel = ? AND status = 'pending' AND next_attempt_at <= ?
                               AND (claimed_until IS NULL OR claimed_until <= ?)
                             ORDER BY next_attempt_at, id LIMIT ?)
                RETURNING id
                """, arguments: [claimant, now.advanced(by: lease).rfc3339, channel, now.rfc3339, now.rfc3339, limit])
            return try Self.pending(db, ids: ids)
        }
    }

    @discardableResult
    public func renew(claimsOf claimant: String, now: Instant, lease: Duration) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE tickler_deliveries SET claimed_until = ? WHERE claimed_by = ? AND claimed_until > ?
                """, arguments: [now.advanced(by: lease).rfc3339, claimant, now.rfc3339])
            return db.changesCount
        }
    }

    public func release(claimsOf claimant: String, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await write { db in
            try db.execute(sql: """
                UPDATE tickler_deliveries SET claimed_by = NULL, claimed_until = NULL
                WHERE claimed_by = ? AND id IN (SELECT value FROM json_each(?))
                """, arguments: [claimant, JSONText.array(ids.map(String.init))])
        }
    }

    /// Frees every claim: for a store only one daemon uses (SQLite, under its instance lock), the claims
    /// left by an earlier run that died are nobody's.
    public func releaseAllClaims() async throws {
        try await write { db in
            try db.execute(sql: "UPDATE tickler_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by IS NOT NULL")
        }
    }

    public func dueCount(channel: String, now: Instant) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM tickler_deliveries WHERE channel = ? AND status = 'pending' AND next_attempt_at <= ?
                """, arguments: [channel, now.rfc3339]) ?? 0
        }
    }

    /// The deliveries `ids` with what their messages are made of, in queue order.
    static func pending(_ db: Database, ids: [Int64]) throws -> [PendingDelivery] {
        if ids.isEmpty { return [] }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT d.id, d.kind, d.source_id, d.recipient, d.channel, d.attempts,
                l.case_id, l.policy, l.subject, l.stage, l.repeat, l.action, l.due_at, l.fired_at, l.deliver_at,
                l.recipients, l.explanation,
                c.number, c.title, c.client_name, c.client_email,
                p.id, p.name, p.email, p.role, p.manager_id, p.active,
                g.person_id, g.day, g.items, g.created_at, l.anchor_at, d.medium, d.refused_media, d.payload
            FROM tickler_deliveries d
            LEFT JOIN tickler_ledger l ON d.kind = 'fire' AND l.fire_id = d.source_id AND l.outcome = 'fired'
            LEFT JOIN cases c ON c.id = l.case_id
            LEFT JOIN people p ON p.id = d.recipient
            LEFT JOIN tickler_digests g ON d.kind = 'digest' AND g.id = d.source_id
            WHERE d.id IN (SELECT value FROM json_each(?))
            ORDER BY d.next_attempt_at, d.id
            """, arguments: [JSONText.array(ids.map(String.init))])
        var out: [PendingDelivery] = []
        while let r = try rows.next() {
            // The queue's own columns; a row that does not read is left for a later look, never sent half-read.
            guard let id = r.int64(0), let kind = r.text(1).flatMap(PendingDelivery.Kind.init(rawValue:)),
                  let sourceID = r.text(2), let recipient = r.text(3), let channel = r.text(4) else { continue }
            // The case's columns as they are now: a value that is not text is left out of the message.
            var d = PendingDelivery(id: id, kind: kind, sourceID: sourceID, recipient: recipient, channel: channel,
                                    attempts: r.integer(5) ?? 0, caseNumber: r.text(17) ?? "", caseTitle: r.text(18) ?? "",
                                    clientName: r.text(19) ?? "", clientEmail: r.text(20))
            if kind == .fire, let caseID = r.text(6), let policy = r.text(7), let subject = r.text(8),
               let stage = r.integer(9), let rep = r.integer(10), let action = r.text(11).flatMap(Stage.Action.init(rawValue:)),
               let due = r.text(12).flatMap(RFC3339.parse), let fired = r.text(13).flatMap(RFC3339.parse) {
                d.fire = FiredStep(caseID: caseID, policy: policy, subject: subject, stage: stage, repeatNumber: rep,
                                   action: action, due: due, firedAt: fired,
                                   deliverAt: r.text(14).flatMap(RFC3339.parse) ?? fired,
                                   recipients: r.text(15).flatMap(JSONText.parseArray) ?? [], explanation: r.text(16) ?? "",
                                   anchor: r.text(31).flatMap(RFC3339.parse))
            }
            if let id = r.text(21) {
                d.person = Person(id: id, name: r.text(22) ?? "", email: r.text(23), role: r.text(24), managerID: r.text(25),
                                  active: r.integer(26) != 0)
            }
            d.medium = r.text(32).flatMap(Contact.Medium.init(rawValue:))
            d.refusedMedia = ClientSendColumns.media(r.text(33))
            if kind == .digest, let person = r.text(27), let day = r.text(28).flatMap(LocalDate.init(iso8601:)),
               let created = r.text(30).flatMap(RFC3339.parse) {
                d.digest = DigestRecord(personID: person, day: day, entries: DigestItems.decode(r.text(29) ?? "[]"),
                                        createdAt: created)
            }
            if kind == .reply { d.reply = ReplyForward(id: sourceID, recipient: recipient, channel: channel, payload: r.text(34)) }
            out.append(d)
        }
        // A forwarded reply names its case by number, as the case has it now.
        for i in out.indices {
            guard let caseID = out[i].reply?.caseID else { continue }
            out[i].caseNumber = try String.fetchOne(db, sql: "SELECT number FROM cases WHERE id = ?", arguments: [caseID]) ?? ""
        }
        // A digest names clients as the cases do now (the claim keeps ids only).
        for i in out.indices {
            guard var g = out[i].digest, !g.entries.isEmpty else { continue }
            let ids = IDSet(Set(g.entries.map(\.caseID)))
            let rows = try Row.fetchAll(db, sql: "SELECT id, client_name FROM cases WHERE \(ids.sql("id"))",
                                        arguments: [ids.argument])
            let names = Dictionary(rows.compactMap { r in r.text(0).map { ($0, r.text(1) ?? "") } }, uniquingKeysWith: { a, _ in a })
            for j in g.entries.indices { g.entries[j].clientName = names[g.entries[j].caseID] ?? "" }
            out[i].digest = g
        }
        return out
    }

    /// When the next pending delivery of `channel` comes due; nil when none waits.
    public func nextDeliveryDue(channel: String) async throws -> Instant? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT MIN(next_attempt_at) FROM tickler_deliveries WHERE channel = ? AND status = 'pending'
                """, arguments: [channel])?.text(0).flatMap(RFC3339.parse)
        }
    }

    public func complete(delivery id: Int64, attempt: Int, result: DeliveryResult, at: Instant, claimant: String) async throws
        -> Bool {
        try await write { db in
            // Only while the claim is this lane's: one that ran out may be another's now.
            try db.execute(sql: "UPDATE tickler_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                           arguments: [id, claimant])
            guard db.changesCount > 0 else { return false }
            try Self.record(db, delivery: id, attempt: attempt, result: result, at: at)
            return true
        }
    }

    /// Records attempt number `attempt` of delivery `id` and what it came to, in one transaction, whoever
    /// holds it (tests and tools; lanes use `complete(…claimant:)`).
    public func complete(delivery id: Int64, attempt: Int, result: DeliveryResult, at: Instant) async throws {
        try await write { db in try Self.record(db, delivery: id, attempt: attempt, result: result, at: at) }
    }

    private static func record(_ db: Database, delivery id: Int64, attempt: Int, result: DeliveryResult, at: Instant) throws {
        switch result {
        case .delivered:
            try db.execute(sql: """
                UPDATE tickler_deliveries SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL, hold_reason = NULL,
                    payload = NULL
                WHERE id = ?
                """, arguments: [attempt, at.rfc3339, id])
            try db.execute(sql: "INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome) VALUES (?, ?, ?, 'delivered')",
                           arguments: [id, attempt, at.rfc3339])
        case .retry(let next, let error):
            try db.execute(sql: "UPDATE tickler_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                           arguments: [attempt, next.rfc3339, error, id])
            try db.execute(sql: "INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, detail) VALUES (?, ?, ?, 'retry', ?)",
                           arguments: [id, attempt, at.rfc3339, error])
        case .failed(let error):
            try db.execute(sql: "UPDATE tickler_deliveries SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?",
                           arguments: [attempt, error, id])
            try db.execute(sql: "INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, detail) VALUES (?, ?, ?, 'failed', ?)",
                           arguments: [id, attempt, at.rfc3339, error])
        case .cancelled(let reason):
            try db.execute(sql: """
                UPDATE tickler_deliveries SET status = 'cancelled', last_error = ?, hold_reason = NULL WHERE id = ? AND status = 'pending'
                """, arguments: [reason, id])
        case .held(let until, let reason):
            try db.execute(sql: "UPDATE tickler_deliveries SET next_attempt_at = ?, hold_reason = ? WHERE id = ? AND status = 'pending'",
                           arguments: [until.rfc3339, reason, id])
        case .refused(let medium, let error):
            let detail = ClientSendColumns.refusal(medium, error)
            try db.execute(sql: """
                UPDATE tickler_deliveries SET attempts = ?, medium = ?, next_attempt_at = ?, last_error = ?, hold_reason = NULL,
                    refused_media = CASE WHEN refused_media IS NULL OR refused_media = '' THEN ? ELSE refused_media || ',' || ? END
                WHERE id = ? AND status = 'pending'
                """, arguments: [attempt, medium.rawValue, at.rfc3339, detail, medium.rawValue, medium.rawValue, id])
            try db.execute(sql: "INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, detail) VALUES (?, ?, ?, 'failed', ?)",
                           arguments: [id, attempt, at.rfc3339, detail])
        case .sentToClient(let sent):
            try db.execute(sql: """
                UPDATE tickler_deliveries SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL, hold_reason = NULL,
                    medium = ?, provider_id = ?, message_key = ?
                WHERE id = ?
                """, arguments: [attempt, at.rfc3339, sent.medium.rawValue, sent.providerID, sent.key, id])
            try db.execute(sql: "INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome) VALUES (?, ?, ?, 'delivered')",
                           arguments: [id, attempt, at.rfc3339])
            let m = sent.communication.record
            try db.execute(sql: """
                INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at, automated)
                VALUES (?, ?, ?, ?, ?, ?, NULL, 1) ON CONFLICT (id) DO NOTHING
                """, arguments: [m.id, sent.communication.caseID, m.direction.rawValue, m.channel.rawValue, m.kind.rawValue,
                                 m.occurredAt.rfc3339])
        case .replacedByTask(let task):
            try db.execute(sql: """
                UPDATE tickler_deliveries SET status = 'cancelled', last_error = ?, hold_reason = NULL WHERE id = ? AND status = 'pending'
                """, arguments: [ClientSendColumns.taskNote(task), id])
            try db.execute(sql: """
                INSERT INTO tickler_staff_tasks (id, case_id, contact_id, fire_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """, arguments: [task.id, task.caseID, task.contactID, task.fireID, task.reason, task.createdAt.rfc3339])
            if db.changesCount > 0 {
                try db.execute(sql: "INSERT INTO tickler_changes (table_name, case_id) VALUES ('tickler_staff_tasks', ?)",
                               arguments: [task.caseID])
            }
        }
    }

    /// The queue, in queue order.
    public func deliveries() async throws -> [QueuedDelivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error,
                    medium, provider_id, carrier_status
                FROM tickler_deliveries ORDER BY id
                """).compactMap { r in
                    var d = QueuedDelivery(row: r)
                    d?.medium = r.text(9)
                    d?.providerID = r.text(10)
                    d?.carrierStatus = r.text(11)
                    return d
                }
        }
    }

    /// Every attempt of delivery `id`: (attempt, outcome), in order.
    public func attempts(delivery id: Int64) async throws -> [(attempt: Int, outcome: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT attempt, outcome FROM tickler_delivery_attempts WHERE delivery_id = ? ORDER BY id",
                             arguments: [id]).compactMap { r in r.integer(0).map { ($0, r.text(1) ?? "") } }
        }
    }

    /// Counts read through indexes, so they cost the same however many deliveries are done.
    public func deliveryHealth(failedSince: Instant) async throws -> DeliveryHealth {
        try await pool.read { db in
            var h = DeliveryHealth()
            h.pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tickler_deliveries WHERE status = 'pending'") ?? 0
            h.retrying = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM tickler_deliveries WHERE status = 'pending' AND attempts > 0
                """) ?? 0
            h.failed = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM tickler_delivery_attempts WHERE outcome = 'failed' AND at >= ?
                """, arguments: [failedSince.rfc3339]) ?? 0
            return h
        }
    }

    /// Claims `person`'s digest for `day` and queues it on `channel`, once: false when it was claimed
    /// before (by this run or an earlier one).
    public func claimDigest(id: String, person: String, day: LocalDate, entries: [DigestEntry], channel: String,
                            now: Instant) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO tickler_digests (id, person_id, day, items, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [id, person, day.iso8601, DigestItems.encode(entries), now.rfc3339])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: """
                INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at) VALUES ('digest', ?, ?, ?, ?)
                """, arguments: [id, person, channel, now.rfc3339])
            return true
        }
    }

    public func cancelClientMessages(fireID: String, reason: String) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE tickler_deliveries SET status = 'cancelled', last_error = ?, hold_reason = NULL
                WHERE source_id = ? AND channel = 'client' AND status = 'pending'
                """, arguments: [reason, fireID])
            return db.changesCount
        }
    }

    public func clientMessageDelivered(key: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM tickler_deliveries WHERE message_key = ? AND status = 'delivered')
                """, arguments: [key]) ?? false
        }
    }

    public func clientMessagesWaiting() async throws -> [String: Int] {
        try await pool.read { db in
            var out: [String: Int] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT COALESCE(hold_reason, ''), count(*) FROM tickler_deliveries
                WHERE channel = 'client' AND status = 'pending' GROUP BY 1
                UNION ALL
                SELECT 'no consent', count(*) FROM tickler_deliveries
                WHERE channel = 'client' AND status = 'cancelled' AND last_error LIKE 'no consent%'
                """) {
                out[r.text(0) ?? ""] = r.integer(1) ?? 0
            }
            return out
        }
    }

    /// The days on which `person` was sent (or is being sent) a digest.
    public func digestDays(person: String) async throws -> [LocalDate] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT day FROM tickler_digests WHERE person_id = ? ORDER BY day", arguments: [person])
                .compactMap { $0.text(0).flatMap(LocalDate.init(iso8601:)) }
        }
    }

    /// The outbox, oldest first: (fire id, channel, case number, client name if included).
    public func outbox() async throws -> [(fireID: String, channel: String, caseNumber: String, clientName: String?)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT fire_id, channel, case_number, client_name FROM tickler_outbox ORDER BY id")
                .map { ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", $0.text(3)) }
        }
    }
}

extension SQLiteCaseStore {
    /// The deliveries of each of `fireIDs`, in queue order: (channel, recipient, status, attempts, delivered
    /// at, last error).
    public func deliveries(of fireIDs: [String]) async throws -> [String: [QueuedDelivery]] {
        if fireIDs.isEmpty { return [:] }
        return try await pool.read { db in
            var out: [String: [QueuedDelivery]] = [:]
            let ids = IDSet(fireIDs)
            for row in try Row.fetchAll(db, sql: """
                SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error, delivered_at, hold_reason,
                    medium
                FROM tickler_deliveries WHERE \(ids.sql("source_id")) ORDER BY id
                """, arguments: [ids.argument]) {
                guard var d = QueuedDelivery(row: row) else { continue }
                d.deliveredAt = row.text(9).flatMap(RFC3339.parse)
                d.holdReason = row.text(10)
                d.medium = row.text(11)
                out[d.sourceID, default: []].append(d)
            }
            return out
        }
    }
}

extension SQLiteCaseStore: DeliveryQueue {}
