import CSystemd
import Glibc

/// Tells the service manager about the service's state (`sd_notify`). Does nothing when the service
/// was not started with `NOTIFY_SOCKET` (a person running it in a terminal).
public struct ServiceNotifier: Sendable {
    public enum State: Sendable, Equatable {
        case ready
        /// With the monotonic clock at the start of the reload, as `Type=notify-reload` expects.
        case reloading(monotonicMicroseconds: UInt64)
        case stopping
        case status(String)
        case watchdog
        case extendTimeout(microseconds: UInt64)

        var line: String {
            switch self {
            case .ready: "READY=1"
            case .reloading(let usec): "RELOADING=1\nMONOTONIC_USEC=\(usec)"
            case .stopping: "STOPPING=1"
            case .status(let text): "STATUS=" + text.replacingNewlines
            case .watchdog: "WATCHDOG=1"
            case .extendTimeout(let usec): "EXTEND_TIMEOUT_USEC=\(usec)"
            }
        }
    }

    public init() {}

    /// Whether a service manager is listening.
    public var isSupervised: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Sends the states in one message; returns whether it was delivered.
    @discardableResult
    public func notify(_ states: State...) -> Bool {
        notify(states)
    }

    @discardableResult
    public func notify(_ states: [State]) -> Bool {
        sd_notify(0, states.map(\.line).joined(separator: "\n")) > 0
    }

    /// The watchdog interval the manager asked for (`WatchdogSec=`), or nil when there is none.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0 else { return nil }
        return .microseconds(Int64(usec))
    }

    /// Microseconds of `CLOCK_MONOTONIC`, for `RELOADING=1`.
    public static var monotonicMicroseconds: UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}

extension String {
    /// A STATUS= value is one line.
    fileprivate var replacingNewlines: String { String(map { $0.isNewline ? " " : $0 }) }
}
