import Foundation
import Glibc
import Testing
@testable import Systemd

/// sd_notify reads NOTIFY_SOCKET from the environment, so these tests set it and run one at a time.
@Suite(.serialized) struct ServiceNotifierTests {
    /// A bound AF_UNIX datagram socket standing in for the service manager.
    final class FakeManager {
        let fd: Int32
        let path: String

        init() {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                for (i, b) in path.utf8.enumerated() { raw[i] = b }
            }
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }

        deinit {
            close(fd)
            unlink(path)
        }
    }

    @Test func sendsStatesAsOneMessageInOrder() {
        let manager = FakeManager()
        setenv("NOTIFY_SOCKET", manager.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = ServiceNotifier()
        #expect(notifier.isSupervised)
        #expect(notifier.notify(.reloading(monotonicMicroseconds: 42), .status("reloading\nconfig")))
        #expect(manager.receive() == "RELOADING=1\nMONOTONIC_USEC=42\nSTATUS=reloading config")
        #expect(notifier.notify(.ready))
        #expect(manager.receive() == "READY=1")
    }

    @Test func watchdogIntervalComesFromTheEnvironment() {
        setenv("WATCHDOG_USEC", "3000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        #expect(ServiceNotifier().watchdogInterval == .seconds(3))
    }

    @Test func unsupervisedSendsNothing() {
        unsetenv("NOTIFY_SOCKET")
        #expect(!ServiceNotifier().isSupervised)
        #expect(!ServiceNotifier().notify(.ready))
    }
}
