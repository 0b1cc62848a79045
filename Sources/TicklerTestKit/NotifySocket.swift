import Foundation
import Glibc

/// A bound AF_UNIX datagram socket standing in for the service manager's `NOTIFY_SOCKET`.
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    public init() {
        path = "/tmp/tickler-notify-\(UUID().uuidString.prefix(8))"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// The next message, or nil after `timeout` seconds. A signal to the test process (SIGCHLD from any
    /// child that exits) interrupts a receive with a timeout even under SA_RESTART: it is waited again.
    public func next(timeout: Double = 10) -> String? {
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = max(0.001, end.timeIntervalSinceNow)
            var tv = timeval(tv_sec: Int(left), tv_usec: Int((left - Double(Int(left))) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { return String(decoding: buffer[0..<n], as: UTF8.self) }
            if n < 0 && errno == EINTR && Date() < end { continue }
            return nil
        }
    }

    /// The messages already received and not yet read, without waiting: after the service has exited,
    /// everything it sent.
    public func pending() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var seen: [String] = []
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 { seen.append(String(decoding: buffer[0..<n], as: UTF8.self)); continue }
            if n < 0 && errno == EINTR { continue }
            return seen
        }
    }

    /// Messages until one satisfies `match` (returned last), or until `timeout` seconds have passed (a hang
    /// guard: the wait ends at the message).
    public func until(_ match: (String) -> Bool, timeout: Double = 60) -> [String] {
        var seen: [String] = []
        let end = Date().addingTimeInterval(timeout)
        while Date() < end, let m = next(timeout: max(0.1, end.timeIntervalSinceNow)) {
            seen.append(m)
            if match(m) { return seen }
        }
        return seen
    }

    /// Messages until the service is ready and has caught up: READY=1, then the first STATUS= that no longer
    /// says it is catching up (returned last), or until `timeout` seconds have passed (a hang guard).
    public func untilCaughtUp(timeout: Double = 120) -> [String] {
        var ready = false
        return until({ m in
            if m.hasPrefix("READY=1") { ready = true }
            return ready && m.contains("STATUS=") && !m.contains("STATUS=catching up")
        }, timeout: timeout)
    }

    /// Keeps reading (and dropping) messages for `seconds` on a thread of its own: a datagram socket holds
    /// only a few unread messages, and a service whose notifications are not read blocks in sd_notify.
    public func drainInBackground(seconds: Double = 600) {
        Thread.detachNewThread { [self] in _ = self.until({ _ in false }, timeout: seconds) }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}
