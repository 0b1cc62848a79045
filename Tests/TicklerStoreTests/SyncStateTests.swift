import Foundation
import Testing
import TicklerCore
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerStore

/// A sync's place in the store, on both stores: a record is written only when it is newer than the version
/// the store holds (a repeat or an older version writes nothing, not even to the change feed), the
/// cursor is written with the rows, and the last run reads back.
@Suite struct SyncStateTests {
    enum Kind: String, CaseIterable { case sqlite, postgres }

    static func store(_ kind: Kind) async throws -> (any FirmStore, Any?) {
        switch kind {
        case .sqlite: return (try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true), nil)
        case .postgres:
            let db = try TestDatabase()
            return (try await PostgresStoreTests.open(db), db)
        }
    }

    static func t(_ s: String) -> Instant { RFC3339.parse(s)! }

    /// A matter's rows: its case (titled `title`) and its client's contact, both keyed by the matter.
    static func matter(_ title: String) -> ImportBatch {
        var b = ImportBatch()
        let c = CaseSnapshot(id: "clio:matter:1", number: "M-1", title: title, clientName: "Ann", status: .open, openedAt: t("2026-09-01T04:00:00Z"))
        b.cases = [.init(source: "clio:matter:1", record: .init(fields: c, updatedAt: t("2026-12-01T10:00:00Z")))]
        b.contacts = [.init(source: "clio:matter:1", caseID: "clio:matter:1", record: Contact(id: "clio:contact:9", name: "Ann"))]
        return b
    }

    @Test(arguments: Kind.allCases)
    func onlyANewerVersionIsWritten(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        let now = Self.t("2026-12-06T12:00:00Z")
        let v1 = ["clio:matter:1": Self.t("2026-12-01T10:00:00Z")]
        #expect(try await store.writeSynced(Self.matter("First"), versions: v1, cursor: nil, now: now) == SyncWrite(written: 1, current: 0))
        let generation = try await store.generation()
        // The same version again (a repeated delivery) and an older one (a late delivery): nothing written.
        #expect(try await store.writeSynced(Self.matter("Repeat"), versions: v1, cursor: nil, now: now) == SyncWrite(written: 0, current: 1))
        let older = ["clio:matter:1": Self.t("2026-11-30T10:00:00Z")]
        #expect(try await store.writeSynced(Self.matter("Older"), versions: older, cursor: nil, now: now) == SyncWrite(written: 0, current: 1))
        #expect(try await store.generation() == generation)
        var full = try await store.snapshot(caseIDs: ["clio:matter:1"], detail: .full, people: false).cases
        #expect(full.map(\.title) == ["First"])
        // A newer one is written, case and contact.
        let v2 = ["clio:matter:1": Self.t("2026-12-02T10:00:00Z")]
        #expect(try await store.writeSynced(Self.matter("Second"), versions: v2, cursor: nil, now: now) == SyncWrite(written: 1, current: 0))
        #expect(try await store.generation() > generation)
        full = try await store.snapshot(caseIDs: ["clio:matter:1"], detail: .full, people: false).cases
        #expect(full.map(\.title) == ["Second"])
        #expect(full.first?.contacts.map(\.id) == ["clio:contact:9"])
        // A record without a version is always written.
        #expect(try await store.writeSynced(Self.matter("Unversioned"), versions: [:], cursor: nil, now: now) == SyncWrite(written: 1, current: 0))
    }

    @Test(arguments: Kind.allCases)
    func cursorsAndRunsReadBack(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        let now = Self.t("2026-12-06T12:00:00Z")
        #expect(try await store.syncCursors(source: "clio").isEmpty)
        #expect(try await store.syncRun(source: "clio") == nil)
        let mid = SyncCursor(source: "clio", model: "matters", since: Self.t("2026-12-05T11:55:00Z"),
                             nextPage: "https://app.clio.com/api/v4/matters.json?page_token=abc", passStartedAt: Self.t("2026-12-06T11:59:00Z"),
                             syncedFrom: Self.t("2026-12-05T12:00:00Z"))
        _ = try await store.writeSynced(Self.matter("First"), versions: [:], cursor: mid, now: now)
        #expect(try await store.syncCursors(source: "clio") == [mid])
        var done = mid
        (done.nextPage, done.since, done.syncedFrom, done.passStartedAt) = (nil, nil, mid.passStartedAt, nil)
        _ = try await store.writeSynced(ImportBatch(), versions: [:], cursor: done, now: now)
        #expect(try await store.syncCursors(source: "clio") == [done])
        #expect(try await store.syncCursors(source: "other").isEmpty)
        let run = SyncRun(source: "clio", startedAt: Self.t("2026-12-06T11:59:00Z"), finishedAt: now, written: 3, current: 4, skipped: 1,
                          requests: 9, syncedFrom: Self.t("2026-12-06T11:59:00Z"), error: "Clio: HTTP 503", errorSince: Self.t("2026-12-06T11:00:00Z"))
        try await store.saveSyncRun(run)
        #expect(try await store.syncRun(source: "clio") == run)
        var next = run
        (next.error, next.errorSince, next.finishedAt) = (nil, nil, nil)
        try await store.saveSyncRun(next)
        #expect(try await store.syncRun(source: "clio") == next)
    }

    @Test(arguments: Kind.allCases)
    func webhooksReadBack(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        #expect(try await store.syncWebhooks(source: nil).isEmpty)
        let matter = SyncWebhook(source: "clio", model: "matter", id: "41", secret: "s1", status: "pending", expiresAt: Self.t("2027-01-05T12:00:00Z"))
        let task = SyncWebhook(source: "clio", model: "task", id: "42", secret: "s2", status: "enabled", expiresAt: Self.t("2027-01-05T12:00:01Z"))
        try await store.saveSyncWebhook(matter)
        try await store.saveSyncWebhook(task)
        var enabled = matter
        enabled.status = "enabled"
        try await store.saveSyncWebhook(enabled)
        #expect(try await store.syncWebhooks(source: "clio") == [enabled, task])
        #expect(try await store.syncWebhooks(source: "other") == [])
        try await store.removeSyncWebhook(source: "clio", model: "matter")
        #expect(try await store.syncWebhooks(source: nil) == [task])
    }

    /// The rows of one Clio contact, by the prefix of their ids: not another contact's whose id starts alike.
    @Test(arguments: Kind.allCases)
    func aContactsRowsAreFoundByTheirPrefix(_ kind: Kind) async throws {
        let (store, keep) = try await Self.store(kind)
        defer { _ = keep }
        var b = ImportBatch()
        for (contact, matter) in [(5, 1), (50, 2), (5, 3), (6, 4)] {
            let caseID = "clio:matter:\(matter)"
            b.cases.append(.init(source: caseID, record: .init(fields: CaseSnapshot(id: caseID, number: "M-\(matter)", status: .open,
                                                                                    openedAt: Self.t("2026-09-01T04:00:00Z")), updatedAt: nil)))
            b.contacts.append(.init(source: caseID, caseID: caseID, record: Contact(id: "clio:contact:\(contact):matter:\(matter)", name: "K")))
        }
        try await store.write(b, now: Self.t("2026-12-06T12:00:00Z"))
        #expect(try await store.contactRowIDs(prefixes: ["clio:contact:5:"]) == ["clio:contact:5:matter:1", "clio:contact:5:matter:3"])
        #expect(try await store.contactRowIDs(prefixes: ["clio:contact:6:", "clio:contact:7:", "clio:contact:6:"]) == ["clio:contact:6:matter:4"])
        #expect(try await store.contactRowIDs(prefixes: []) == [])
    }
}
