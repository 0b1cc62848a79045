import Foundation
import Systemd
import Testing
import TicklerCore
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// `tickler simulate` and the daemon share one evaluation path: over a simulated month of a demo firm, the
/// daemon's ticks (every 15 minutes of a manual clock) record exactly the fires `simulate` lists for the
/// month, no more, no fewer, with the same due instants.
@Suite(.serialized, .ownThreads) struct SimulateAgreementTests {
    static let config = """
        calendars:
          firm: { timezone: America/Los_Angeles, business_hours: "09:00-17:00", holidays: [us-federal, 2026-12-24] }
          court: { based_on: firm }
        store: { sqlite: tickler.db }
        poll: { interval: 15m, full_rescan: 6h }
        deadline_rules:
          - { id: answer, on_event: complaint_served, period: "21 days", counting: frcp-6a, calendar: court,
              title: Answer, kind: court, add_days_for_mail: 3 }
        policies:
          - id: client-update-cadence
            applies_to: { status: [open, pending] }
            clock: { since: client_update, calendar: firm }
            stages:
              - { after: 10 business days, action: remind, notify: [assignee] }
              - { after: 13 business days, action: escalate, notify: [attorney] }
              - { after: 17 business days, action: escalate, notify: ["role:managing-partner"],
                  repeat: { every: 2 business days, max: 3 } }
          - id: unanswered-inbound
            applies_to: { status: [open, pending, on_hold] }
            clock: { since: inbound, calendar: firm }
            stages:
              - { after: 4 business hours, action: remind, notify: [assignee] }
              - { after: 8 business hours, action: escalate, notify: [assignee, attorney] }
              - { after: 3 business days, action: escalate, notify: [supervisor] }
          - id: deadline-approach
            applies_to: { status: [open, pending, on_hold] }
            clock: { until: deadline, kinds: [court, filing, statute], calendar: court }
            stages:
              - { before: 14 days, at: "09:00", notify: [assignee] }
              - { before: 2 court days, at: "09:00", action: escalate, notify: [attorney] }
              - { after: 0 days, action: escalate, notify: [attorney], deliver: immediately }
          - id: document-chase
            applies_to: { status: [open, pending] }
            clock: { since: document_request, calendar: firm }
            stages:
              - { after: 5 business days, notify: [assignee] }
              - { after: 10 business days, notify: [assignee], repeat: { every: 5 business days, max: 2 } }
          - id: appointment-reminder
            applies_to: { status: [open, pending, on_hold] }
            clock: { until: appointment, calendar: firm }
            stages:
              - { before: 1 business day, at: "09:00", notify: [assignee] }
              - { before: 0 days, at: "08:00", notify: [assignee], deliver: immediately }
          - id: new-case-welcome
            applies_to: { status: [open] }
            clock: { since: opened, calendar: firm }
            stages:
              - { after: 1 business day, notify: [assignee] }
              - { after: 2 business days, action: escalate, notify: [attorney] }
        """

    @Test func theDaemonFiresWhatSimulateListsOverAMonth() async throws {
        let dir = "/tmp/tickler-agree-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.config.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let tickler = DaemonProcess.binary.deletingLastPathComponent().appendingPathComponent("tickler")
        let made = try Self.run(tickler, ["demo-data", "--cases", "60", "--seed", "7", "--as-of", "2026-11-02",
                                          "--out", dir + "/tickler.db"])
        #expect(made.status == 0, "\(made.err)")
        let from = RFC3339.parse("2026-11-02T16:00:00Z")!, to = RFC3339.parse("2026-12-02T16:00:00Z")!
        let listed = try Self.run(tickler, ["simulate", "--config", dir + "/tickler.yaml", "--from", from.rfc3339,
                                            "--to", to.rfc3339])
        #expect(listed.status == 0, "\(listed.err)")
        var simulated: [String: String] = [:]  // identity → due
        for line in listed.out.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            simulated["\(o["case"]!) \(o["policy"]!) \(o["subject"]!) \(o["stage"]!) \(o["repeat"]!)"] = o["due"] as? String
        }
        #expect(simulated.count > 100, "the firm should give a month of work")

        // The daemon from `from` on an empty ledger, ticking every 15 minutes until `to` (exclusive).
        let clock = ManualClock(from)
        let daemon = try await Daemon(options: .init(configPath: dir + "/tickler.yaml", clock: clock,
                                                     notifier: ServiceNotifier(), events: RecordedEvents().log))
        try await daemon.catchUp()
        while true {
            let next = clock.now.adding(seconds: 900)
            guard next < to else { break }
            clock.set(next)
            await daemon.timerFired()
        }
        await daemon.stop(bound: .seconds(5))
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        var recorded: [String: String] = [:]
        for e in try await store.ledger() where e.outcome == .fired {
            recorded["\(e.caseID) \(e.key.cycle.policy) \(e.key.cycle.subject) \(e.key.step.stage) \(e.key.step.repeatNumber)"]
                = e.due.rfc3339
        }
        #expect(Set(recorded.keys).subtracting(simulated.keys).sorted() == [], "fired by the daemon only")
        #expect(Set(simulated.keys).subtracting(recorded.keys).sorted() == [], "listed by simulate only")
        #expect(recorded == simulated)
        // Each came at the first tick at or after it was due: the wake schedule brought its case back; the
        // sweep, a slice a tick, passes each case only every six hours.
        let late = try await store.ledger().filter { $0.outcome == .fired && $0.firedAt.seconds - max($0.due, from).seconds >= 900 }
        #expect(late.map { "\($0.caseID) \($0.key.cycle.policy) due \($0.due) fired \($0.firedAt)" } == [])
    }

    static func run(_ executable: URL, _ arguments: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new } }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("agree-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let err = Pipe()
        p.standardOutput = handle
        p.standardError = err
        try p.run()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: out, encoding: .utf8)
        try? FileManager.default.removeItem(at: out)
        return (p.terminationStatus, text, errText)
    }
}
