import CSystemd
import Glibc

/// Writes entries to journald over its native socket (`sd_journal_sendv`).
public enum Journal {
    /// Whether journald's socket exists, i.e. whether entries can be delivered.
    public static var isAvailable: Bool { access("/run/systemd/journal/socket", F_OK) == 0 }

    /// Sends `entry`; returns 0 or a negative errno (journald not running, entry too large).
    @discardableResult
    public static func send(_ entry: JournalEntry) -> Int32 {
        // Every field, `NAME=value`, in one buffer, and the iovecs pointing into it: one allocation for the
        // entry (a catch-up journals thousands of entries a second).
        var buffer: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        spans.reserveCapacity(entry.fields.count)
        buffer.reserveCapacity(entry.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 1 })
        for field in entry.fields {
            let start = buffer.count
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: field.value.utf8)
            spans.append((start, buffer.count - start))
        }
        if spans.isEmpty { return -EINVAL }
        return buffer.withUnsafeMutableBytes { raw in
            let vecs = spans.map { iovec(iov_base: raw.baseAddress! + $0.start, iov_len: $0.count) }
            return vecs.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress!, Int32($0.count)) }
        }
    }
}
