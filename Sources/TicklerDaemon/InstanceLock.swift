import Foundation
import Glibc

/// One `ticklerd` per SQLite store: an exclusive `flock` on `STORE.lock`, held for the life of the process
/// (the kernel releases it however the process ends). A second daemon, or `ticklerd --once` from a timer
/// while the service runs, would prune the change feed under the first and send deliveries twice.
final class InstanceLock: Sendable {
    private let fd: Int32

    /// Takes the lock for `storePath`, or fails naming the process that holds it.
    init(storePath: String) throws(Daemon.StartFailure) {
        let path = storePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .store("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw .alreadyRunning("another ticklerd (pid \(holder)) is running on the store \(storePath); "
                + "one daemon per SQLite store (stop it first, or use its 'tickler' commands)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.fd = fd
    }

    deinit { close(fd) }
}
