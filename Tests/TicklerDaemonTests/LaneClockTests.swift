import Foundation
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// The delivery lanes sleep on the daemon's clock: a test moves the clock, not the wall clock, to show
/// when they act and that they did nothing before.
@Suite(.serialized, .ownThreads) struct LaneClockTests {
    /// An email the server refused for now (451) waits ten minutes of the clock for its next attempt. The
    /// server takes mail again at once, yet every time the lane is asleep before the retry time, nothing was
    /// sent; the clock moved to where the lane sleeps until, it is sent at its retry time.
    @Test func aRefusedEmailIsTriedAgainWhenTheClockReachesItsRetryTimeNotBefore() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        sink.setMode("tempfail")
        let firm = try await DeliveryFirm(cases: 1, smtpPort: sink.port)
        let text = try String(contentsOfFile: firm.config, encoding: .utf8)
        #expect(text.contains("retry_after: 1s, retry_max: 2s"))
        try text.replacingOccurrences(of: "retry_after: 1s, retry_max: 2s", with: "retry_after: 10m, retry_max: 1h")
            .write(toFile: firm.config, atomically: true, encoding: .utf8)
        let db = firm.dir + "/tickler.db"
        func row() throws -> [String] {
            try sqliteRows(db, "SELECT status, attempts, next_attempt_at, coalesce(delivered_at, '') FROM tickler_deliveries").first ?? []
        }

        let due = RFC3339.parse("2026-09-17T16:00:00Z")!  // c0's reminder to its paralegal is due
        let clock = ManualClock(due)
        let daemon = try await Daemon(options: .init(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                                     events: RecordedEvents().log))
        let serving = Task { await daemon.run() }
        defer { serving.cancel() }
        #expect(try await waitUntil { try row().count == 4 && row()[1] == "1" }, "the first attempt was not recorded")
        let refused = try row()
        #expect(refused[0] == "pending")
        let retryAt = try #require(RFC3339.parse(refused[2]))
        #expect(retryAt.seconds - due.seconds >= 300 && retryAt.seconds - due.seconds <= 900, "retry at \(refused[2])")

        sink.setMode("ok")
        var wakes = 0
        while clock.now < retryAt {
            #expect(await clock.sleepers(atLeast: 1), "the lane never went to sleep on the clock")
            let deadline = try #require(clock.nextDeadline)
            // Asleep before the retry time: nothing more was tried.
            #expect(try row()[1] == "1" && sink.received().isEmpty)
            #expect(deadline <= retryAt, "the lane sleeps past the retry time")
            clock.advance(to: deadline)
            wakes += 1
            #expect(wakes < 100)
            if wakes >= 100 { break }
        }
        #expect(try await waitUntil { try row()[0] == "delivered" }, "not sent at the retry time")
        #expect(try row() == ["delivered", "2", refused[2], retryAt.rfc3339])
        #expect(sink.received().count == 1)
        await daemon.stop()
        await serving.value
    }
}
