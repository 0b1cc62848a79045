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

    /// Records fires and skipped steps, each once: a key already in the ledger is left as it is. In the same
    /// transaction, a newly recorded fire is queued and written to its outbox channels as its
    /// `DeliveryPlan` (decided in the core) says, and the cases' wakes are set (or cleared). Returns the
    /// fires that were newly recorded.
    public func record(fires: [Fire], skipped: [SkippedStep], explanations: [String: String] = [:],
                       channels: [String: ChannelSettings] = [:], wakes: [CaseWake] = [], now: Instant) async throws -> [Fire] {
        try await write { db in
            var recorded: [Fire] = []
            let sql = """
                INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, action,
                    due_at, fired_at, deliver_at, recipients, channels, explanation, recorded_at, journaled)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """
            let statement = try db.cachedStatement(sql: sql)
            let enqueue = try db.cachedStatement(sql: """
                INSERT INTO tickler_deliveries (kind, source_id, recipient, channel, next_attempt_at) VALUES ('fire', ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            let outbox = try db.cachedStatement(sql: """
                INSERT INTO tickler_outbox (fire_id, channel, case_id, case_number, client_name, policy, stage, repeat, action,
                    subject, due_at, deliver_at, recipients, explanation, created_at)
                VALUES (?, ?, ?, ?, (SELECT client_name FROM cases WHERE id = ? AND ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """)
            for s in skipped {
                try statement.execute(arguments: [
                    s.key.fireID, s.key.cycle.policy, s.key.cycle.subject.description, s.key.cycle.anchor.rfc3339,
                    s.key.step.stage, s.key.step.repeatNumber, s.caseID, "skipped", nil, s.due.rfc3339, now.rfc3339, nil,
                    nil, nil, nil, now.rfc3339, true,
                ])
            }
            for f in fires {
                let recipients = JSONText.array(f.recipients)
                try statement.execute(arguments: [
                    f.fireID, f.policy, f.subject.description, f.key.cycle.anchor.rfc3339, f.key.step.stage,
                    f.key.step.repeatNumber, f.caseID, "fired", f.action.rawValue, f.due.rfc3339, f.firedAt.rfc3339,
                    f.deliverAt.rfc3339, recipients, JSONText.array(f.channels), explanations[f.fireID],
                    now.rfc3339, false,
                ])
                guard db.changesCount > 0 else { continue }
                recorded.append(f)
                let plan = DeliveryPlan(f, channels: channels)
                for q in plan.queued {
                    try enqueue.execute(arguments: [f.fireID, q.recipient, q.channel, q.notBefore.rfc3339])
                }
                for o in plan.outboxed {
                    try outbox.execute(arguments: [
                        f.fireID, o.channel, f.caseID, f.caseNumber, f.caseID, o.includeClient, f.policy, f.key.step.stage,
                        f.key.step.repeatNumber, f.action.rawValue, f.subject.description, f.due.rfc3339,
                        f.deliverAt.rfc3339, recipients, explanations[f.fireID], now.rfc3339,
                    ])
                }
            }
            try Self.setWakes(wakes, db)
            return recorded
        }
    }

    static func setWakes(_ wakes: [CaseWake], _ db: Database) throws {
        if wakes.isEmpty { return }
        let set = try db.cachedStatement(sql: """
            INSERT INTO tickler_wake (case_id, wake_at) VALUES (?, ?) ON CONFLICT(case_id) DO UPDATE SET wake_at = excluded.wake_at
            """)
        let clear = try db.cachedStatement(sql: "DELETE FROM tickler_wake WHERE case_id = ?")
        for w in wakes {
            if let at = w.at { try set.execute(arguments: [w.caseID, at.seconds]) } else { try clear.execute(arguments: [w.caseID]) }
        }
    }

    /// The ledger, oldest first, optionally for one case, one policy, from one instant.
    public func ledger(caseID: String? = nil, policy: String? = nil, since: Instant? = nil) async throws -> [LedgerEntry] {
        try await pool.read { db in
            var conditions: [String] = []
            var args = StatementArguments()
            if let caseID { conditions.append("case_id = ?"); args += [caseID] }
            if let policy { conditions.append("policy = ?"); args += [policy] }
            if let since { conditions.append("fired_at >= ?"); args += [since.rfc3339] }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at,
                    action, recipients, deliver_at, explanation
                FROM tickler_ledger \(filter) ORDER BY fired_at, case_id, policy, stage, repeat
                """, arguments: args)
            return rows.compactMap { Self.ledgerEntry($0) }
        }
    }

    /// One fire of the ledger by its id.
    public func ledgerEntry(fireID: String) async throws -> LedgerEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at,
                    action, recipients, deliver_at, explanation
                FROM tickler_ledger WHERE fire_id = ?
                """, arguments: [fireID]).flatMap { Self.ledgerEntry($0) }
        }
    }

    public func fireIDs(prefix: String, limit: Int) async throws -> [String] {
        try await pool.read { db in
            // A range on the key (fire ids are hex digits: every one with the prefix sorts below prefix + "g").
            try String.fetchAll(db, sql: "SELECT fire_id FROM tickler_ledger WHERE fire_id >= ? AND fire_id < ? ORDER BY fire_id LIMIT ?",
                                arguments: [prefix, prefix + "g", limit])
        }
    }

    static func ledgerEntry(_ row: Row) -> LedgerEntry? {
        guard let fireID = row.text(0), let policy = row.text(1), let subject = row.text(2).flatMap(SubjectRef.init(parsing:)),
              let anchor = row.text(3).flatMap(RFC3339.parse), let stage = row.integer(4), let rep = row.integer(5),
              let caseID = row.text(6), let outcome = row.text(7).flatMap(LedgerEntry.Outcome.init(rawValue:)),
              let due = row.text(8).flatMap(RFC3339.parse), let fired = row.text(9).flatMap(RFC3339.parse) else { return nil }
        let key = FireKey(cycle: CycleKey(policy: policy, subject: subject, anchor: anchor), step: StepIndex(stage: stage, repeat: rep))
        return LedgerEntry(fireID: fireID, key: key, caseID: caseID, outcome: outcome, due: due, firedAt: fired,
                           action: row.text(10).flatMap(Stage.Action.init(rawValue:)),
                           recipients: row.text(11).flatMap(JSONText.parseArray) ?? [],
                           deliverAt: row.text(12).flatMap(RFC3339.parse), explanation: row.text(13))
    }

}

/// Minimal JSON text for lists of strings stored in one column (`tags`, `recipients`).
public enum JSONText {
    /// `["a","b"]`, or with `separator: ", "` the spaced form.
    public static func array(_ items: [String], separator: String = ",") -> String {
        "[" + items.map(quote).joined(separator: separator) + "]"
    }

    /// A quoted JSON string.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Parses a JSON array of strings; nil when the text is not one. Simple arrays (no escapes) are
    /// read directly: the snapshot reader parses the tags of every case.
    static func parseArray(_ text: String) -> [String]? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("["), t.hasSuffix("]"), !t.contains("\\") {
            let inner = t.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return [] }
            var out: [String] = []
            for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
                let item = part.trimmingCharacters(in: .whitespaces)
                guard item.count >= 2, item.hasPrefix("\""), item.hasSuffix("\""), !item.dropFirst().dropLast().contains("\"")
                else { return slowParse(text) }
                out.append(String(item.dropFirst().dropLast()))
            }
            return out
        }
        return slowParse(text)
    }

    private static func slowParse(_ text: String) -> [String]? {
        guard let data = text.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return nil }
        return value as? [String]
    }
}
