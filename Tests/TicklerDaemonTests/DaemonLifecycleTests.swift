import Foundation
import GRDB
import Glibc
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// A firm directory and a running `ticklerd`.
struct DaemonProcess {
    let process = Process()
    /// Standard error goes to a file: a pipe nobody drains would block a daemon printing thousands of fires.
    let stderrPath = "/tmp/ticklerd-stderr-\(UUID().uuidString.prefix(8))"

    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("ticklerd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/ticklerd")
    }

    /// `wrapper`: a command that runs ticklerd (`faketime -f +10m`).
    init(config: String, notify: NotifySocket?, environment: [String: String] = [:], once: Bool = false, wrapper: [String] = []) throws {
        process.executableURL = wrapper.first.map { URL(fileURLWithPath: $0) } ?? Self.binary
        process.arguments = (wrapper.isEmpty ? [] : Array(wrapper.dropFirst()) + [Self.binary.path]) + ["--config", config]
            + (once ? ["--once"] : [])
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = notify?.path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    func wait(timeout: Double = 60) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }
}

enum FirmFixture {
    static let config = """
        calendars:
          firm: { timezone: America/Los_Angeles, holidays: [us-federal] }
        store: { sqlite: tickler.db }
        poll: { interval: 1s, full_rescan: 1h }
        policies:
          - id: client-update-cadence
            applies_to: { status: [open, pending] }
            clock: { since: client_update, calendar: firm }
            stages:
              - { after: 10 business days, action: remind, notify: [assignee] }
              - { after: 13 business days, action: escalate, notify: [attorney] }
        """

    /// A directory with the configuration and a store holding `cases` open cases, opened long ago.
    static func directory(cases: Int = 1) async throws -> String {
        let dir = "/tmp/tickler-daemon-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "a1", role: "attorney")),
                        .init(source: "t", record: Person(id: "p1", role: "paralegal", managerID: "a1"))]
        for i in 0..<cases {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: "c\(i)", number: "N-\(i)", clientName: "Canary Client", status: .open, assigneeID: "p1", attorneyID: "a1",
                openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!), updatedAt: nil)))
        }
        try await store.write(batch, now: Instant(seconds: 0))
        return dir
    }
}

@Suite(.serialized, .ownThreads) struct DaemonLifecycleTests {
    /// READY=1 once the configuration is valid and the store open, before any case is evaluated; the
    /// catch-up follows, reported in STATUS=, then a reload and a stop, each announced in order.
    @Test func readyBeforeTheCatchUpThenReloadAndStopInOrder() async throws {
        let dir = try await FirmFixture.directory()
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify)
        let start = notify.until { $0.hasPrefix("READY=1") }
        #expect(start.first == "EXTEND_TIMEOUT_USEC=90000000\nSTATUS=opening the store")
        #expect(start.last == "READY=1\nSTATUS=catching up · 0 open cases · no tick yet")
        let caughtUp = notify.until { $0.hasPrefix("STATUS=") && !$0.hasPrefix("STATUS=catching up") }
        #expect(caughtUp.last?.hasPrefix("STATUS=1 open cases · 1 cycles due · last tick ") == true, "\(caughtUp)")
        let done = try DaemonJournalTests.journal(["MESSAGE_ID=\(JournalEvent.caughtUp.messageID)", "_PID=\(daemon.process.processIdentifier)"])
        #expect(done.count == 1)
        #expect(done.first?["TICKLER_CASES"] as? String == "1")
        #expect(done.first?["TICKLER_FIRED"] as? String == "1")
        // By the end of the catch-up its fire is recorded.
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        #expect(try await store.ledger().filter { $0.outcome == .fired }.map(\.key.step) == [StepIndex(stage: 2)])

        daemon.signal(SIGHUP)
        let reload = notify.until { $0.hasPrefix("READY=1") }
        let reloading = try #require(reload.first { $0.hasPrefix("RELOADING=1") })
        #expect(reloading.split(separator: "\n").map(String.init).count == 3)
        #expect(reloading.split(separator: "\n")[1].hasPrefix("MONOTONIC_USEC="))
        #expect(UInt64(reloading.split(separator: "\n")[1].dropFirst(15)) ?? 0 > 0)

        // A broken configuration on reload: the old one stays, the daemon stays ready.
        try "policies: [ { id: x } ]".write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(notify.until { $0.hasPrefix("READY=1") }.last?.hasPrefix("READY=1") == true)
        #expect(daemon.process.isRunning)

        daemon.signal(SIGTERM)
        #expect(notify.until { $0.hasPrefix("STOPPING=1") }.last == "STOPPING=1\nSTATUS=stopping")
        #expect(daemon.wait() == 0)
        // Exactly once: the reloads and ticks did not fire stage 2 again.
        #expect(try await store.ledger().filter { $0.outcome == .fired }.count == 1)
    }

    /// `systemctl reload` the moment the service is ready: READY=1 comes only once the signal handlers are
    /// armed, so the SIGHUP is never dropped (twenty starts, each reloaded at once).
    @Test func aReloadRightAfterReadyIsNeverLost() async throws {
        let dir = try await FirmFixture.directory()
        for _ in 0..<20 {
            let notify = NotifySocket()
            let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify)
            defer { daemon.signal(SIGKILL) }
            #expect(notify.until { $0.hasPrefix("READY=1") }.last?.hasPrefix("READY=1") == true)
            daemon.signal(SIGHUP)
            #expect(notify.until { $0.hasPrefix("RELOADING=1") }.last?.hasPrefix("RELOADING=1") == true)
            daemon.signal(SIGTERM)
            #expect(daemon.wait() == 0)
        }
    }

    @Test func aBrokenConfigurationNeverReportsReady() throws {
        let dir = "/tmp/tickler-daemon-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "policies:\n  - { id: a, clock: { since: never }, stages: [{ after: 1 day }] }\n"
            .write(toFile: dir + "/t.yaml", atomically: true, encoding: .utf8)
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: dir + "/t.yaml", notify: notify)
        #expect(daemon.wait() == 1)
        #expect(notify.pending() == [])  // it has exited: whatever it sent is already here
        let err = daemon.stderrText
        #expect(err.contains("\(dir)/t.yaml:2:30: error: unknown clock 'since: never'"))
    }

    /// A tick stuck in a store call (another program holds the write lock; the busy timeout is 10 s) for
    /// longer than half the watchdog interval: the pings stop, so that the service manager would restart the
    /// service; once the lock is released the ticks complete and the pings come back.
    @Test func watchdogPingsStopWhileATickIsStuckAndResumeAfter() async throws {
        let dir = try await FirmFixture.directory()
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify, environment: ["WATCHDOG_USEC": "2000000"])
        defer { daemon.signal(SIGKILL) }
        _ = notify.untilCaughtUp()
        // Alive: pings every second while ticks complete.
        #expect(notify.until({ $0 == "WATCHDOG=1" }, timeout: 60).last == "WATCHDOG=1")
        var unsafe = GRDB.Configuration()
        unsafe.allowsUnsafeTransactions = true  // the lock is held across accesses, as another process would
        let holder = try DatabaseQueue(path: dir + "/tickler.db", configuration: unsafe)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        // The next tick blocks on the lock; then the pings stop: wait for three silent seconds (the outer
        // bound only guards against a loop that never stops pinging).
        var lastPing = Date()
        let end = Date().addingTimeInterval(90)
        while Date() < end, Date().timeIntervalSince(lastPing) < 3 {
            if let m = notify.next(timeout: 0.5), m.hasPrefix("WATCHDOG=1") { lastPing = Date() }
        }
        #expect(Date().timeIntervalSince(lastPing) >= 3, "pings continued while a tick was stuck")
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        #expect(notify.until({ $0 == "WATCHDOG=1" }, timeout: 60).last == "WATCHDOG=1", "pings did not come back")
    }
}

@Suite(.serialized, .ownThreads) struct DaemonJournalTests {
    static func journal(_ matches: [String]) throws -> [[String: Any]] { try JournalQuery.entries(matches) }

    @Test func eachFireIsOneJournalEntryWithEveryField() async throws {
        let dir = try await FirmFixture.directory()
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify)
        _ = notify.untilCaughtUp()
        let key = FireKey(cycle: CycleKey(policy: "client-update-cadence", subject: SubjectRef(.case, "c0"),
                                          anchor: RFC3339.parse("2026-09-01T16:00:00Z")!), step: StepIndex(stage: 2))
        let entries = try Self.journal(["TICKLER_FIRE_ID=\(key.fireID)", "_PID=\(daemon.process.processIdentifier)"])
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        #expect(entries.count == 1)
        let e = try #require(entries.first)
        #expect(e["MESSAGE_ID"] as? String == JournalEvent.escalationFired.messageID)
        #expect(e["PRIORITY"] as? String == "4")
        #expect(e["SYSLOG_IDENTIFIER"] as? String == "ticklerd")
        #expect(e["TICKLER_CASE_ID"] as? String == "c0")
        #expect(e["TICKLER_CASE_NUMBER"] as? String == "N-0")
        #expect(e["TICKLER_POLICY"] as? String == "client-update-cadence")
        #expect(e["TICKLER_STAGE"] as? String == "2")
        #expect(e["TICKLER_ACTION"] as? String == "escalate")
        #expect(e["TICKLER_SUBJECT"] as? String == "case:c0")
        #expect(e["TICKLER_DUE_AT"] as? String == "2026-09-21T16:00:00Z")
        #expect(e["TICKLER_RECIPIENTS"] as? String == "a1")
        #expect((e["CODE_FILE"] as? String)?.isEmpty == false && e["CODE_LINE"] != nil && e["CODE_FUNC"] != nil)
        #expect((e["TICKLER_EXPLANATION"] as? String)?.contains("Due after: 13 business days on calendar firm") == true)
        for (name, value) in e where name.hasPrefix("TICKLER_") {
            #expect(!"\(value)".contains("Canary"), "client name in \(name)")
        }
        #expect(!e.keys.contains { !$0.hasPrefix("_") && !$0.hasPrefix("TICKLER_") && !["MESSAGE", "MESSAGE_ID", "PRIORITY",
            "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC"].contains($0) })
    }
}


@Suite(.serialized, .ownThreads) struct CredentialCheckTests {
    static func firm() async throws -> (dir: String, config: String) {
        let dir = try await FirmFixture.directory()
        let config = FirmFixture.config.replacingOccurrences(of: "policies:", with: """
            channels:
              hook: { type: webhook, url: "http://127.0.0.1:9/t", secret_credential: webhook-secret }
            policies:
            """)
        try config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        return (dir, dir + "/tickler.yaml")
    }

    /// An empty secret is a configuration error where it is named: ticklerd does not start with it.
    @Test func anEmptyCredentialStopsTheStartWithItsLocation() async throws {
        let (dir, config) = try await Self.firm()
        try "\n".write(toFile: dir + "/credentials/webhook-secret", atomically: true, encoding: .utf8)
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: config, notify: notify, environment: ["CREDENTIALS_DIRECTORY": dir + "/credentials"])
        #expect(daemon.wait() == 1)
        #expect(!notify.pending().contains { $0.hasPrefix("READY=1") })  // it has exited: all it sent is here
        #expect(daemon.stderrText.contains("\(config):6:74: error: credential 'webhook-secret' is empty (channel 'hook')"),
                "\(daemon.stderrText)")
        // Journaled as a start-up failure, not as a failed reload.
        let pid = "_PID=\(daemon.process.processIdentifier)"
        let failed = try DaemonJournalTests.journal(["MESSAGE_ID=\(JournalEvent.startFailed.messageID)", pid])
        #expect(failed.count == 1 && failed.first?["TICKLER_REASON"] as? String == "configuration", "\(failed)")
        #expect((failed.first?["TICKLER_CONFIG_ERRORS"] as? String)?.contains("\(config):6:74: error: credential 'webhook-secret' is empty") == true)
        #expect(try JournalQuery.values(of: "MESSAGE", [pid, "MESSAGE_ID=\(JournalEvent.reloadFailed.messageID)"]).isEmpty)
    }

    /// A credential emptied before a reload: the reload is refused, located, and the old configuration stays.
    @Test func aReloadWithAnEmptyCredentialKeepsTheOldConfiguration() async throws {
        let (dir, config) = try await Self.firm()
        try "whsec-1".write(toFile: dir + "/credentials/webhook-secret", atomically: true, encoding: .utf8)
        let notify = NotifySocket()
        let daemon = try DaemonProcess(config: config, notify: notify, environment: ["CREDENTIALS_DIRECTORY": dir + "/credentials"])
        defer { daemon.signal(SIGKILL) }
        #expect(notify.until { $0.hasPrefix("READY=1") }.last?.hasPrefix("READY=1") == true)
        try "".write(toFile: dir + "/credentials/webhook-secret", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        _ = notify.until { $0.hasPrefix("RELOADING=1") }
        #expect(notify.until { $0.hasPrefix("READY=1") }.last?.hasPrefix("READY=1") == true)
        let failed = try DaemonJournalTests.journal(["MESSAGE_ID=\(JournalEvent.reloadFailed.messageID)",
                                                     "_PID=\(daemon.process.processIdentifier)"])
        #expect(failed.count == 1)
        #expect((failed.first?["TICKLER_CONFIG_ERRORS"] as? String)?.contains("\(config):6:74: error: credential 'webhook-secret' is empty") == true,
                "\(failed)")
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
    }
}

@Suite(.serialized, .ownThreads) struct SingleInstanceTests {
    /// A second daemon, or `--once` from a timer, on the store a running daemon serves exits 3 and says who
    /// holds it; once the first stops, the store is free again.
    @Test func aSecondDaemonOnTheSameStoreExitsThree() async throws {
        let dir = try await FirmFixture.directory()
        let notify = NotifySocket()
        let first = try DaemonProcess(config: dir + "/tickler.yaml", notify: notify)
        defer { first.signal(SIGKILL) }
        _ = notify.untilCaughtUp()
        let pid = first.process.processIdentifier
        for once in [false, true] {
            let second = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, once: once)
            #expect(second.wait() == 3)
            #expect(second.stderrText.contains("another ticklerd (pid \(pid)) is running on the store \(dir)/tickler.db"),
                    "\(second.stderrText)")
        }
        first.signal(SIGTERM)
        #expect(first.wait() == 0)
        let after = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, once: true)
        #expect(after.wait(timeout: 60) == 0)
    }
}
