import TicklerCore
import TicklerStore

/// One pass of the sync over every model of the Clio account, resumable: each page's rows are written in one
/// transaction with the cursor of the page after it, so a sync killed anywhere resumes at the first page
/// not written, and a record whose version the store already holds is not written again. A pass after a
/// complete one asks only for what was updated since that one started (`SyncSchedule.updatedSince`).
public struct ClioSync: Sendable {
    /// The store's name of this source (cursors, versions and runs are kept under it).
    public static let source = "clio"

    /// A model read by the sync, with the fields asked for: what the mapping reads, nothing more.
    public struct Model: Sendable, Equatable {
        /// The list endpoint's name (`calendar_entries`).
        public var name: String
        /// Its webhook model (`calendar_entry`); nil for one Clio has no webhooks for (users, relationships:
        /// the reconcile brings their changes).
        public var webhookModel: String?
        public var fields: String
    }

    /// Users first (matters name them), then matters, then what belongs to matters.
    public static let models: [Model] = [
        Model(name: "users", webhookModel: nil, fields: "id,name,email,enabled,subscription_type,updated_at"),
        Model(name: "matters", webhookModel: "matter",
              fields: "id,display_number,description,status,open_date,close_date,"
                  + "client{id,name,primary_email_address,primary_phone_number},practice_area{id,name},responsible_attorney{id},"
                  + "responsible_staff{id},matter_stage{id,name},updated_at"),
        // The contacts related to matters other than as clients (a guardian, opposing counsel), with theirs.
        Model(name: "relationships", webhookModel: nil,
              fields: "id,description,matter{id},contact{id,name,primary_email_address,primary_phone_number},updated_at"),
        // Changes to the matters' clients (an email, a phone): read from the second pass on (the first has them
        // from the matters), written to each case the contact is the client of.
        Model(name: "contacts", webhookModel: "contact", fields: "id,name,primary_email_address,primary_phone_number,updated_at"),
        Model(name: "calendar_entries", webhookModel: "calendar_entry",
              fields: "id,summary,start_at,all_day,location,matter{id},attendees{id,type},court_rule{id},updated_at"),
        Model(name: "tasks", webhookModel: "task", fields: "id,name,status,due_at,completed_at,statute_of_limitations,matter{id},updated_at"),
        Model(name: "communications", webhookModel: "communication",
              fields: "id,type,received_at,matter{id},senders{id,type},receivers{id,type},updated_at"),
    ]

    /// What a pass did.
    public struct Outcome: Sendable, Equatable {
        public var written = 0
        public var current = 0
        public var skipped = 0
        /// When the pass that completed started: every record updated before it is in the store.
        public var syncedFrom: Instant?
    }

    public let api: ClioAPI
    public let store: any SyncState
    public let mapping: ClioMapping
    public let clock: any InstantClock

    public init(api: ClioAPI, store: any SyncState, mapping: ClioMapping, clock: any InstantClock = SystemClock()) {
        self.api = api
        self.store = store
        self.mapping = mapping
        self.clock = clock
    }

    /// Every model, each from where its cursor stands; `skipped` hears of each record that was not mapped.
    public func pass(skipped: (ClioMapping.Skipped) -> Void) async throws -> Outcome {
        let cursors = Dictionary(try await store.syncCursors(source: Self.source).map { ($0.model, $0) }, uniquingKeysWith: { a, _ in a })
        var outcome = Outcome()
        var from: Instant?
        let start = clock.now
        for model in Self.models {
            let done = try await pass(model, cursor: cursors[model.name], start: start, outcome: &outcome, skipped: skipped)
            from = from.map { min($0, done) } ?? done
        }
        outcome.syncedFrom = from
        return outcome
    }

    /// One model's pass (resumed where its cursor stands); returns when it started.
    private func pass(_ model: Model, cursor stored: SyncCursor?, start: Instant, outcome: inout Outcome,
                      skipped: (ClioMapping.Skipped) -> Void) async throws -> Instant {
        var cursor = stored ?? SyncCursor(source: Self.source, model: model.name)
        var resumed = cursor.nextPage != nil
        if !resumed {
            cursor.passStartedAt = clock.now
            cursor.since = SyncSchedule.updatedSince(cursor.syncedFrom)
        }
        if model.name == "contacts" && !resumed && cursor.since == nil {
            // The first pass: every client came with its matter, no later than this run began.
            cursor.syncedFrom = start
            cursor.passStartedAt = nil
            _ = try await store.writeSynced(ImportBatch(), versions: [:], cursor: cursor, now: clock.now)
            return start
        }
        var url = cursor.nextPage
        var page: ClioBatchPage
        while true {
            do {
                page = try await self.page(model, since: cursor.since, at: url)
                break
            } catch ClioAPI.Failure.refused where resumed {
                // The page the cursor kept is no longer served (its token expired): the pass starts over; records
                // already written are current and not written again.
                resumed = false
                cursor.passStartedAt = clock.now
                cursor.since = SyncSchedule.updatedSince(cursor.syncedFrom)
                url = nil
            }
        }
        while true {
            for s in page.batch.skipped { skipped(s) }
            outcome.skipped += page.batch.skipped.count
            let since = cursor.since
            cursor.nextPage = page.next
            if page.next == nil {
                cursor.syncedFrom = cursor.passStartedAt
                cursor.since = nil
                cursor.passStartedAt = nil
            }
            // The next page is asked for while this one is written: the request and its decoding overlap the
            // write (the cursor written is still this page's, so a kill loses nothing).
            let nextURL = page.next
            async let following = next(model, since: since, at: nextURL)
            let w = try await store.writeSynced(page.batch.batch, versions: page.batch.versions, cursor: cursor, now: clock.now)
            outcome.written += w.written
            outcome.current += w.current
            guard let after = try await following else { break }
            page = after
        }
        return cursor.syncedFrom ?? clock.now
    }

    /// The page at `url`, or nil when there is none.
    private func next(_ model: Model, since: Instant?, at url: String?) async throws -> ClioBatchPage? {
        guard let url else { return nil }
        return try await page(model, since: since, at: url)
    }

    /// A page of `model` as a batch.
    private func page(_ model: Model, since: Instant?, at url: String?) async throws -> ClioBatchPage {
        switch model.name {
        case "users": return try await page(model, Clio.User.self, since: since, at: url) { $0.add(users: $1) }
        case "matters": return try await page(model, Clio.Matter.self, since: since, at: url) { $0.add(matters: $1) }
        case "calendar_entries": return try await page(model, Clio.CalendarEntry.self, since: since, at: url) { $0.add(calendarEntries: $1) }
        case "tasks": return try await page(model, Clio.Task.self, since: since, at: url) { $0.add(tasks: $1) }
        case "relationships": return try await page(model, Clio.Relationship.self, since: since, at: url) { $0.add(relationships: $1) }
        case "contacts":
            let p = try await api.page(model.name, fields: model.fields, since: since, at: url, as: Clio.Contact.self)
            let rows = try await store.contactRowIDs(prefixes: ClioBatch.rowPrefixes(p.data))
            var batch = ClioBatch(mapping: mapping)
            batch.add(contacts: p.data, rows: rows)
            return ClioBatchPage(batch: batch, next: p.next)
        default: return try await page(model, Clio.Communication.self, since: since, at: url) { $0.add(communications: $1) }
        }
    }

    private func page<R: Decodable & Sendable>(_ model: Model, _ type: R.Type, since: Instant?, at url: String?,
                                               add: (inout ClioBatch, [R]) -> Void) async throws -> ClioBatchPage {
        let p = try await api.page(model.name, fields: model.fields, since: since, at: url, as: R.self)
        var batch = ClioBatch(mapping: mapping)
        add(&batch, p.data)
        return ClioBatchPage(batch: batch, next: p.next)
    }
}

/// A page's batch and the page after it.
struct ClioBatchPage: Sendable {
    var batch: ClioBatch
    var next: String?
}
