import Foundation
import GRDB
import TicklerConfig
import Systemd
import Glibc
import Synchronization
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.serialized, .ownThreads) struct DaemonResilienceTests {
    @Test func aVanishedStoreIsJournaledOnceRetriedAndItsRecoveryJournaledOnce() async throws {
        let dir = try await FirmFixture.directory()
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify)
        _ = notify.untilCaughtUp()
        let pid = daemon.process.processIdentifier
        try FileManager.default.moveItem(atPath: dir + "/tickler.db", toPath: dir + "/away.db")
        // Several 1-second ticks fail while it is gone; the status says so.
        let down = notify.until({ $0.contains("store unavailable") }, timeout: 60)
        #expect(down.last?.contains("STATUS=") == true && down.last?.contains("store unavailable") == true)
        // Two more failed ticks (each reports its STATUS=), still one outage entry.
        let failing = { (m: String) in m.hasPrefix("STATUS=") && m.contains("store unavailable") }
        for _ in 0..<2 { #expect(notify.until(failing, timeout: 60).last.map(failing) == true) }
        try FileManager.default.moveItem(atPath: dir + "/away.db", toPath: dir + "/tickler.db")
        let up = notify.until({ $0.hasPrefix("STATUS=") && !$0.contains("store unavailable") }, timeout: 60)
        #expect(up.last?.hasPrefix("STATUS=") == true)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        let outages = try DaemonJournalTests.journal(["MESSAGE_ID=\(JournalEvent.storeOutage.messageID)", "_PID=\(pid)"])
        let recoveries = try DaemonJournalTests.journal(["MESSAGE_ID=\(JournalEvent.storeRecovered.messageID)", "_PID=\(pid)"])
        #expect(outages.count == 1)
        #expect(outages.first?["PRIORITY"] as? String == "3")
        #expect((outages.first?["TICKLER_ERROR"] as? String)?.contains("is missing") == true)
        #expect(recoveries.count == 1)
        #expect(recoveries.first?["PRIORITY"] as? String == "5")
    }

}

@Suite(.serialized, .ownThreads) struct ChangeFeedPruningTests {
    @Test func aFullRescanPrunesTheFeedItHasRead() async throws {
        let dir = try await FirmFixture.directory(cases: 3)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        #expect(try await store.changes(after: 0).cases.count == 3)
        let run = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, once: true)
        #expect(run.wait() == 0)
        let left = try await store.changes(after: 0)
        #expect(left.cases.isEmpty && !left.people)
        // The generation survives pruning: the next write still gets a larger sequence number.
        let before = try await store.generation()
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p9", role: "paralegal"))]
        try await store.write(batch, now: Instant(seconds: 0))
        #expect(try await store.generation() == before + 1)
        #expect(try await store.changes(after: before).people)
    }
}

@Suite(.serialized, .ownThreads) struct FailedTickTests {
    /// Another writer holds the store's write lock for 40 s (of the daemon's clock) across the moment an
    /// escalation comes due: the ticks in that time fail, and the first tick after the lock is released
    /// fires it, not the next full rescan an hour later (the cycle's next stage is weeks away, so nothing
    /// else would wake the case).
    @Test func aDueEscalationFiresAtTheFirstTickAfterAWriteLockIsReleased() async throws {
        let dir = try await FirmFixture.directory()
        // No full rescan within the test's days: only the wake schedule brings the case back.
        let config = FirmFixture.config.replacingOccurrences(of: "full_rescan: 1h", with: "full_rescan: 720h")
            + "\n      - { after: 40 business days, action: escalate, notify: [attorney] }\n"
        try config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        // The reminder (10 business days after 2026-09-01) is due; the escalation (13) is not yet.
        let clock = ManualClock(RFC3339.parse("2026-09-17T16:00:00Z")!)
        let recorded = RecordedEvents()
        var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                     events: recorded.log)
        options.storeBusyTimeout = .milliseconds(100)
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        #expect(try await store.ledger().filter { $0.outcome == .fired }.map(\.key.step) == [StepIndex(stage: 1)])

        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true  // the lock is held across accesses, as another process would
        let lock = try DatabaseQueue(path: dir + "/tickler.db", configuration: unsafe)
        let escalationDue = RFC3339.parse("2026-09-21T16:00:00Z")!
        clock.set(escalationDue.adding(seconds: -20))
        try await lock.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        for _ in 0..<40 {  // one tick a second while the lock is held
            clock.set(clock.now.adding(seconds: 1))
            await daemon.timerFired()
        }
        #expect(recorded.of(.storeOutage).count == 1)
        #expect(try await store.ledger().filter { $0.outcome == .fired }.count == 1)
        try await lock.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        // Within one poll interval (1 s) of the release.
        clock.set(clock.now.adding(seconds: 1))
        await daemon.timerFired()
        #expect(try await store.ledger().filter { $0.outcome == .fired }.map(\.key.step) == [StepIndex(stage: 1), StepIndex(stage: 2)])
        #expect(recorded.of(.storeRecovered).count == 1)
        await daemon.stop(bound: .seconds(2))
    }
}

@Suite(.serialized, .ownThreads) struct SlowReloadTests {
    /// A reload whose configuration takes long to load (a hung network mount, a huge file): the loop's timer
    /// goes on pinging the watchdog meanwhile, no tick starts, and once loaded the reload is applied.
    @Test(.timeLimit(.minutes(10))) func aSlowConfigurationLoadDoesNotStallTheLoop() async throws {
        let dir = try await FirmFixture.directory()
        let clock = ManualClock(RFC3339.parse("2026-09-17T16:00:00Z")!)
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let loads = LoadCount()
        var options = Daemon.Options(configPath: dir + "/tickler.yaml", clock: clock, notifier: ServiceNotifier(),
                                     events: RecordedEvents().log)
        options.loadConfiguration = { path throws(ConfigurationError) in
            loads.count.withLock { $0 += 1 }
            entered.signal()
            release.wait()
            return try Daemon.loadChecked(path: path)
        }
        let daemon = try await Daemon(options: options)
        try await daemon.catchUp()
        let reload = Task { await daemon.reload() }
        await withCheckedContinuation { c in DispatchQueue.global().async { entered.wait(); c.resume() } }
        // The timer's calls come back while the load is blocked (each pings the watchdog). Before this was
        // fixed they never came back until the load ended: the test's time limit is the hang guard.
        for _ in 0..<3 {
            clock.set(clock.now.adding(seconds: 5))
            await daemon.timerFired()
        }
        #expect(await daemon.tickCount == 1, "a tick started during the reload")
        // A second SIGHUP meanwhile: once this load is done, the file is loaded again.
        await daemon.reload(waiting: false)
        release.signal()
        await withCheckedContinuation { c in DispatchQueue.global().async { entered.wait(); c.resume() } }
        release.signal()
        await reload.value
        #expect(loads.count.withLock { $0 } == 2)
        await daemon.timerFired()
        #expect(await daemon.tickCount == 2)
        await daemon.stop(bound: .seconds(2))
    }
}

@Suite(.serialized, .ownThreads) struct StoreReloadTests {
    /// A reload that names another store is refused where `store:` is written; the daemon keeps its
    /// configuration and goes on serving the store it holds.
    @Test func aReloadThatChangesTheStoreIsRefusedWithItsLocation() async throws {
        let dir = try await FirmFixture.directory()
        let clock = ManualClock(RFC3339.parse("2026-09-17T16:00:00Z")!)
        let recorded = RecordedEvents()
        let daemon = try await Daemon(options: .init(configPath: dir + "/tickler.yaml", clock: clock,
                                                     notifier: ServiceNotifier(), events: recorded.log))
        try await daemon.catchUp()
        try FirmFixture.config.replacingOccurrences(of: "store: { sqlite: tickler.db }", with: "store: { sqlite: other.db }")
            .write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        await daemon.reload()
        let failed = recorded.of(.reloadFailed)
        #expect(failed.count == 1)
        #expect(failed.first?.message.contains("\(dir)/tickler.yaml:3:8: error: the store cannot change on reload") == true,
                "\(failed.map(\.message))")
        #expect(recorded.of(.configLoaded).count == 1)  // the start's only
        #expect(!FileManager.default.fileExists(atPath: dir + "/other.db"))
        // Still serving the store it holds: the escalation comes due and is recorded there.
        clock.set(RFC3339.parse("2026-09-22T16:00:00Z")!)
        await daemon.timerFired()
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        #expect(try await store.ledger().filter { $0.outcome == .fired }.count == 2)
        await daemon.stop(bound: .seconds(2))
    }
}

/// How many times a test's configuration loader ran.
final class LoadCount: Sendable {
    let count = Mutex(0)
}
