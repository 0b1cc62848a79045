import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// Snoozes and acks on PostgreSQL. Writing one wakes its case at once (the wake table, in the same
/// transaction), so whichever instance claims it next evaluates it under the hold.
extension PostgresCaseStore: Holds {
    public func snooze(caseID: String, policy: String?, until: Instant, reason: String, by user: String, now: Instant) async throws
        -> Int64 {
        try await transaction { c in
            let id = try await c.run("""
                INSERT INTO tickler_holds (kind, case_id, policy, until_at, reason, created_by, created_at)
                VALUES ('snooze', \(caseID), \(policy), \(until.date), \(reason), \(user), \(now.date)) RETURNING id
                """, logger: Self.logger).collect()[0].decode(Int64.self)
            try await Self.wake([caseID], on: c)
            return id
        }
    }

    public func ack(_ fire: LedgerEntry, until: Instant, reason: String, by user: String, now: Instant) async throws -> Int64 {
        try await transaction { c in
            let id = try await c.run("""
                INSERT INTO tickler_holds (kind, case_id, policy, subject, anchor_at, fire_id, until_at, reason, created_by, created_at)
                VALUES ('ack', \(fire.caseID), \(fire.key.cycle.policy), \(fire.key.cycle.subject.description),
                        \(fire.key.cycle.anchor.date), \(fire.fireID), \(until.date), \(reason), \(user), \(now.date)) RETURNING id
                """, logger: Self.logger).collect()[0].decode(Int64.self)
            try await Self.wake([fire.caseID], on: c)
            return id
        }
    }

    public func endHold(id: Int64, now: Instant) async throws -> Bool {
        try await transaction { c in
            let rows = try await c.run("""
                UPDATE tickler_holds SET ended_at = \(now.date) WHERE id = \(id) AND ended_at IS NULL RETURNING case_id
                """, logger: Self.logger).collect()
            guard let row = rows.first else { return false }
            try await Self.wake([try row.decode(String.self)], on: c)
            return true
        }
    }

    public func holds(caseID: String?, now: Instant, all: Bool) async throws -> [HoldRecord] {
        try await rows("""
            SELECT id, kind, case_id, policy, subject, fire_id, until_at, reason, created_by, created_at, ended_at
            FROM tickler_holds
            WHERE (\(caseID)::text IS NULL OR case_id = \(caseID)) AND (\(all) OR (ended_at IS NULL AND until_at > \(now.date)))
            ORDER BY id
            """).compactMap { r in
            guard let (id, kind, caseID, policy, subject, fireID, until, reason, by, created, ended) =
                try? r.decode((Int64, String, String, String?, String?, String?, Date, String, String, Date, Date?).self),
                let k = HoldRecord.Kind(rawValue: kind) else { return nil }
            return HoldRecord(id: id, kind: k, caseID: caseID, policy: policy, subject: subject, fireID: fireID, until: Instant(until),
                              reason: reason, createdBy: by, createdAt: Instant(created), endedAt: ended.map(Instant.init))
        }
    }
}
