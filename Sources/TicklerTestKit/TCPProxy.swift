import Foundation
import Glibc

/// A TCP relay on loopback between clients and one server port that can be cut as a network partition
/// cuts a host off: while cut, nothing passes either way (what was sent is held, new connections are
/// accepted and never answered); healed, what was held passes on. Each connection is a pair of threads.
public final class TCPProxy: @unchecked Sendable {
    public let port: Int
    private let target: Int
    private let listener: Int32
    private let gate = NSCondition()
    private var isCut = false

    public init(to target: Int) throws {
        self.target = target
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestDatabase.Failure.noServer("the proxy cannot listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let listener = fd
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0, let self else { return }
                self.relay(client)
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        heal()
    }

    /// Nothing passes from now on.
    public func cut() {
        gate.lock()
        isCut = true
        gate.unlock()
    }

    /// What was held, and everything after, passes again.
    public func heal() {
        gate.lock()
        isCut = false
        gate.broadcast()
        gate.unlock()
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }

    private func relay(_ client: Int32) {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: UInt16(target))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(client)
            close(server)
            return
        }
        let done = Countdown(2) {
            close(client)
            close(server)
        }
        Thread.detachNewThread { self.pump(from: client, to: server, done) }
        Thread.detachNewThread { self.pump(from: server, to: client, done) }
    }

    /// Copies `from` to `to` until `from` ends, holding each piece while the line is cut.
    private func pump(from: Int32, to: Int32, _ done: Countdown) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            waitWhileCut()
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let w = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if w <= 0 { break }
                sent += w
            }
            if sent < n { break }
        }
        shutdown(to, Int32(SHUT_WR))
        done.down()
    }

    private func waitWhileCut() {
        gate.lock()
        while isCut { gate.wait() }
        gate.unlock()
    }
}

/// Runs its action when counted down to zero.
private final class Countdown: @unchecked Sendable {
    private var left: Int
    private let lock = NSLock()
    private let action: () -> Void

    init(_ count: Int, _ action: @escaping () -> Void) {
        left = count
        self.action = action
    }

    func down() {
        lock.lock()
        left -= 1
        let zero = left == 0
        lock.unlock()
        if zero { action() }
    }
}
