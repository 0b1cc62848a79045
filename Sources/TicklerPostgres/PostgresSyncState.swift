import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

/// A sync's place on PostgreSQL: versions, cursors and runs (migration v6-sync-state). A webhook and a
/// reconcile writing the same record at once keep the newer version.
extension PostgresCaseStore: SyncState {
    public func writeSynced(_ batch: ImportBatch, versions: [String: Instant], cursor: SyncCursor?, now: Instant) async throws -> SyncWrite {
        try await transaction { c in
            // The versions first: a record's row is written only when its version was inserted or raised here.
            // A concurrent writer of the same record waits on the key until this transaction ends, then finds
            // the version it must beat.
            let keys = Array(versions.keys).sorted()
            var current = Set<String>()
            if !keys.isEmpty {
                let dates = keys.map { versions[$0]!.date }
                var raised = Set<String>()
                for try await id in try await c.run("""
                    INSERT INTO tickler_sync_versions (id, version) SELECT * FROM unnest(\(keys)::text[], \(dates)::timestamptz[])
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version WHERE tickler_sync_versions.version < excluded.version
                    RETURNING id
                    """, logger: Self.logger).decode(String.self) {
                    raised.insert(id)
                }
                current = Set(keys).subtracting(raised)
            }
            let fresh = batch.leaving(current)
            try await PostgresImportWriter(connection: c, now: now).write(fresh)
            if let k = cursor {
                try await c.run("""
                    INSERT INTO tickler_sync_cursors (source, model, since, next_page, pass_started_at, synced_from)
                    VALUES (\(k.source), \(k.model), \(k.since?.date), \(k.nextPage), \(k.passStartedAt?.date), \(k.syncedFrom?.date))
                    ON CONFLICT (source, model) DO UPDATE SET since = excluded.since, next_page = excluded.next_page,
                        pass_started_at = excluded.pass_started_at, synced_from = excluded.synced_from
                    """, logger: Self.logger)
            }
            return SyncWrite(written: fresh.recordKeys.count, current: current.count)
        }
    }

    public func deleteSynced(key: String, version: Instant) async throws -> Bool {
        try await transaction { c in
            let raised = try await c.run("""
                INSERT INTO tickler_sync_versions (id, version) VALUES (\(key), \(version.date))
                ON CONFLICT (id) DO UPDATE SET version = excluded.version WHERE tickler_sync_versions.version <= excluded.version
                RETURNING id
                """, logger: Self.logger).collect()
            guard !raised.isEmpty else { return false }
            var removed = 0
            for table in ["communications", "deadlines", "document_requests", "appointments", "events", "cases", "people"] {
                removed += try await c.run("DELETE FROM \(unescaped: table) WHERE id = \(key) RETURNING id", logger: Self.logger).collect().count
            }
            removed += try await c.run("DELETE FROM contacts WHERE case_id = \(key) AND id LIKE 'clio:%' RETURNING id",
                                       logger: Self.logger).collect().count
            return removed > 0
        }
    }

    public func contactRowIDs(prefixes: [String]) async throws -> [String] {
        if prefixes.isEmpty { return [] }
        let lows = Set(prefixes).sorted()
        let highs = lows.map { $0 + "\u{10FFFF}" }
        return try await rows("""
            SELECT c.id FROM contacts c JOIN unnest(\(lows)::text[], \(highs)::text[]) AS r(low, high)
            ON c.id >= r.low COLLATE "C" AND c.id < r.high COLLATE "C" ORDER BY c.id
            """).compactMap { try? $0.decode(String.self) }
    }

    public func syncCursors(source: String) async throws -> [SyncCursor] {
        try await rows("""
            SELECT model, since, next_page, pass_started_at, synced_from FROM tickler_sync_cursors WHERE source = \(source) ORDER BY model
            """).compactMap { r in
            guard let (model, since, next, started, from) = try? r.decode((String, Date?, String?, Date?, Date?).self) else { return nil }
            return SyncCursor(source: source, model: model, since: since.map(Instant.init), nextPage: next,
                              passStartedAt: started.map(Instant.init), syncedFrom: from.map(Instant.init))
        }
    }

    public func syncRun(source: String) async throws -> SyncRun? {
        guard let r = try await rows("""
            SELECT started_at, finished_at, written, current, skipped, requests, synced_from, error, error_since
            FROM tickler_sync_runs WHERE source = \(source)
            """).first,
            let (started, finished, written, current, skipped, requests, from, error, errorSince) =
            try? r.decode((Date, Date?, Int, Int, Int, Int, Date?, String?, Date?).self) else { return nil }
        return SyncRun(source: source, startedAt: Instant(started), finishedAt: finished.map(Instant.init), written: written,
                       current: current, skipped: skipped, requests: requests, syncedFrom: from.map(Instant.init), error: error,
                       errorSince: errorSince.map(Instant.init))
    }

    public func saveSyncRun(_ run: SyncRun) async throws {
        _ = try await rows("""
            INSERT INTO tickler_sync_runs (source, started_at, finished_at, written, current, skipped, requests, synced_from, error,
                error_since)
            VALUES (\(run.source), \(run.startedAt.date), \(run.finishedAt?.date), \(run.written), \(run.current), \(run.skipped),
                    \(run.requests), \(run.syncedFrom?.date), \(run.error), \(run.errorSince?.date))
            ON CONFLICT (source) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
                written = excluded.written, current = excluded.current, skipped = excluded.skipped, requests = excluded.requests,
                synced_from = excluded.synced_from, error = excluded.error, error_since = excluded.error_since
            """)
    }

    public func syncWebhooks(source: String?) async throws -> [SyncWebhook] {
        try await rows("""
            SELECT source, model, webhook_id, secret, status, expires_at FROM tickler_sync_webhooks
            WHERE \(source)::text IS NULL OR source = \(source) ORDER BY source, model
            """).compactMap { r in
            guard let (source, model, id, secret, status, expires) = try? r.decode((String, String, String, String, String, Date).self) else {
                return nil
            }
            return SyncWebhook(source: source, model: model, id: id, secret: secret, status: status, expiresAt: Instant(expires))
        }
    }

    public func saveSyncWebhook(_ w: SyncWebhook) async throws {
        _ = try await rows("""
            INSERT INTO tickler_sync_webhooks (source, model, webhook_id, secret, status, expires_at)
            VALUES (\(w.source), \(w.model), \(w.id), \(w.secret), \(w.status), \(w.expiresAt.date))
            ON CONFLICT (source, model) DO UPDATE SET webhook_id = excluded.webhook_id, secret = excluded.secret,
                status = excluded.status, expires_at = excluded.expires_at
            """)
    }

    public func removeSyncWebhook(source: String, model: String) async throws {
        _ = try await rows("DELETE FROM tickler_sync_webhooks WHERE source = \(source) AND model = \(model)")
    }
}
