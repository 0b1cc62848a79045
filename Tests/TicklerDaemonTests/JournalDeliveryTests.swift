import Foundation
import Synchronization
import GRDB
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// The journal is a channel: a fire recorded in the ledger reaches it at least once, whatever stopped the
/// run that recorded it (the kill -9 storm in DaemonResilienceTests checks it against the real journald).
@Suite(.serialized) struct JournalDeliveryTests {
    static let due = RFC3339.parse("2026-09-22T16:00:00Z")!

    /// What a crash between the ledger commit and the journal entries leaves: fires recorded, not marked.
    /// The next run journals each once, flagged as re-sent, before anything else; later ticks do not again.
    @Test func firesRecordedButNotJournaledAreJournaledOnceByTheNextRun() async throws {
        let dir = try await FirmFixture.directory(cases: 3)
        let clock = ManualClock(Self.due)
        let first = RecordedEvents()
        let daemon = try await Daemon(options: .init(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                                     events: first.log))
        try await daemon.catchUp()
        await daemon.stop()
        let fired = first.of(.escalationFired).compactMap { $0.fields["fire_id"] }
        #expect(fired.count == 3)
        #expect(first.of(.escalationFired).allSatisfy { $0.fields["resent"] == nil })

        let db = try DatabaseQueue(path: dir + "/tickler.db")
        #expect(try await db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tickler_ledger WHERE journaled = 0") } == 0)
        try await db.write { try $0.execute(sql: "UPDATE tickler_ledger SET journaled = 0 WHERE outcome = 'fired'") }

        let second = RecordedEvents()
        let again = try await Daemon(options: .init(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                                    events: second.log))
        try await again.catchUp()
        let resent = second.of(.escalationFired)
        #expect(Set(resent.compactMap { $0.fields["fire_id"] }) == Set(fired))
        #expect(resent.count == 3)
        #expect(resent.allSatisfy { $0.fields["resent"] == "true" && $0.fields["case_number"]?.hasPrefix("N-") == true })
        clock.set(Self.due.adding(seconds: 5))
        await again.timerFired()
        #expect(second.of(.escalationFired).count == 3)
        await again.stop()
        #expect(try await db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tickler_ledger WHERE journaled = 0") } == 0)
    }

    /// An entry journald did not take is not marked: it stays due for the journal, and so do the fires after
    /// it in the same batch.
    @Test func anEntryNotWrittenStaysUnmarkedWithTheRestOfItsBatch() async throws {
        let dir = try await FirmFixture.directory(cases: 3)
        let clock = ManualClock(Self.due)
        let daemon = try await Daemon(options: .init(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                                     events: RecordedEvents().log))
        try await daemon.catchUp()
        await daemon.stop()
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        let db = try DatabaseQueue(path: dir + "/tickler.db")
        try await db.write { try $0.execute(sql: "UPDATE tickler_ledger SET journaled = 0 WHERE outcome = 'fired'") }
        let pending = try await store.unjournaledFires(limit: 10)
        #expect(pending.fires.count == 3 && pending.unreadable.isEmpty)
        let calls = Counter()
        let marked = try await store.journal(pending.fires.map(\.0)) { _ in calls.next() == 0 }
        #expect(marked == 1)
        #expect(calls.value == 2)
        #expect(try await store.unjournaledFires(limit: 10).fires.map(\.0.fireID) == pending.fires.dropFirst().map(\.0.fireID))
    }

    /// A ledger row written by something else that cannot be read back is reported, and is not retried forever.
    @Test func anUnreadableUnjournaledRowIsReportedOnce() async throws {
        let dir = try await FirmFixture.directory(cases: 1)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        let db = try DatabaseQueue(path: dir + "/tickler.db")
        try await db.write {
            try $0.execute(sql: """
                INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at, fired_at,
                    recorded_at, journaled) VALUES ('bogus', 'p', 'case:c0', 'not a time', 1, 0, 'c0', 'fired', 'x', 'x', 'x', 0)
                """)
        }
        let first = try await store.unjournaledFires(limit: 10)
        #expect(first.fires.isEmpty && first.unreadable == ["bogus"])
        let second = try await store.unjournaledFires(limit: 10)
        #expect(second.fires.isEmpty && second.unreadable.isEmpty)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    /// The count before this call.
    func next() -> Int { count.withLock { v in defer { v += 1 }; return v } }
}
