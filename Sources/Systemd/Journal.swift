import CSystemd
import Glibc

/// Writes entries to journald over its native socket (`sd_journal_sendv`).
public enum Journal {
    /// Whether journald's socket exists, i.e. whether entries can be delivered.
    public static var isAvailable: Bool { access("/run/systemd/journal/socket", F_OK) == 0 }

    /// Sends `entry`; returns 0 or a negative errno (journald not running, entry too large).
    @discardableResult
    public static func send(_ entry: JournalEntry) -> Int32 {
        let encoded = entry.fields.map { Array("\($0.name)=".utf8) + Array($0.value.utf8) }
        return withIOVecs(encoded, 0, []) { sd_journal_sendv($0, Int32($1)) }
    }

    /// Pins every buffer while `sd_journal_sendv` reads it.
    private static func withIOVecs(_ buffers: [[UInt8]], _ i: Int, _ vecs: [iovec],
                                   _ body: (UnsafePointer<iovec>, Int) -> Int32) -> Int32 {
        if i == buffers.count { return vecs.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) } }
        return buffers[i].withUnsafeBytes { raw in
            let vec = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count)
            return withIOVecs(buffers, i + 1, vecs + [vec], body)
        }
    }
}
