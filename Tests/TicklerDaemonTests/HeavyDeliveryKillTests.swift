import Foundation
import GRDB
import Glibc
import Testing
import TicklerCore
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// Heavy: 300 emails across three kills. Run apart from the fast suite (see HeavyKillStormTests).
@Suite(.serialized, .ownThreads) struct HeavyDeliveryKillTests {
    @Test func aKillMidQueueLosesNothingAndDuplicatesOnlyWhatWasInFlight() async throws {
        let sink = try TestServer.smtp(directory: "/tmp/tickler-sink-\(UUID().uuidString.prefix(8))")
        let firm = try await DeliveryFirm(cases: 150, smtpPort: sink.port)
        var kills = 0
        for _ in 0..<3 where Set(emailsReceived(sink)).count < 260 {
            let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment)
            let before = sink.received().count
            _ = await waitUntil { sink.received().count >= before + 40 }  // then the kill, whatever came
            daemon.signal(SIGKILL)
            _ = daemon.wait()
            kills += 1
        }
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment)
        defer { daemon.signal(SIGKILL) }
        let expected = try await firm.expectedEmails()
        #expect(expected.count == 300)
        #expect(await waitUntil { Set(emailsReceived(sink)).count >= 300 })
        // Every delivery marked delivered, then the daemon gone: nothing more can be sent.
        #expect(try await waitUntil { try await firm.store().deliveries().allSatisfy { $0.status == "delivered" } })
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        let got = emailsReceived(sink)
        #expect(Set(got) == expected)
        // One email lane, so at most one message in flight at each kill.
        #expect(got.count - expected.count <= kills)
    }
}
