import Foundation
import Logging
import Synchronization
import Systemd
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.serialized, .ownThreads) struct DigestTests {
    /// A week with Thanksgiving in it, hour by hour on a manual clock, the daemon restarted mid-week: each
    /// person gets one digest per business day (none on the holiday or the weekend), each listing their
    /// open follow-ups oldest first with counts per policy.
    @Test func oneDigestPerPersonPerBusinessDayAcrossAWeekAndARestart() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let firm = try await DeliveryFirm(cases: 2, smtpPort: sink.port,
                                          extra: "digest: { at: \"08:00\", calendar: firm, via: email }\n")
        // c1 was opened a month before c0: its follow-up is the older one.
        let store = try firm.store()
        var batch = ImportBatch()
        batch.cases = [.init(source: "t", record: .init(fields: CaseSnapshot(
            id: "c1", number: "N-1", clientName: "Canary Client", status: .open, assigneeID: "p1", attorneyID: "a1",
            openedAt: RFC3339.parse("2026-08-03T16:00:00Z")!), updatedAt: nil))]
        try await store.write(batch, now: Instant(seconds: 0))

        let zone = ZoneRules(identifier: "America/Los_Angeles")!
        let monday = zone.instant(date: LocalDate(year: 2026, month: 11, day: 23), secondOfDay: 0)
        let clock = ManualClock(monday)
        func start() async throws -> Daemon {
            let daemon = try await Daemon(options: .init(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                                         events: EventLog(logger: Logger(label: "digest-test"))))
            try await daemon.catchUp()
            return daemon
        }
        var daemon = try await start()
        for hour in 0..<(7 * 24) {
            let t = monday.adding(seconds: Int64(hour) * 3600)
            clock.set(t)
            if hour == 2 * 24 + 12 {  // Wednesday noon: a restart
                await daemon.stop(bound: .seconds(5))
                daemon = try await start()
            }
            try await daemon.tick(.incremental)
            _ = await daemon.deliverQueued(timeout: .seconds(10))
        }
        let digests = sink.received().filter { ($0["headers"] as? [String: String])?["X-Tickler-Digest"] != nil }
        let days = digests.map { m -> String in
            let to = (m["rcpt_tos"] as? [String])?.first ?? "?"
            return "\(to) \((m["headers"] as? [String: String])?["X-Tickler-Digest"] ?? "?")"
        }.sorted()
        let business = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-27"]
        #expect(days == (business.map { "alex@firm.test \($0)" } + business.map { "pat@firm.test \($0)" }).sorted())
        #expect(try await store.digestDays(person: "p1").map(\.iso8601) == business)

        let first = try #require(digests.first { ($0["rcpt_tos"] as? [String]) == ["pat@firm.test"] })
        let date = try #require((first["headers"] as? [String: String])?["Date"])
        #expect(date.contains("23 Nov 2026 16:00:"))  // 08:00 in Los Angeles
        let parts = try #require(first["parts"] as? [[String: Any]])
        let text = try #require(parts.first?["text"] as? String).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("2 open follow-ups are waiting for you, oldest first."))
        #expect(text.contains("  client-update-cadence: 2"))
        let older = try #require(text.range(of: "case N-1 (Canary Client)"))
        let newer = try #require(text.range(of: "case N-0 (Canary Client)"))
        #expect(older.lowerBound < newer.lowerBound)
    }
}
