import Testing
@testable import TicklerCLI
import TicklerCore
import TicklerStore

/// The sync's line in `tickler status`, pinned: its last run, the lag since its last complete pass, and a
/// failure with the time it began.
@Suite struct SyncStatusTests {
    static func t(_ s: String) -> Instant { RFC3339.parse(s)! }
    let zone = ZoneRules(identifier: "America/New_York")!
    let now = Self.t("2026-12-06T15:00:00Z")

    @Test func aGoodRunShowsItsCountsAndLag() {
        let run = SyncRun(source: "clio", startedAt: Self.t("2026-12-06T14:52:00Z"), finishedAt: Self.t("2026-12-06T14:53:00Z"), written: 3,
                          current: 9, skipped: 1, requests: 7, syncedFrom: Self.t("2026-12-06T14:52:00Z"))
        let (line, alarming) = SyncStatus(name: "Clio", run: run, reconcile: 600).line(now: now, zone: zone)
        #expect(line == "Clio sync: last run 2026-12-06 09:53 (7m ago), 3 written, 1 skipped; lag 8m")
        #expect(!alarming)
    }

    @Test func aLagPastThreeReconcilesOrAFailureIsFlagged() {
        var run = SyncRun(source: "clio", startedAt: Self.t("2026-12-06T14:50:00Z"), finishedAt: Self.t("2026-12-06T14:51:00Z"),
                          syncedFrom: Self.t("2026-12-06T14:29:00Z"))
        let status = SyncStatus(name: "Clio", run: run, reconcile: 600)
        #expect(status.line(now: now, zone: zone) == ("Clio sync: last run 2026-12-06 09:51 (9m ago), 0 written, 0 skipped; lag 31m", true))
        run.error = "Clio: HTTP 503, 8 times in a row (matters)"
        run.errorSince = Self.t("2026-12-06T14:40:00Z")
        run.syncedFrom = Self.t("2026-12-06T14:45:00Z")
        #expect(SyncStatus(name: "Clio", run: run, reconcile: 600).line(now: now, zone: zone)
            == ("Clio sync: last run 2026-12-06 09:51 (9m ago), 0 written, 0 skipped; lag 15m; failing since 2026-12-06 09:40: "
                + "Clio: HTTP 503, 8 times in a row (matters)", true))
        // Still running, or killed while it ran, before any pass completed.
        let started = SyncRun(source: "clio", startedAt: Self.t("2026-12-06T14:58:00Z"))
        #expect(SyncStatus(name: "Clio", run: started, reconcile: 600).line(now: now, zone: zone)
            == ("Clio sync: running since 2026-12-06 09:58 (or stopped there); lag unknown (no complete pass yet)", true))
    }
}
