import Foundation
import GRDB
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// Another file put at the store's path while the daemon runs: the daemon closes the old one (its lanes
/// too), opens the new one, and what the new one holds fires; nothing is written to the old file after
/// the swap, and nothing of it comes back into the new one.
@Suite(.serialized, .ownThreads) struct StoreReplacementTests {
    enum Swap: String, CaseIterable, Sendable {
        /// `rm tickler.db; cp backup.db tickler.db`
        case restoreFromBackup
        /// `mv new.db tickler.db`
        case moveOver
        /// The file removed, a tick without it, then a file created at the path.
        case deleteThenRecreate
    }

    static let reminderDue = RFC3339.parse("2026-09-17T16:00:00Z")!

    static func addCase(_ id: String, to path: String) async throws {
        let store = try SQLiteCaseStore(path: path, create: false)
        var batch = ImportBatch()
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: id, number: "N-\(id)", clientName: "Canary Client", status: .open, assigneeID: "p1", attorneyID: "a1",
            openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!), updatedAt: nil))]
        try await store.write(batch, now: Instant(seconds: 0))
        store.close()
    }

    /// (case ids, fired case ids, deliveries not delivered, last tick) of the store file at `path`.
    static func contents(_ path: String) throws -> (cases: [String], fired: [String], undelivered: Int, lastTick: String?) {
        let db = try DatabaseQueue(path: path)
        defer { try? db.close() }
        return try db.read { db in
            (try String.fetchAll(db, sql: "SELECT id FROM cases ORDER BY id"),
             try String.fetchAll(db, sql: "SELECT case_id FROM tickler_ledger WHERE outcome = 'fired' ORDER BY case_id"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tickler_deliveries WHERE status != 'delivered'") ?? -1,
             try String.fetchOne(db, sql: "SELECT value FROM tickler_state WHERE key = 'daemon.last_tick_at'"))
        }
    }

    @Test(arguments: Swap.allCases)
    func anotherFileAtTheStorePathIsOpenedAndTheOldOneIsNeverWrittenAgain(_ swap: Swap) async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let firm = try await DeliveryFirm(cases: 2, smtpPort: sink.port)
        let path = firm.dir + "/tickler.db"
        let backup = firm.dir + "/backup.db"
        try FileManager.default.copyItem(atPath: path, toPath: backup)
        try await Self.addCase("c9", to: backup)  // only in the backup
        try await Self.addCase("c5", to: path)  // only in the file in use
        // A second name for the file in use, to read it after it has left the path.
        #expect(link(path, firm.dir + "/old.db") == 0)

        let clock = ManualClock(Self.reminderDue)
        let recorded = RecordedEvents()
        let daemon = try await Daemon(options: .init(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                                     events: recorded.log))
        try await daemon.catchUp()
        #expect(await daemon.deliverQueued(timeout: .seconds(60)))
        let before = try Self.contents(path)
        #expect(before.fired == ["c0", "c1", "c5"])

        switch swap {
        case .restoreFromBackup:
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: backup, toPath: path)
        case .moveOver:
            try FileManager.default.copyItem(atPath: backup, toPath: firm.dir + "/new.db")
            #expect(rename(firm.dir + "/new.db", path) == 0)
        case .deleteThenRecreate:
            try FileManager.default.removeItem(atPath: path)
            clock.set(clock.now.adding(seconds: 2))
            await daemon.timerFired()
            #expect(recorded.of(.storeOutage).count == 1)
            try FileManager.default.copyItem(atPath: backup, toPath: path)
        }
        clock.set(clock.now.adding(seconds: 5))
        await daemon.timerFired()
        #expect(recorded.of(.storeReplaced).count == 1)
        #expect(recorded.of(.storeReplaced).first?.fields["store"] == path)
        #expect(await daemon.deliverQueued(timeout: .seconds(60)))
        clock.set(clock.now.adding(seconds: 5))
        await daemon.timerFired()
        await daemon.stop()

        // The file at the path: the backup's cases, each due step fired from it, every delivery sent by the
        // lanes (which write to the new file), and nothing of the old file.
        let now = try Self.contents(path)
        #expect(now.cases == ["c0", "c1", "c9"])
        #expect(now.fired == ["c0", "c1", "c9"])
        #expect(now.undelivered == 0)
        #expect(now.lastTick == clock.now.rfc3339)
        // The old file was left as it was at the swap.
        let old = try Self.contents(firm.dir + "/old.db")
        #expect(old.cases == ["c0", "c1", "c5"])
        #expect(old.fired == ["c0", "c1", "c5"])
        #expect(old.lastTick == Self.reminderDue.rfc3339)
        let mail = sink.received().compactMap { ($0["headers"] as? [String: String])?["Subject"] }
        #expect(mail.contains { $0.contains("N-c9") })
    }

    /// The store's content put back to an earlier state in place (SQLite's backup API, `.restore`): the
    /// feed went back, so every case is read again and what the restored ledger lacks fires again.
    @Test func aStoreRestoredInPlaceIsEvaluatedAgain() async throws {
        let dir = try await FirmFixture.directory(cases: 2)
        let path = dir + "/tickler.db"
        let backupQueue = try DatabaseQueue(path: dir + "/backup.db")
        try DatabaseQueue(path: path).backup(to: backupQueue)
        try await Self.addCase("c5", to: path)
        let clock = ManualClock(RFC3339.parse("2026-09-22T16:00:00Z")!)
        let recorded = RecordedEvents()
        let daemon = try await Daemon(options: .init(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                                     events: recorded.log))
        try await daemon.catchUp()
        #expect(recorded.of(.escalationFired).count == 3)
        try backupQueue.backup(to: try DatabaseQueue(path: path))  // the restore, through SQLite's locks
        clock.set(clock.now.adding(seconds: 5))
        await daemon.timerFired()
        // The tick found the feed gone back: nothing evaluated yet, a catch-up begins.
        #expect(recorded.of(.escalationFired).count == 3)
        try await daemon.catchUp()
        await daemon.stop()
        #expect(recorded.of(.storeReplaced).count == 1)
        #expect(recorded.of(.escalationFired).count == 5)
        #expect(try Self.contents(path).fired == ["c0", "c1"])
    }
}
