import Foundation
import Glibc

/// A PostgreSQL server of one test's own (scripts/testing/postgres.sh on a port and in a directory of its
/// own), for the faults that would disturb every other test on the shared server: a crash and a restart.
/// Stopped and removed when the value goes away.
public final class TestCluster: @unchecked Sendable {
    public let port: Int
    public let directory: String

    public init() throws {
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 56_000..<58_000)
            let directory = NSTemporaryDirectory() + "tickler-test-pg-own-\(port)"
            let (status, output) = Self.script("start", port: port, directory: directory)
            if status == 0 {
                (self.port, self.directory) = (port, directory)
                return
            }
            lastError = output
            _ = Self.script("stop", port: port, directory: directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        throw TestDatabase.Failure.noServer("could not start a server of the test's own: \(lastError)")
    }

    deinit {
        _ = Self.script("crash", port: port, directory: directory)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the server as a crash would: no checkpoint, every session cut.
    public func crash() throws {
        let (status, output) = Self.script("crash", port: port, directory: directory)
        guard status == 0 else { throw TestDatabase.Failure.noServer(output) }
    }

    /// Starts it again (after a crash it recovers from its write-ahead log first).
    public func start() throws {
        let (status, output) = Self.script("resume", port: port, directory: directory)
        guard status == 0 else { throw TestDatabase.Failure.noServer(output) }
    }

    /// Runs scripts/testing/postgres.sh `command` for this cluster; (exit status, what it printed). Not with
    /// Process: the server it starts keeps the descriptors it was given (a pipe never ends), and the
    /// script's exit was seen to go unreaped; system() waits for exactly its child.
    private static func script(_ command: String, port: Int, directory: String) -> (Int32, String) {
        let log = directory + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let line = "TICKLER_TEST_PG_PORT=\(port) TICKLER_TEST_PG_DIR='\(directory)' /bin/bash '\(TestServer.root)/scripts/testing/postgres.sh' "
            + "\(command) >'\(log)' 2>&1 </dev/null"
        let status = system(line)
        let exit: Int32 = status == -1 ? -1 : (status >> 8) & 0xff
        return (exit, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
