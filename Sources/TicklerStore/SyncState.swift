import TicklerCore

/// Where a practice-management sync (`tickler sync clio`) keeps its place in the store, so that a sync
/// killed anywhere resumes without writing a record twice:
/// - each record's version (the source's `updated_at`) as last written: a delivery or a page that brings
///   the same or an older version writes nothing;
/// - each model's cursor: the page a pass reads next, written in the same transaction as the rows of the
///   page before it;
/// - the last run, for `tickler status`;
/// - its webhooks, for the receiver that checks their deliveries.
public protocol SyncState: Sendable {
    /// Writes the rows of `batch` whose record is newer than the version stored for it (a record without a
    /// version is always written), then the versions and `cursor`, in one transaction. `versions` maps a
    /// record's key (the `source` of its rows) to its version.
    func writeSynced(_ batch: ImportBatch, versions: [String: Instant], cursor: SyncCursor?, now: Instant) async throws -> SyncWrite
    /// Removes the rows of a record deleted at the source (`key`: the record's Tickler id; a matter's case
    /// goes with its contacts) unless the store holds a version newer than `version`, and records `version`
    /// so that an older delivery does not bring the record back. Returns whether rows were removed.
    func deleteSynced(key: String, version: Instant) async throws -> Bool
    /// The ids of `contacts` rows that start with any of `prefixes` (`clio:contact:501:`: the rows of one
    /// Clio contact, one per matter it is the client of), in id order.
    func contactRowIDs(prefixes: [String]) async throws -> [String]
    /// The cursors of `source`'s models.
    func syncCursors(source: String) async throws -> [SyncCursor]
    /// The last run of `source`, if it ever ran.
    func syncRun(source: String) async throws -> SyncRun?
    /// Records `run` as `source`'s last.
    func saveSyncRun(_ run: SyncRun) async throws
    /// The webhooks of `source` (every source when nil): what the receiver checks deliveries against.
    func syncWebhooks(source: String?) async throws -> [SyncWebhook]
    /// Records a model's webhook (replacing the one it had).
    func saveSyncWebhook(_ webhook: SyncWebhook) async throws
    /// Forgets a model's webhook.
    func removeSyncWebhook(source: String, model: String) async throws
}

/// A webhook a sync subscribed: the source posts a model's changes to the receiver, each delivery signed
/// with `secret` (kept in the store, like the rest of the firm's data, and never written anywhere else).
public struct SyncWebhook: Sendable, Equatable {
    public var source: String
    public var model: String
    /// The source's id of the webhook.
    public var id: String
    public var secret: String
    /// `pending` until the handshake completed, then `enabled`.
    public var status: String
    public var expiresAt: Instant

    public init(source: String, model: String, id: String, secret: String, status: String, expiresAt: Instant) {
        self.source = source
        self.model = model
        self.id = id
        self.secret = secret
        self.status = status
        self.expiresAt = expiresAt
    }
}

/// What a sync write did.
public struct SyncWrite: Sendable, Equatable {
    /// Records written.
    public var written: Int
    /// Records left alone: the store already had that version or a newer one.
    public var current: Int

    public init(written: Int, current: Int) {
        self.written = written
        self.current = current
    }
}

/// Where a sync stands in one model (`matters`) of one source (`clio`).
public struct SyncCursor: Sendable, Equatable {
    public var source: String
    public var model: String
    /// The pass under way: its `updated_since` (nil: every record), the page it reads next, and when it
    /// started. `nextPage` nil: no pass under way.
    public var since: Instant?
    public var nextPage: String?
    public var passStartedAt: Instant?
    /// When the last complete pass started: the next pass asks for the records updated since then.
    public var syncedFrom: Instant?

    public init(source: String, model: String, since: Instant? = nil, nextPage: String? = nil, passStartedAt: Instant? = nil,
                syncedFrom: Instant? = nil) {
        self.source = source
        self.model = model
        self.since = since
        self.nextPage = nextPage
        self.passStartedAt = passStartedAt
        self.syncedFrom = syncedFrom
    }
}

/// A sync's last run, as `tickler status` shows it.
public struct SyncRun: Sendable, Equatable {
    public var source: String
    public var startedAt: Instant
    /// Nil while it runs (or when it was killed).
    public var finishedAt: Instant?
    public var written: Int
    public var current: Int
    public var skipped: Int
    public var requests: Int
    /// When the last complete pass over every model started: what the store is known to hold is at least
    /// as new as that (the lag is measured from it).
    public var syncedFrom: Instant?
    /// The failure that ended the run, and since when the source has been failing (the first failed run
    /// after a good one).
    public var error: String?
    public var errorSince: Instant?

    public init(source: String, startedAt: Instant, finishedAt: Instant? = nil, written: Int = 0, current: Int = 0, skipped: Int = 0,
                requests: Int = 0, syncedFrom: Instant? = nil, error: String? = nil, errorSince: Instant? = nil) {
        self.source = source
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.written = written
        self.current = current
        self.skipped = skipped
        self.requests = requests
        self.syncedFrom = syncedFrom
        self.error = error
        self.errorSince = errorSince
    }
}

extension ImportBatch {
    /// The keys of `versions` whose record the store holds as new or newer (`stored`): their rows are left out.
    package static func current(_ versions: [String: Instant], stored: [String: Instant]) -> Set<String> {
        Set(versions.compactMap { key, version in stored[key].map { $0 >= version } == true ? key : nil })
    }

    /// The batch without the rows of the records `keys` (by their `source`).
    package func leaving(_ keys: Set<String>) -> ImportBatch {
        if keys.isEmpty { return self }
        var out = self
        out.people.removeAll { keys.contains($0.source) }
        out.cases.removeAll { keys.contains($0.source) }
        out.communications.removeAll { keys.contains($0.source) }
        out.deadlines.removeAll { keys.contains($0.source) }
        out.documentRequests.removeAll { keys.contains($0.source) }
        out.appointments.removeAll { keys.contains($0.source) }
        out.events.removeAll { keys.contains($0.source) }
        out.contacts.removeAll { keys.contains($0.source) }
        return out
    }

    /// The distinct record keys (`source`s) of the batch's rows.
    package var recordKeys: Set<String> {
        var keys = Set<String>()
        keys.formUnion(people.map(\.source))
        keys.formUnion(cases.map(\.source))
        keys.formUnion(communications.map(\.source))
        keys.formUnion(deadlines.map(\.source))
        keys.formUnion(documentRequests.map(\.source))
        keys.formUnion(appointments.map(\.source))
        keys.formUnion(events.map(\.source))
        keys.formUnion(contacts.map(\.source))
        return keys
    }
}
