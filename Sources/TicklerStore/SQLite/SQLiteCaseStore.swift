import Foundation
import GRDB
import GRDBSQLite
import Synchronization
import TicklerCore

/// The embedded store: one SQLite file in WAL mode, shared by `ticklerd`, `tickler` and integrations.
public final class SQLiteCaseStore: CaseStore, Sendable {
    public let path: String
    /// The file opened: when another file is put at `path`, this store is closed, never written again.
    public let identity: FileIdentity
    let pool: DatabasePool

    /// Opens (and migrates) the store at `path`. With `create: false` a missing file is an error rather
    /// than a new empty store, so a mistyped `--store` does not report an empty firm.
    public init(path: String, create: Bool, busyTimeout: Duration = .seconds(10)) throws(StoreUnavailable) {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw StoreUnavailable("no store at \(path) (create one with 'tickler import' or 'tickler demo-data')")
        }
        var config = GRDB.Configuration()
        config.busyMode = .timeout(Double(busyTimeout.components.seconds) + Double(busyTimeout.components.attoseconds) / 1e18)
        config.label = "tickler"
        // Every connection of the pool is to the file the first one opened: a connection opened (on demand)
        // after another file was put at the path is refused before it reads anything, so the new file is
        // never read through the old file's write-ahead log, nor checkpointed with it.
        let opened = Mutex<FileIdentity?>(nil)
        config.prepareDatabase { db in
            // The writer keeps 32 MiB of pages (SQLite's default is 2 MiB): the ledger's indexes it inserts
            // into stay in memory instead of being read again at every insert of a large catch-up.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -32768") }
            let now = FileIdentity(path: path)
            let same = opened.withLock { first in
                if first == nil { first = now }
                return now != nil && first == now
            }
            if !same { throw StoreUnavailable("the store file \(path) was replaced or removed") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
        } catch {
            throw StoreUnavailable("cannot open the store at \(path): \(Self.describe(error))")
        }
        guard let identity = opened.withLock({ $0 }) else {
            try? pool.close()
            throw StoreUnavailable("the store file \(path) went away while it was opened")
        }
        self.identity = identity
    }

    /// Folds the write-ahead log into the file it belongs to and empties it, then closes every connection
    /// (after the accesses in progress); every later access fails. The pool's last connection is often a
    /// read-only one, which cannot checkpoint as it closes: without this, the log would stay beside the
    /// path holding this file's last writes, to be read into whatever file is put there next, and a copy
    /// of the file alone would miss them.
    public func close() {
        _ = try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try? pool.close()
    }

    /// Writes in one transaction, only while `path` still names the file this store opened: a store file
    /// replaced or removed under a running daemon is never written again (it is closed and the new one
    /// opened).
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write { db in
            try self.checkInPlace()
            return try updates(db)
        }
    }

    /// `write` without a transaction: each statement commits on its own.
    func writeWithoutTransaction<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try self.checkInPlace()
            return try updates(db)
        }
    }

    /// Whether the file at `path` is still the one this store opened.
    public var isInPlace: Bool { FileIdentity(path: path) == identity }

    private func checkInPlace() throws(StoreUnavailable) {
        guard isInPlace else { throw StoreUnavailable("the store file \(path) was replaced or removed: nothing is written to the old one") }
    }

    /// SQLite's own words (`database is locked`), never the SQL or its arguments.
    public static func describe(_ error: any Error) -> String {
        if let e = error as? StoreUnavailable { return e.message }
        if let e = error as? DatabaseError { return e.message ?? "SQLite error \(e.resultCode.rawValue)" }
        return String(describing: type(of: error))
    }

    public func snapshot(caseIDs: [String]?, detail: SnapshotDetail = .full, people: Bool = true) async throws -> StoreSnapshot {
        // A whole-firm read splits across two connections (communications, the largest table, on the
        // second), and is kept only if both saw the same generation; otherwise it is read on one.
        if caseIDs == nil {
            for _ in 0..<3 {
                async let main = pool.read { db in
                    (try Schema.generation(db), try SnapshotReader(db: db, caseIDs: nil, detail: detail, people: people).read(communications: false))
                }
                async let side = pool.read { db in
                    (try Schema.generation(db), try SnapshotReader(db: db, caseIDs: nil, detail: detail, people: false).communications())
                }
                var (a, b) = try await (main, side)
                if a.0 == b.0 {
                    SnapshotReader.attach(b.1, to: &a.1)
                    return a.1
                }
            }
        }
        return try await pool.read { db in
            try SnapshotReader(db: db, caseIDs: caseIDs, detail: detail, people: people).read()
        }
    }

    /// The store's generation: it changes whenever a case table is written.
    public func generation() async throws -> Int64 {
        try await pool.read { db in try Schema.generation(db) }
    }

    /// What changed in the (at most `limit`) feed entries after `sequence`: the cases touched (by them or
    /// their records), whether people changed, and the sequence to ask from next time.
    public func changes(after sequence: Int64, limit: Int = .max) async throws -> ChangeSet {
        try await pool.read { db in
            var set = ChangeSet(through: sequence)
            set.generation = try Schema.generation(db)
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, table_name, case_id FROM tickler_changes WHERE seq > ? ORDER BY seq LIMIT ?",
                                           arguments: [sequence, limit == .max ? -1 : limit])
            var read = 0
            while let row = try rows.next() {
                read += 1
                set.through = row.int64(0) ?? set.through
                // A case id that is not text (bytes written by an integration) names no readable case.
                if row.hasNull(atIndex: 2) {
                    if row.text(1) == "people" { set.people = true }
                } else if let id = row.text(2) {
                    set.cases.insert(id)
                }
            }
            set.more = limit != .max && read == limit && set.through < set.generation
            return set
        }
    }

    /// Records the daemon's health (`tickler status` reads it): each key under `daemon.` in `tickler_state`.
    public func saveHealth(_ values: [String: String]) async throws {
        try await write { db in
            for (k, v) in values {
                try db.execute(sql: "INSERT INTO tickler_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: ["daemon." + k, v])
            }
        }
    }

    /// The daemon's health as it last saved it (keys without the `daemon.` prefix).
    public func health() async throws -> [String: String] {
        try await pool.read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM tickler_state WHERE key LIKE 'daemon.%'") {
                if let key = row.text(0), let value = row.text(1) { out[String(key.dropFirst(7))] = value }
            }
            return out
        }
    }

    /// Drops feed entries up to `sequence` (every reader has seen them), the oldest `limit` at most.
    public func pruneChanges(through sequence: Int64, limit: Int = .max) async throws {
        try await write { db in
            if limit == .max {
                try db.execute(sql: "DELETE FROM tickler_changes WHERE seq <= ?", arguments: [sequence])
            } else {
                // `seq` is the rowid: both bounds are ranges of the table's own b-tree.
                try db.execute(sql: """
                    DELETE FROM tickler_changes WHERE seq <= ? AND seq < (SELECT min(seq) FROM tickler_changes) + ?
                    """, arguments: [sequence, limit])
            }
        }
    }

    public func ledgerFacts(caseIDs: [String]?) async throws -> LedgerState {
        try await pool.read { db in try Self.ledgerFacts(db, caseIDs: caseIDs) }
    }

    /// The holds in force (snoozes and acks not ended) of `caseIDs` (all when nil).
    public func snoozes(caseIDs: [String]?) async throws -> [Snooze] {
        try await pool.read { db in try Self.holds(db, caseIDs: caseIDs) }
    }

    static func ledgerFacts(_ db: Database, caseIDs: [String]?) throws -> LedgerState {
        var state = LedgerState()
        let (filter, args) = IDSet.whereClause("case_id", caseIDs)
        let statement = try db.makeStatement(sql: "SELECT case_id, policy, subject, anchor_at, stage, repeat FROM tickler_ledger \(filter)")
        try statement.setArguments(args)
        try each(statement, db) { s in
            if let fact = LedgerFactRow(s) { state.record(fact.cycle, fact.step) }
        }
        return state
    }

    static func holds(_ db: Database, caseIDs: [String]?) throws -> [Snooze] {
        let (filter, args) = IDSet.whereClause("case_id", caseIDs)
        let active = (filter.isEmpty ? "WHERE" : filter + " AND") + " ended_at IS NULL"
        let statement = try db.makeStatement(sql: "SELECT case_id, policy, until_at, subject, anchor_at FROM tickler_holds \(active)")
        try statement.setArguments(args)
        var out: [Snooze] = []
        try each(statement, db) { s in
            if let hold = HoldRow.snooze(s) { out.append(hold) }
        }
        return out
    }

    /// Reads in one read transaction (one consistent state of the store).
    func readTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    public func existingIDs(table: String, among ids: Set<String>) async throws -> Set<String> {
        precondition(Schema.caseTables.contains(table))
        if ids.isEmpty { return [] }
        return try await pool.read { db in
            let set = IDSet(ids)
            let rows = try Row.fetchAll(db, sql: "SELECT id FROM \(table) WHERE \(set.sql("id"))", arguments: [set.argument])
            return Set(rows.compactMap { $0.text(0) })
        }
    }

    public func write(_ batch: ImportBatch, now: Instant) async throws {
        try await write { db in try ImportWriter(db: db, now: now).write(batch) }
    }

    public func caseIDs(number: String) async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM cases WHERE number = ? ORDER BY id", arguments: [number]) }
    }
}
