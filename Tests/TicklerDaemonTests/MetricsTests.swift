import Foundation
import Testing
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.ownThreads) struct MetricsTests {
    /// Each tick writes the textfile: open cycles by policy and stage, fires by action, deliveries by
    /// channel and outcome, tick duration and time, store errors; atomically (no temporary file left).
    @Test func aTickWritesPrometheusTextAtomically() async throws {
        let firm = try await DeliveryFirm(cases: 2, smtpPort: DeliveryFirm.freePort(), extra: "metrics: { textfile: tickler.prom }\n")
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment, once: true)
        #expect(daemon.wait(timeout: 60) == 0)
        let text = try String(contentsOfFile: firm.dir + "/tickler.prom", encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("tickler_open_cycles{policy=\"client-update-cadence\",stage=\"2\"} 2"))
        #expect(lines.contains("tickler_fires_total{action=\"escalate\"} 2"))
        #expect(lines.contains("tickler_fires_total{action=\"remind\"} 0"))
        #expect(lines.contains("tickler_skipped_total 2"))
        #expect(lines.contains("tickler_open_cases 2"))
        #expect(lines.contains("tickler_deliveries_pending 4"))
        #expect(lines.contains("# TYPE tickler_tick_duration_seconds gauge"))
        #expect(lines.contains("# TYPE tickler_deliveries_total counter"))
        #expect(lines.contains { $0.hasPrefix("tickler_last_tick_timestamp_seconds ") && !$0.hasSuffix(" 0") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: firm.dir).filter { $0.contains(".prom.tmp") }.isEmpty)
    }

    @Test func labelsAreEscapedAndCountsFollowEachCase() {
        let m = Metrics()
        m.setOpen(caseID: "c1", [("p\"1", 1), ("p\"1", 1), ("q", 2)])
        m.setOpen(caseID: "c2", [("q", 2)])
        m.setOpen(caseID: "c1", [("q", 2)])
        let lines = m.text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("tickler_open_cycles{") }
        #expect(lines == ["tickler_open_cycles{policy=\"q\",stage=\"2\"} 2"])
        m.setOpen(caseID: "c3", [("p\"1", 1)])
        #expect(m.text.contains("tickler_open_cycles{policy=\"p\\\"1\",stage=\"1\"} 1"))
        m.delivery(channel: "email", outcome: "delivered")
        #expect(m.text.contains("tickler_deliveries_total{channel=\"email\",outcome=\"delivered\"} 1"))
    }
}

@Suite(.ownThreads) struct MetricsPermissionTests {
    /// The file gets exactly the configured mode (not the umask's) and group, so node_exporter, running as
    /// another user, can read it; by default only the service's user can.
    @Test(arguments: [("", 0o600, nil), ("mode: \"0644\"", 0o644, nil), ("mode: \"0640\", group: nogroup", 0o640, "nogroup")])
    func theMetricsFileHasTheConfiguredModeAndGroup(_ extra: String, _ mode: Int, _ group: String?) async throws {
        let settings = extra.isEmpty ? "" : ", " + extra
        let firm = try await DeliveryFirm(cases: 1, smtpPort: DeliveryFirm.freePort(),
                                          extra: "metrics: { textfile: tickler.prom\(settings) }\n")
        let daemon = try DaemonProcess(config: firm.config, notify: nil, environment: firm.environment, once: true)
        #expect(daemon.wait(timeout: 60) == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: firm.dir + "/tickler.prom")
        #expect((attributes[.posixPermissions] as? Int) == mode)
        if let group {
            #expect((attributes[.groupOwnerAccountName] as? String) == group)
        }
    }
}
