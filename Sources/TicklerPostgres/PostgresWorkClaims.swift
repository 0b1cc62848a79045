import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

extension PostgresCaseStore: WorkClaims {
    public func evaluateDue(limit: Int, channels: [String: ChannelSettings], _ evaluate: @escaping @Sendable (EvaluationChunk, Instant) throws -> EvaluationRecord) async throws
        -> ClaimedEvaluation {
        let instance = self.instance
        return try await transaction { c in
            let now = Instant(try await c.run("SELECT tickler_now()", logger: Self.logger).collect()[0].decode(Date.self))
            // The locking select in a CTE, so LIMIT bounds what is locked; SKIP LOCKED passes over the cases
            // another instance holds. The rows stay locked until this transaction ends: no other instance
            // evaluates these cases meanwhile, and a change committed meanwhile wakes them again after it.
            var claimed: [String] = []
            for try await id in try await c.run("""
                WITH due AS (
                    SELECT case_id FROM tickler_wake WHERE wake_at <= \(now.date)
                    ORDER BY wake_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                SELECT case_id FROM due
                """, logger: Self.logger).decode(String.self) { claimed.append(id) }
            var result = ClaimedEvaluation(now: now, claimed: claimed)
            if claimed.isEmpty { return result }
            let chunk = try await PostgresChunkReader(connection: c, detail: .evaluation, ledger: true, holds: true)
                .chunk(caseIDs: claimed.sorted())
            result.badRows = chunk.badRows
            var record = try evaluate(chunk, now)
            // A claimed case that is gone (or cannot be read) has nothing pending: its wake goes.
            let found = Set(chunk.cases.map(\.id)), woken = Set(record.wakes.map(\.caseID))
            for id in claimed where !found.contains(id) && !woken.contains(id) { record.wakes.append(CaseWake(caseID: id, at: nil)) }
            result.recorded = try await Self.insert(fires: record.fires, skipped: record.skipped, explanations: record.explanations,
                                                    channels: channels, now: now, by: instance, on: c)
            result.skipped = record.skipped.count
            result.explanations = record.explanations
            // Only the claimed cases' wakes: their rows are this transaction's.
            let held = Set(claimed)
            try await Self.setWakes(record.wakes.filter { held.contains($0.caseID) }, on: c)
            return result
        }
    }

    public func absorbChanges(limit: Int) async throws -> Int {
        try await transaction { c in
            var cases = Set<String>()
            var taken = 0
            for try await id in try await c.run("""
                WITH taken AS (
                    SELECT seq FROM tickler_changes ORDER BY seq LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                DELETE FROM tickler_changes t USING taken WHERE t.seq = taken.seq
                RETURNING t.case_id
                """, logger: Self.logger).decode(String.self) {
                taken += 1
                cases.insert(id)
            }
            // In id order: every writer of wakes locks them in that order, so two never wait on each other.
            try await Self.wake(cases.sorted(), on: c)
            return taken
        }
    }

    /// Wakes `ids` now (legal time): a wake already earlier stays.
    /// Wakes `ids` now. In whole seconds, as claims read the time: a case woken at 12:00:00.4 is due to
    /// a claim at 12:00:00 (the same second), not only to one a second later (`--once` claims in the same
    /// second as it wakes).
    static func wake(_ ids: [String], on c: PostgresConnection) async throws {
        if ids.isEmpty { return }
        try await c.run("""
            INSERT INTO tickler_wake (case_id, wake_at) SELECT id, date_trunc('second', tickler_now()) FROM unnest(\(ids)) AS u(id) ORDER BY id
            ON CONFLICT (case_id) DO UPDATE SET wake_at = LEAST(tickler_wake.wake_at, excluded.wake_at)
            """, logger: logger)
    }

    public func wakeSlice(after cursor: CaseCursor?, size: Int) async throws -> (woken: Int, next: CaseCursor?) {
        try await transaction { c in
            var ids: [String] = []
            let after = cursor?.id ?? ""
            for try await id in try await c.run("""
                SELECT id FROM cases WHERE id > \(after) ORDER BY id LIMIT \(size)
                """, logger: Self.logger).decode(String.self) { ids.append(id) }
            try await Self.wake(ids, on: c)
            return (ids.count, ids.count == size ? ids.last.map { CaseCursor(id: $0) } : nil)
        }
    }

    public func generations() async throws -> StoreGenerations {
        guard let row = try await rows("SELECT people, restores FROM tickler_generation").first else {
            return StoreGenerations(people: 0, restores: 0)
        }
        let (people, restores) = try row.decode((Int64, Int64).self)
        return StoreGenerations(people: people, restores: restores)
    }

    public func acquireLease(_ name: String, for duration: Duration) async throws -> Bool {
        let seconds = Double(duration.milliseconds) / 1000
        let rows = try await rows("""
            INSERT INTO tickler_leases (name, holder, until_at, acquired_at)
            VALUES (\(name), \(instance), clock_timestamp() + make_interval(secs => \(seconds)), clock_timestamp())
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at,
                acquired_at = CASE WHEN tickler_leases.holder = excluded.holder THEN tickler_leases.acquired_at
                                   ELSE excluded.acquired_at END
            WHERE tickler_leases.holder = excluded.holder OR tickler_leases.until_at <= clock_timestamp()
            RETURNING holder
            """)
        return !rows.isEmpty
    }

    public func releaseLease(_ name: String) async throws {
        _ = try await rows("DELETE FROM tickler_leases WHERE name = \(name) AND holder = \(instance)")
    }

    /// The leases held, by whom and until when (for `tickler status`).
    public func leases() async throws -> [(name: String, holder: String, until: Instant)] {
        try await rows("SELECT name, holder, until_at FROM tickler_leases WHERE until_at > clock_timestamp() ORDER BY name").map { r in
            let (name, holder, until) = try r.decode((String, String, Date).self)
            return (name, holder, Instant(until))
        }
    }

    public func clockOffset() async throws -> Duration {
        let before = Date()
        let server = try await rows("SELECT clock_timestamp()")[0].decode(Date.self)
        let after = Date()
        let local = before.addingTimeInterval(after.timeIntervalSince(before) / 2)
        return .milliseconds(Int64((server.timeIntervalSince(local) * 1000).rounded()))
    }

    public func instances() async throws -> [InstanceRecord] {
        try await rows("""
            SELECT id, host, pid, started_at, seen_at, offset_ms, health::text FROM tickler_instances ORDER BY seen_at DESC, id
            """).map { r in
            let (id, host, pid, started, seen, offset, health) = try r.decode((String, String, Int, Date, Date, Int64, String).self)
            let object = (try? JSONSerialization.jsonObject(with: Data(health.utf8))) as? [String: String] ?? [:]
            return InstanceRecord(id: id, host: host, pid: pid, startedAt: Instant(started), seenAt: Instant(seen),
                                  offsetMilliseconds: offset, health: object)
        }
    }
}

extension PostgresCaseStore: Wakes {
    public func dueCases(at now: Instant, limit: Int) async throws -> [String] {
        try await rows("SELECT case_id FROM tickler_wake WHERE wake_at <= \(now.date) ORDER BY wake_at, case_id LIMIT \(limit)")
            .map { try $0.decode(String.self) }
    }

    public func wakeCount() async throws -> Int {
        try await rows("SELECT count(*) FROM tickler_wake")[0].decode(Int.self)
    }
}

/// The feed read as a log (`tickler` commands, tests); instances take it as a queue (`absorbChanges`).
extension PostgresCaseStore: ChangeFeed {
    public func changes(after sequence: Int64, limit: Int) async throws -> ChangeSet {
        var set = ChangeSet(through: sequence)
        set.generation = try await generation()
        var read = 0
        for r in try await rows("""
            SELECT seq, case_id FROM tickler_changes WHERE seq > \(sequence) ORDER BY seq LIMIT \(limit == .max ? Int.max : limit)
            """) {
            let (seq, id) = try r.decode((Int64, String).self)
            read += 1
            set.through = seq
            set.cases.insert(id)
        }
        set.more = limit != .max && read == limit
        return set
    }

    public func pruneChanges(through sequence: Int64, limit: Int) async throws {
        _ = try await rows("""
            DELETE FROM tickler_changes WHERE seq IN (SELECT seq FROM tickler_changes WHERE seq <= \(sequence) ORDER BY seq
                LIMIT \(limit == .max ? Int.max : limit))
            """)
    }

    public func generation() async throws -> Int64 {
        // The sequence, not the rows: entries are deleted as instances take them.
        try await rows("SELECT coalesce(pg_sequence_last_value('tickler_changes_seq_seq'), 0)")[0].decode(Int64.self)
    }
}

/// The health of this instance, kept with its row in `tickler_instances`; `health()` reads the one seen last.
extension PostgresCaseStore: HealthRecord {
    public func saveHealth(_ values: [String: String]) async throws {
        let json = "{" + values.sorted { $0.key < $1.key }.map { JSONText.quote($0.key) + ":" + JSONText.quote($0.value) }
            .joined(separator: ",") + "}"
        _ = try await rows("""
            INSERT INTO tickler_instances (id, host, pid, started_at, seen_at, offset_ms, health)
            VALUES (\(instance), \(ProcessInfo.processInfo.hostName), \(Int(getpid())), clock_timestamp(), clock_timestamp(),
                    \(Int64(values["clock_offset_ms"] ?? "") ?? 0), \(json)::jsonb)
            ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, offset_ms = excluded.offset_ms, health = excluded.health
            """)
    }

    public func health() async throws -> [String: String] {
        try await instances().first?.health ?? [:]
    }
}
