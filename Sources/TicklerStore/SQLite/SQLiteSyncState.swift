import GRDB
import TicklerCore

/// A sync's place on SQLite: versions, cursors and runs (migration v16-sync-state).
extension SQLiteCaseStore: SyncState {
    public func writeSynced(_ batch: ImportBatch, versions: [String: Instant], cursor: SyncCursor?, now: Instant) async throws -> SyncWrite {
        try await write { db in
            var stored: [String: Instant] = [:]
            if !versions.isEmpty {
                let set = IDSet(versions.keys)
                for row in try Row.fetchAll(db, sql: "SELECT id, version FROM tickler_sync_versions WHERE \(set.sql("id"))",
                                            arguments: [set.argument]) {
                    if let id = row.text(0), let v = row.text(1).flatMap(RFC3339.parse) { stored[id] = v }
                }
            }
            let current = ImportBatch.current(versions, stored: stored)
            let fresh = batch.leaving(current)
            try ImportWriter(db: db, now: now).write(fresh)
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO tickler_sync_versions (id, version) VALUES (?, ?)
                ON CONFLICT(id) DO UPDATE SET version = excluded.version
                """)
            for (key, version) in versions where !current.contains(key) { try upsert.execute(arguments: [key, version.rfc3339]) }
            if let c = cursor {
                try db.execute(sql: """
                    INSERT INTO tickler_sync_cursors (source, model, since, next_page, pass_started_at, synced_from) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(source, model) DO UPDATE SET since = excluded.since, next_page = excluded.next_page,
                        pass_started_at = excluded.pass_started_at, synced_from = excluded.synced_from
                    """, arguments: [c.source, c.model, c.since?.rfc3339, c.nextPage, c.passStartedAt?.rfc3339, c.syncedFrom?.rfc3339])
            }
            return SyncWrite(written: fresh.recordKeys.count, current: current.count)
        }
    }

    public func deleteSynced(key: String, version: Instant) async throws -> Bool {
        try await write { db in
            if let stored = try Row.fetchOne(db, sql: "SELECT version FROM tickler_sync_versions WHERE id = ?", arguments: [key])?
                .text(0).flatMap(RFC3339.parse), stored > version { return false }
            try db.execute(sql: """
                INSERT INTO tickler_sync_versions (id, version) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version
                """, arguments: [key, version.rfc3339])
            var removed = 0
            for table in ["communications", "deadlines", "document_requests", "appointments", "events"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [key])
                removed += db.changesCount
            }
            try db.execute(sql: "DELETE FROM contacts WHERE case_id = ? AND id LIKE 'clio:%'", arguments: [key])
            removed += db.changesCount
            try db.execute(sql: "DELETE FROM cases WHERE id = ?", arguments: [key])
            removed += db.changesCount
            try db.execute(sql: "DELETE FROM people WHERE id = ?", arguments: [key])
            removed += db.changesCount
            return removed > 0
        }
    }

    public func contactRowIDs(prefixes: [String]) async throws -> [String] {
        if prefixes.isEmpty { return [] }
        return try await pool.read { db in
            // A range of the primary key per prefix: every id that starts with it sorts between it and it
            // followed by the highest character.
            let statement = try db.cachedStatement(sql: "SELECT id FROM contacts WHERE id >= ? AND id < ? ORDER BY id")
            var out: [String] = []
            for p in Set(prefixes).sorted() {
                out += try String.fetchAll(statement, arguments: [p, p + "\u{10FFFF}"])
            }
            return out
        }
    }

    public func syncCursors(source: String) async throws -> [SyncCursor] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT model, since, next_page, pass_started_at, synced_from FROM tickler_sync_cursors WHERE source = ? ORDER BY model
                """, arguments: [source]).compactMap { r in
                guard let model = r.text(0) else { return nil }
                return SyncCursor(source: source, model: model, since: r.text(1).flatMap(RFC3339.parse), nextPage: r.text(2),
                                  passStartedAt: r.text(3).flatMap(RFC3339.parse), syncedFrom: r.text(4).flatMap(RFC3339.parse))
            }
        }
    }

    public func syncRun(source: String) async throws -> SyncRun? {
        try await pool.read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT started_at, finished_at, written, current, skipped, requests, synced_from, error, error_since
                FROM tickler_sync_runs WHERE source = ?
                """, arguments: [source]), let started = r.text(0).flatMap(RFC3339.parse) else { return nil }
            return SyncRun(source: source, startedAt: started, finishedAt: r.text(1).flatMap(RFC3339.parse), written: r.integer(2) ?? 0,
                           current: r.integer(3) ?? 0, skipped: r.integer(4) ?? 0, requests: r.integer(5) ?? 0,
                           syncedFrom: r.text(6).flatMap(RFC3339.parse), error: r.text(7), errorSince: r.text(8).flatMap(RFC3339.parse))
        }
    }

    public func saveSyncRun(_ run: SyncRun) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO tickler_sync_runs (source, started_at, finished_at, written, current, skipped, requests, synced_from, error,
                    error_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(source) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
                    written = excluded.written, current = excluded.current, skipped = excluded.skipped, requests = excluded.requests,
                    synced_from = excluded.synced_from, error = excluded.error, error_since = excluded.error_since
                """, arguments: [run.source, run.startedAt.rfc3339, run.finishedAt?.rfc3339, run.written, run.current, run.skipped,
                                 run.requests, run.syncedFrom?.rfc3339, run.error, run.errorSince?.rfc3339])
        }
    }

    public func syncWebhooks(source: String?) async throws -> [SyncWebhook] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT source, model, webhook_id, secret, status, expires_at FROM tickler_sync_webhooks
                WHERE ? IS NULL OR source = ? ORDER BY source, model
                """, arguments: [source, source]).compactMap { r in
                guard let source = r.text(0), let model = r.text(1), let id = r.text(2), let secret = r.text(3), let status = r.text(4),
                      let expires = r.text(5).flatMap(RFC3339.parse) else { return nil }
                return SyncWebhook(source: source, model: model, id: id, secret: secret, status: status, expiresAt: expires)
            }
        }
    }

    public func saveSyncWebhook(_ w: SyncWebhook) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO tickler_sync_webhooks (source, model, webhook_id, secret, status, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(source, model) DO UPDATE SET webhook_id = excluded.webhook_id, secret = excluded.secret,
                    status = excluded.status, expires_at = excluded.expires_at
                """, arguments: [w.source, w.model, w.id, w.secret, w.status, w.expiresAt.rfc3339])
        }
    }

    public func removeSyncWebhook(source: String, model: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM tickler_sync_webhooks WHERE source = ? AND model = ?", arguments: [source, model])
        }
    }
}
