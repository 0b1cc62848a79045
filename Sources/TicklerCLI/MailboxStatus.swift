import Foundation
import TicklerCore
import TicklerStore

/// A mailbox's line in `tickler status`: when its folders were last read, and the lag (since the folder
/// read longest ago: mail that came after it may not be recorded yet). Pure, so tests pin it.
struct MailboxStatus {
    var name: String
    /// Its configured folders, inbound and outbound.
    var folders: [String]
    var cursors: [MailFolderCursor]
    /// Seconds between reads: a lag past three of them is flagged.
    var poll: Int

    /// When the folder read longest ago was read; nil when one never was.
    var readAt: Instant? {
        var oldest: Instant?
        for f in folders {
            guard let t = cursors.first(where: { $0.folder == f })?.readAt else { return nil }
            oldest = oldest.map { min($0, t) } ?? t
        }
        return oldest
    }

    /// `Mailbox intake: last read 2026-12-06 10:55 (2m ago); lag 2m`, or `never read`.
    func line(now: Instant, zone: ZoneRules) -> (text: String, alarming: Bool) {
        guard let t = readAt else { return ("Mailbox \(name): never read (or a folder not yet)", true) }
        let lag = now.seconds - t.seconds
        let when = zone.format(t).prefix(16).replacingOccurrences(of: "T", with: " ")
        return ("Mailbox \(name): last read \(when) (\(Status.ago(lag))); lag \(SyncStatus.duration(lag))", lag > Int64(3 * poll))
    }

    func json(now: Instant) -> [String: Any] {
        var o: [String: Any] = [:]
        if let t = readAt {
            o["read_at"] = t.rfc3339
            o["lag_seconds"] = now.seconds - t.seconds
        }
        return o
    }
}
