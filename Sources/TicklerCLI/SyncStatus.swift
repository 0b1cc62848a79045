import Foundation
import TicklerCore
import TicklerStore

/// The sync's line in `tickler status`: its last run, how far behind Clio the store may be (the lag:
/// since the last complete pass began), and the failure it is in, if any. Pure, so tests pin it.
struct SyncStatus {
    var name: String
    var run: SyncRun
    /// Seconds between reconciliations: a lag past three of them is flagged.
    var reconcile: Int

    /// `Clio sync: last run 2026-12-06 07:01 (2m ago), 3 written, 0 skipped; lag 7m`, and when it fails,
    /// `failing since …: <error>`.
    func line(now: Instant, zone: ZoneRules) -> (text: String, alarming: Bool) {
        func at(_ t: Instant) -> String { zone.format(t).prefix(16).replacingOccurrences(of: "T", with: " ") }
        var text = "\(name) sync: "
        if let finished = run.finishedAt {
            text += "last run \(at(finished)) (\(Status.ago(now.seconds - finished.seconds))), \(run.written) written, \(run.skipped) skipped"
        } else {
            text += "running since \(at(run.startedAt)) (or stopped there)"
        }
        let lag = run.syncedFrom.map { now.seconds - $0.seconds }
        text += "; lag " + (lag.map(Self.duration) ?? "unknown (no complete pass yet)")
        var alarming = lag.map { $0 > Int64(3 * reconcile) } ?? true
        if let error = run.error {
            text += "; failing since \(at(run.errorSince ?? run.startedAt)): \(error)"
            alarming = true
        }
        return (text, alarming)
    }

    func json(now: Instant) -> [String: Any] {
        var o: [String: Any] = ["started_at": run.startedAt.rfc3339, "written": run.written, "current": run.current, "skipped": run.skipped,
                                "requests": run.requests]
        if let f = run.finishedAt { o["finished_at"] = f.rfc3339 }
        if let s = run.syncedFrom {
            o["synced_from"] = s.rfc3339
            o["lag_seconds"] = now.seconds - s.seconds
        }
        if let e = run.error { o["error"] = e }
        if let e = run.errorSince { o["error_since"] = e.rfc3339 }
        return o
    }

    static func duration(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: "\(max(0, seconds))s"
        case ..<3600: "\(seconds / 60)m"
        case ..<86_400: "\(seconds / 3600)h \(seconds % 3600 / 60)m"
        default: "\(seconds / 86_400)d \(seconds % 86_400 / 3600)h"
        }
    }
}
