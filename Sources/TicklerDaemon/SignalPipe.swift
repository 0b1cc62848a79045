import Glibc

/// The write end of the signal pipe, for the handler (a global: a C signal handler captures nothing).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// SIGHUP, SIGTERM and SIGINT from the first moments of the process: a handler writes each signal's
/// number to a pipe (writing is all a signal handler may safely do) and the service loop reads the pipe
/// once the daemon exists. A signal that comes while the configuration is read or the store opened is
/// acted on as soon as the daemon can act: it is never lost, and never kills the process.
public enum SignalPipe {
    nonisolated(unsafe) private static var readEnd: Int32 = -1

    /// Installs the handlers (once); returns the pipe's read end.
    @discardableResult
    public static func install() -> Int32 {
        if readEnd >= 0 { return readEnd }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return -1 }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        (readEnd, signalPipeWriteEnd) = (ends[0], ends[1])
        for sig in [SIGHUP, SIGTERM, SIGINT] {
            // glibc's signal(): the handler stays installed and interrupted calls restart.
            signal(sig) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)
            }
        }
        return readEnd
    }

    /// The signals received since the last call, oldest first.
    static func take(from fd: Int32) -> [Int32] {
        var buffer = [UInt8](repeating: 0, count: 64)
        var out: [Int32] = []
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return out }
            out += buffer.prefix(n).map { Int32($0) }
        }
    }
}
