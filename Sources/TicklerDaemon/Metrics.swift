import Foundation
import Synchronization
import TicklerConfig
import TicklerCore

/// The daemon's numbers in Prometheus text format, written after each tick to the file node_exporter's
/// textfile collector reads (`metrics: { textfile: … }`), atomically (a temporary file renamed over it),
/// so the collector never sees half a file.
final class Metrics: Sendable {
    private struct State {
        var fires: [String: Int] = [:]           // action → count since start
        var skipped = 0
        var deliveries: [String: Int] = [:]      // "channel\0outcome" → count since start
        var storeErrors = 0
        var ticks = 0
        var lastTickSeconds = 0.0
        var lastTickAt: Instant?
        var openByCase: [String: [String: Int]] = [:]
        var open: [String: Int] = [:]            // "policy\0stage" → open cycles
        var deliveriesPending = 0
        var deliveryErrors = 0
        var openCases = 0
    }

    private let state = Mutex(State())

    func fired(_ fires: [Fire], skipped: Int) {
        state.withLock { s in
            for f in fires { s.fires[f.action.rawValue, default: 0] += 1 }
            s.skipped += skipped
        }
    }

    func delivery(channel: String, outcome: String) {
        state.withLock { $0.deliveries["\(channel)\u{0}\(outcome)", default: 0] += 1 }
    }

    func storeError() { state.withLock { $0.storeErrors += 1 } }

    /// A full rescan starts the open-cycle counts afresh.
    func resetOpen() {
        state.withLock { s in
            s.openByCase = [:]
            s.open = [:]
        }
    }

    /// The open cycles of one evaluated case replace what it counted before.
    func setOpen(caseID: String, _ steps: [(policy: String, stage: Int)]) {
        state.withLock { s in
            for (k, n) in s.openByCase[caseID] ?? [:] {
                s.open[k, default: 0] -= n
                if s.open[k] == 0 { s.open[k] = nil }
            }
            var mine: [String: Int] = [:]
            for step in steps { mine["\(step.policy)\u{0}\(step.stage)", default: 0] += 1 }
            for (k, n) in mine { s.open[k, default: 0] += n }
            s.openByCase[caseID] = mine.isEmpty ? nil : mine
        }
    }

    func tick(at: Instant, seconds: Double, openCases: Int, pending: Int, errors: Int) {
        state.withLock { s in
            s.ticks += 1
            s.lastTickAt = at
            s.lastTickSeconds = seconds
            s.openCases = openCases
            s.deliveriesPending = pending
            s.deliveryErrors = errors
        }
    }

    var text: String {
        let s = state.withLock { $0 }
        var out: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
            for (labels, value) in samples { out.append("\(name)\(labels) \(value)") }
        }
        func label(_ pairs: [(String, String)]) -> String {
            "{" + pairs.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        family("tickler_open_cycles", "gauge", "Open follow-up cycles whose last fired step is still open, by policy and stage.",
               s.open.sorted { $0.key < $1.key }.map { key, n in
                   let p = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                   return (label([("policy", String(p[0])), ("stage", String(p[1]))]), "\(n)")
               })
        family("tickler_open_cases", "gauge", "Cases that are not closed.", [("", "\(s.openCases)")])
        family("tickler_fires_total", "counter", "Steps fired since ticklerd started, by action.",
               ["remind", "escalate"].map { (label([("action", $0)]), "\(s.fires[$0] ?? 0)") })
        family("tickler_skipped_total", "counter", "Lower steps recorded as skipped by catch-up collapse since start.",
               [("", "\(s.skipped)")])
        family("tickler_deliveries_total", "counter", "Delivery attempts since start, by channel and outcome.",
               s.deliveries.sorted { $0.key < $1.key }.map { key, n in
                   let p = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                   return (label([("channel", String(p[0])), ("outcome", String(p[1]))]), "\(n)")
               })
        family("tickler_deliveries_pending", "gauge", "Deliveries queued and not yet delivered.", [("", "\(s.deliveriesPending)")])
        family("tickler_delivery_errors", "gauge", "Deliveries being retried, plus those refused in the last day.",
               [("", "\(s.deliveryErrors)")])
        family("tickler_store_errors_total", "counter", "Ticks that failed because the store was unavailable.",
               [("", "\(s.storeErrors)")])
        family("tickler_ticks_total", "counter", "Ticks completed since start.", [("", "\(s.ticks)")])
        family("tickler_tick_duration_seconds", "gauge", "Duration of the last completed tick.",
               [("", String(format: "%.3f", s.lastTickSeconds))])
        family("tickler_last_tick_timestamp_seconds", "gauge", "When the last tick completed (Unix time).",
               [("", "\(s.lastTickAt?.seconds ?? 0)")])
        return out.joined(separator: "\n") + "\n"
    }

    /// Writes `text` to the file atomically: a temporary file beside it, given its mode and group before
    /// it is renamed into place, so a reader never sees it partial or with other permissions.
    func write(to file: MetricsFile) throws(MetricsWriteError) {
        let tmp = file.path + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode_t(file.mode))
        guard fd >= 0 else { throw MetricsWriteError("cannot create \(tmp)", errno) }
        var failure: MetricsWriteError?
        if fchmod(fd, mode_t(file.mode)) != 0 { failure = MetricsWriteError("cannot set its mode", errno) }
        if failure == nil, let group = file.group, fchown(fd, uid_t.max, gid_t(group.id)) != 0 {
            failure = MetricsWriteError("cannot give it to group \(group.name) (is the service a member?)", errno)
        }
        if failure == nil {
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { failure = MetricsWriteError("cannot write it", errno); break }
                written += n
            }
        }
        close(fd)
        if failure == nil && rename(tmp, file.path) != 0 { failure = MetricsWriteError("cannot rename it into place", errno) }
        if let failure {
            unlink(tmp)
            throw failure
        }
    }

    private func escape(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// Why the metrics file could not be written: what failed and the system's reason.
struct MetricsWriteError: Error, CustomStringConvertible {
    var description: String

    init(_ what: String, _ code: Int32) {
        description = "\(what): \(String(cString: strerror(code)))"
    }
}
