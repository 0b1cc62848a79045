import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// The delivery queue on PostgreSQL, shared by every instance's lanes. A claim is committed before its
/// delivery is sent and runs until the database's clock passes it (`clock_timestamp()`: the server's real
/// time, whatever an instance's clock says); only the claimant may record the attempt while its claim
/// holds, so a stalled instance's late completion is refused. What is due is decided by legal time
/// (`tickler_now()`).
extension PostgresCaseStore: DeliveryQueue {
    public func claimDue(channel: String, now: Instant, limit: Int, lease: Duration, claimant: String) async throws -> [PendingDelivery] {
        let seconds = Double(lease.milliseconds) / 1000
        return try await transaction { c in
            // The locking select in a CTE: LIMIT bounds the rows locked, and SKIP LOCKED passes over the rows
            // another instance is claiming at this moment.
            var ids: [Int64] = []
            for try await id in try await c.run("""
                WITH due AS (
                    SELECT id FROM tickler_deliveries
                    WHERE channel = \(channel) AND status = 'pending' AND next_attempt_at <= tickler_now()
                      AND (claimed_until IS NULL OR claimed_until <= clock_timestamp())
                    ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                UPDATE tickler_deliveries d SET claimed_by = \(claimant),
                    claimed_until = clock_timestamp() + make_interval(secs => \(seconds))
                FROM due WHERE d.id = due.id
                RETURNING d.id
                """, logger: Self.logger).decode(Int64.self) { ids.append(id) }
            return try await Self.pending(ids: ids.sorted(), on: c)
        }
    }

    /// By the database's clock, as the claims were made.
    @discardableResult
    public func renew(claimsOf claimant: String, now: Instant, lease: Duration) async throws -> Int {
        let seconds = Double(lease.milliseconds) / 1000
        return try await rows("""
            UPDATE tickler_deliveries SET claimed_until = clock_timestamp() + make_interval(secs => \(seconds))
            WHERE claimed_by = \(claimant) AND claimed_until > clock_timestamp()
            RETURNING id
            """).count
    }

    public func release(claimsOf claimant: String, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await rows("""
            UPDATE tickler_deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = \(claimant) AND id = ANY(\(ids))
            """)
    }

    public func complete(delivery id: Int64, attempt: Int, result: DeliveryResult, at: Instant, claimant: String) async throws -> Bool {
        try await transaction { c in
            // Only while the claim is this lane's and has not run out: one that ran out may be another's now.
            let held = try await c.run("""
                UPDATE tickler_deliveries SET claimed_by = NULL, claimed_until = NULL
                WHERE id = \(id) AND claimed_by = \(claimant) AND claimed_until > clock_timestamp()
                RETURNING id
                """, logger: Self.logger).collect()
            guard !held.isEmpty else { return false }
            try await Self.recordAttempt(id: id, attempt: attempt, result: result, at: at, claimant: claimant, on: c)
            return true
        }
    }

    static func recordAttempt(id: Int64, attempt: Int, result: DeliveryResult, at: Instant, claimant: String?,
                              on c: PostgresConnection) async throws {
        switch result {
        case .delivered:
            try await c.run("""
                UPDATE tickler_deliveries SET status = 'delivered', attempts = \(attempt), delivered_at = \(at.date), last_error = NULL,
                    hold_reason = NULL, payload = NULL
                WHERE id = \(id)
                """, logger: logger)
            try await c.run("""
                INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, claimant)
                VALUES (\(id), \(attempt), \(at.date), 'delivered', \(claimant))
                """, logger: logger)
        case .retry(let next, let error):
            try await c.run("""
                UPDATE tickler_deliveries SET attempts = \(attempt), next_attempt_at = \(next.date), last_error = \(error) WHERE id = \(id)
                """, logger: logger)
            try await c.run("""
                INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, detail, claimant)
                VALUES (\(id), \(attempt), \(at.date), 'retry', \(error), \(claimant))
                """, logger: logger)
        case .failed(let error):
            try await c.run("""
                UPDATE tickler_deliveries SET status = 'failed', attempts = \(attempt), last_error = \(error) WHERE id = \(id)
                """, logger: logger)
            try await c.run("""
                INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, detail, claimant)
                VALUES (\(id), \(attempt), \(at.date), 'failed', \(error), \(claimant))
                """, logger: logger)
        case .cancelled(let reason):
            try await c.run("""
                UPDATE tickler_deliveries SET status = 'cancelled', last_error = \(reason), hold_reason = NULL
                WHERE id = \(id) AND status = 'pending'
                """, logger: logger)
        case .held(let until, let reason):
            try await c.run("""
                UPDATE tickler_deliveries SET next_attempt_at = \(until.date), hold_reason = \(reason) WHERE id = \(id) AND status = 'pending'
                """, logger: logger)
        case .refused(let medium, let error):
            let detail = ClientSendColumns.refusal(medium, error)
            try await c.run("""
                UPDATE tickler_deliveries SET attempts = \(attempt), medium = \(medium.rawValue), next_attempt_at = \(at.date),
                    last_error = \(detail), hold_reason = NULL,
                    refused_media = CASE WHEN refused_media IS NULL OR refused_media = '' THEN \(medium.rawValue)
                                         ELSE refused_media || ',' || \(medium.rawValue) END
                WHERE id = \(id) AND status = 'pending'
                """, logger: logger)
            try await c.run("""
                INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, detail, claimant)
                VALUES (\(id), \(attempt), \(at.date), 'failed', \(detail), \(claimant))
                """, logger: logger)
        case .sentToClient(let sent):
            try await c.run("""
                UPDATE tickler_deliveries SET status = 'delivered', attempts = \(attempt), delivered_at = \(at.date), last_error = NULL,
                    hold_reason = NULL, medium = \(sent.medium.rawValue), provider_id = \(sent.providerID), message_key = \(sent.key)
                WHERE id = \(id)
                """, logger: logger)
            try await c.run("""
                INSERT INTO tickler_delivery_attempts (delivery_id, attempt, at, outcome, claimant)
                VALUES (\(id), \(attempt), \(at.date), 'delivered', \(claimant))
                """, logger: logger)
            let m = sent.communication.record
            try await c.run("""
                INSERT INTO communications (id, case_id, direction, channel, kind, occurred_at, responded_at, automated)
                VALUES (\(m.id), \(sent.communication.caseID), \(m.direction.rawValue), \(m.channel.rawValue), \(m.kind.rawValue),
                        \(m.occurredAt.date), NULL, true)
                ON CONFLICT (id) DO NOTHING
                """, logger: logger)
        case .replacedByTask(let task):
            try await c.run("""
                UPDATE tickler_deliveries SET status = 'cancelled', last_error = \(ClientSendColumns.taskNote(task)), hold_reason = NULL
                WHERE id = \(id) AND status = 'pending'
                """, logger: logger)
            let inserted = try await c.run("""
                INSERT INTO tickler_staff_tasks (id, case_id, contact_id, fire_id, reason, created_at)
                VALUES (\(task.id), \(task.caseID), \(task.contactID), \(task.fireID), \(task.reason), \(task.createdAt.date))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger).collect()
            if !inserted.isEmpty { try await wake([task.caseID], on: c) }
        }
    }

    public func dueCount(channel: String, now: Instant) async throws -> Int {
        try await rows("""
            SELECT count(*) FROM tickler_deliveries WHERE channel = \(channel) AND status = 'pending' AND next_attempt_at <= tickler_now()
            """)[0].decode(Int.self)
    }

    public func nextDeliveryDue(channel: String) async throws -> Instant? {
        try await rows("SELECT min(next_attempt_at) FROM tickler_deliveries WHERE channel = \(channel) AND status = 'pending'")[0]
            .decode(Date?.self).map(Instant.init)
    }

    public func deliveryHealth(failedSince: Instant) async throws -> DeliveryHealth {
        let (pending, retrying, failed) = try await rows("""
            SELECT (SELECT count(*) FROM tickler_deliveries WHERE status = 'pending'),
                   (SELECT count(*) FROM tickler_deliveries WHERE status = 'pending' AND attempts > 0),
                   (SELECT count(*) FROM tickler_delivery_attempts WHERE outcome = 'failed' AND at >= \(failedSince.date))
            """)[0].decode((Int, Int, Int).self)
        var h = DeliveryHealth()
        h.pending = pending
        h.retrying = retrying
        h.failed = failed
        return h
    }

    public func claimDigest(id: String, person: String, day: LocalDate, entries: [DigestEntry], channel: String,
                            now: Instant) async throws -> Bool {
        try await transaction { c in
            let claimed = try await c.run("""
                INSERT INTO tickler_digests (id, person_id, day, items, created_at)
                VALUES (\(id), \(person), \(day.iso8601)::date, \(DigestItems.encode(entries)), \(now.date))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: Self.logger).collect()
            guard !claimed.isEmpty else { return false }
            try await c.run("""
                INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at)
                VALUES ('digest', \(id), \(person), \(channel), \(now.date))
                """, logger: Self.logger)
            return true
        }
    }

    public func cancelClientMessages(fireID: String, reason: String) async throws -> Int {
        try await rows("""
            UPDATE tickler_deliveries SET status = 'cancelled', last_error = \(reason), hold_reason = NULL
            WHERE source_id = \(fireID) AND channel = 'client' AND status = 'pending' RETURNING id
            """).count
    }

    public func clientMessageDelivered(key: String) async throws -> Bool {
        try await rows("""
            SELECT EXISTS (SELECT 1 FROM tickler_deliveries WHERE message_key = \(key) AND status = 'delivered')
            """)[0].decode(Bool.self)
    }

    public func clientMessagesWaiting() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for r in try await rows("""
            SELECT COALESCE(hold_reason, ''), count(*)::bigint FROM tickler_deliveries
            WHERE channel = 'client' AND status = 'pending' GROUP BY 1
            UNION ALL
            SELECT 'no consent', count(*)::bigint FROM tickler_deliveries
            WHERE channel = 'client' AND status = 'cancelled' AND last_error LIKE 'no consent%'
            """) {
            if let (reason, n) = try? r.decode((String, Int64).self) { out[reason] = Int(n) }
        }
        return out
    }

    /// The queue, in queue order (tests and tools).
    public func deliveries() async throws -> [QueuedDelivery] {
        try await rows("""
            SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error, delivered_at
            FROM tickler_deliveries ORDER BY id
            """).compactMap(Self.queuedDelivery)
    }

    /// The deliveries `ids` with what their messages are made of, in queue order.
    static func pending(ids: [Int64], on c: PostgresConnection) async throws -> [PendingDelivery] {
        if ids.isEmpty { return [] }
        var out: [PendingDelivery] = []
        for try await r in try await c.run("""
            SELECT d.id, d.kind, d.source_id, d.recipient, d.channel, d.attempts,
                l.case_id, l.policy, l.subject, l.stage, l.repeat, l.action, l.due_at, l.fired_at, l.deliver_at,
                l.recipients::text, l.explanation,
                c.number, c.title, c.client_name, c.client_email,
                p.id, p.name, p.email, p.role, p.manager_id, p.active,
                g.person_id, g.day::text, g.items, g.created_at, l.anchor_at, d.medium, d.refused_media, d.payload
            FROM tickler_deliveries d
            LEFT JOIN tickler_ledger l ON d.kind = 'fire' AND l.fire_id = d.source_id
            LEFT JOIN cases c ON c.id = l.case_id
            LEFT JOIN people p ON p.id = d.recipient
            LEFT JOIN tickler_digests g ON d.kind = 'digest' AND g.id = d.source_id
            WHERE d.id = ANY(\(ids))
            ORDER BY d.next_attempt_at, d.id
            """, logger: logger) {
            guard let (id, kind, source, recipient, channel, attempts) = try? r.decode((Int64, String, String, String, String, Int).self),
                  let k = PendingDelivery.Kind(rawValue: kind) else { continue }
            let columns = r.makeRandomAccess()
            func text(_ i: Int) -> String? { try? columns[i].decode(String?.self) }
            func int(_ i: Int) -> Int? { try? columns[i].decode(Int?.self) }
            func date(_ i: Int) -> Instant? { ((try? columns[i].decode(Date?.self)) ?? nil).map(Instant.init) }
            var d = PendingDelivery(id: id, kind: k, sourceID: source, recipient: recipient, channel: channel, attempts: attempts,
                                    caseNumber: text(17) ?? "", caseTitle: text(18) ?? "", clientName: text(19) ?? "",
                                    clientEmail: text(20))
            if k == .fire, let caseID = text(6), let policy = text(7), let subject = text(8), let stage = int(9), let rep = int(10),
               let action = text(11).flatMap(Stage.Action.init(rawValue:)), let due = date(12), let fired = date(13) {
                d.fire = FiredStep(caseID: caseID, policy: policy, subject: subject, stage: stage, repeatNumber: rep, action: action,
                                   due: due, firedAt: fired, deliverAt: date(14) ?? fired,
                                   recipients: text(15).flatMap(JSONText.parseArray) ?? [], explanation: text(16) ?? "",
                                   anchor: date(31))
            }
            if let pid = text(21) {
                d.person = Person(id: pid, name: text(22) ?? "", email: text(23), role: text(24), managerID: text(25),
                                  active: ((try? columns[26].decode(Bool?.self)) ?? nil) ?? true)
            }
            d.medium = text(32).flatMap(Contact.Medium.init(rawValue:))
            d.refusedMedia = ClientSendColumns.media(text(33))
            if k == .digest, let person = text(27), let day = text(28).flatMap(LocalDate.init(iso8601:)), let created = date(30) {
                d.digest = DigestRecord(personID: person, day: day, entries: DigestItems.decode(text(29) ?? "[]"), createdAt: created)
            }
            if k == .reply { d.reply = ReplyForward(id: source, recipient: recipient, channel: channel, payload: text(34)) }
            out.append(d)
        }
        // A forwarded reply names its case by number, as the case has it now.
        for i in out.indices {
            guard let caseID = out[i].reply?.caseID else { continue }
            for try await number in try await c.run("SELECT number FROM cases WHERE id = \(caseID)", logger: logger).decode(String.self) {
                out[i].caseNumber = number
            }
        }
        // A digest names clients as the cases do now (the claim keeps ids only).
        for i in out.indices {
            guard var g = out[i].digest, !g.entries.isEmpty else { continue }
            var names: [String: String] = [:]
            for try await (id, name) in try await c.run("""
                SELECT id, client_name FROM cases WHERE id = ANY(\(Array(Set(g.entries.map(\.caseID)))))
                """, logger: logger).decode((String, String).self) { names[id] = name }
            for j in g.entries.indices { g.entries[j].clientName = names[g.entries[j].caseID] ?? "" }
            out[i].digest = g
        }
        return out
    }
}

extension PostgresCaseStore {
    public func deliveries(of fireIDs: [String]) async throws -> [String: [QueuedDelivery]] {
        if fireIDs.isEmpty { return [:] }
        var out: [String: [QueuedDelivery]] = [:]
        for row in try await rows("""
            SELECT id, kind, source_id, recipient, channel, status, attempts, next_attempt_at, last_error, delivered_at, hold_reason, medium
            FROM tickler_deliveries WHERE source_id = ANY(\(fireIDs)) ORDER BY id
            """) {
            guard var d = Self.queuedDelivery(row) else { continue }
            let columns = row.makeRandomAccess()
            d.holdReason = try? columns[10].decode(String?.self)
            d.medium = try? columns[11].decode(String?.self)
            out[d.sourceID, default: []].append(d)
        }
        return out
    }

    static func queuedDelivery(_ row: PostgresRow) -> QueuedDelivery? {
        guard let (id, kind, source, recipient, channel, status, attempts, next, error, delivered) =
            try? row.decode((Int64, String, String, String, String, String, Int, Date, String?, Date?).self),
            let k = PendingDelivery.Kind(rawValue: kind) else { return nil }
        return QueuedDelivery(id: id, kind: k, sourceID: source, recipient: recipient, channel: channel, status: status,
                              attempts: attempts, nextAttemptAt: Instant(next), lastError: error, deliveredAt: delivered.map(Instant.init))
    }
}
