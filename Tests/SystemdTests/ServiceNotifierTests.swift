import Foundation
import Glibc
import Testing
import TicklerTestKit
@testable import Systemd

/// sd_notify reads NOTIFY_SOCKET from the environment, so these tests set it and run one at a time.
@Suite(.serialized) struct ServiceNotifierTests {
    @Test func sendsStatesAsOneMessageInOrder() {
        let manager = NotifySocket()
        setenv("NOTIFY_SOCKET", manager.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = ServiceNotifier()
        #expect(notifier.isSupervised)
        #expect(notifier.notify(.reloading(monotonicMicroseconds: 42), .status("reloading\nconfig")))
        #expect(manager.next(timeout: 2) == "RELOADING=1\nMONOTONIC_USEC=42\nSTATUS=reloading config")
        #expect(notifier.notify(.ready))
        #expect(manager.next(timeout: 2) == "READY=1")
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
