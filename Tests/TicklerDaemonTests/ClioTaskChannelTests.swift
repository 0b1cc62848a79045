import Foundation
import Glibc
import Testing
import TicklerCore
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// The `clio-task` channel against the fake Clio over loopback, through the real daemon: a fire on a
/// synced matter becomes one task in Clio, on the matter, assigned to the recipient, due on the fire's
/// day, with nothing of the client in it; a 503 is retried, and a daemon killed after Clio created the
/// task but before its answer came finds the task on restart instead of making a second.
@Suite(.serialized, .ownThreads) struct ClioTaskChannelTests {
    @Test func aFireMakesExactlyOneTaskThroughRetriesAndAKill() async throws {
        let dir = "/tmp/tickler-clio-task-\(UUID().uuidString.prefix(8))"
        // The first task request answers 503; the first task made is never answered.
        let clio = try ClioFakeAccount(directory: dir + "/fake", firm: [:], clientSecret: "s-canary", refreshToken: "r-canary",
                                       arguments: ["--fail-tasks", "1", "--hang-task", "1"])
        defer { clio.server.stop() }
        try clio.writeCredentials(to: dir + "/credentials")
        try """
            firm: { name: Example Partners }
            calendars:
              firm: { timezone: America/New_York, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            poll: { interval: 1s, full_rescan: 1h }
            delivery: { retry_after: 1s, retry_max: 2s }
            channels:
              clio: { type: clio-task }
            \(clio.syncBlock())
            policies:
              - id: client-update-cadence
                description: Client has had no update
                applies_to: { status: [open] }
                clock: { since: client_update, calendar: firm }
                stages:
                  - { after: 10 business days, action: escalate, notify: [assignee], via: [clio] }
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "clio:user:7", name: "Pat Paralegal", email: "pat@firm.test", role: "staff"))]
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: "clio:matter:1001", number: "M-1", title: "Canary v. Finch", clientName: "Ann Canary", status: .open,
            assigneeID: "clio:user:7", openedAt: RFC3339.parse("2026-09-01T04:00:00Z")!), updatedAt: nil))]
        try await store.write(batch, now: Instant(seconds: 0))
        let environment = ["CREDENTIALS_DIRECTORY": dir + "/credentials"]

        func created() -> [[String: Any]] { clio.records("created_tasks.json") }
        // The 503 is retried; the task is made, and its answer never comes: the daemon is killed there.
        let first = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: environment)
        #expect(await waitUntil { created().count == 1 })
        first.signal(SIGKILL)
        _ = first.wait(timeout: 60)
        #expect(try await store.deliveries().map(\.status) != ["delivered"])

        // Restarted: the delivery is tried again, finds its task by the marker, and is done.
        let second = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: environment)
        defer { second.signal(SIGKILL) }
        #expect(try await waitUntil { try await store.deliveries().map(\.status) == ["delivered"] })
        let tasks = created()
        #expect(tasks.count == 1)
        let fire = try #require(try await store.ledger().first { $0.outcome == .fired })
        let task = try #require(tasks.first)
        #expect((task["matter"] as? [String: Any])?["id"] as? Int == 1001)
        #expect((task["assignee"] as? [String: Any])?["id"] as? Int == 7)
        #expect((task["assignee"] as? [String: Any])?["type"] as? String == "User")
        #expect(task["name"] as? String == "Escalation: Client has had no update")
        let zone = ZoneRules(identifier: "America/New_York")!
        #expect(task["due_at"] as? String == zone.localDate(fire.due).iso8601)
        let description = task["description"] as? String ?? ""
        #expect(description.hasSuffix("tickler:\(fire.fireID):clio:user:7"), "\(description)")
        #expect(!description.contains("Canary") && !description.contains("Ann"), "\(description)")
        // Requests: a refused search, a search and a creation before the kill; one search after it.
        let taskRequests = clio.requests().filter { $0.contains("/api/v4/tasks.json") }
        #expect(taskRequests.count == 4, "\(taskRequests)")
        second.signal(SIGTERM)
        #expect(second.wait(timeout: 120) == 0)
    }
}
