import Foundation
import Glibc

/// A real Dovecot IMAP server for one test (`scripts/testing/dovecot.sh`): on a free loopback port, TLS
/// only with a certificate made for it (`caFile`), its own users and Maildir mailboxes. Stopped when the
/// value goes away.
public final class TestDovecot: @unchecked Sendable {
    public let directory: String
    public let port: Int
    public var caFile: String { directory + "/cert.pem" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts one with `users` (name → password); with `oauth2`, an introspection URL XOAUTH2 tokens are checked at.
    /// The script runs on a thread of its own: a test's task never blocks the cooperative pool that every
    /// other test shares.
    public static func start(users: [String: String], oauth2: String? = nil) async throws -> TestDovecot {
        let d = try TestDovecot(directory: "/tmp/tickler-dovecot-\(UUID().uuidString.prefix(8))", port: freePort())
        var args = ["start", d.directory, String(d.port)]
        if let oauth2 { args += ["--oauth2", oauth2] }
        args += users.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
        try await d.script(args)
        return d
    }

    private init(directory: String, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// Gone with the test: killed from a thread of its own, without waiting.
    deinit {
        let args = ["stop", directory]
        Thread.detachNewThread { _ = try? Self.runScript(args) }
    }

    /// Kills the server (its mail is kept): clients cannot connect until `resume`.
    public func stop() async throws { try await script(["stop", directory]) }

    public func resume() async throws { try await script(["resume", directory]) }

    /// Delivers `message` into `user`'s `folder` as a delivery agent does, writing the Maildir file itself:
    /// it works while the server is stopped.
    public func deliver(_ message: String, to user: String, folder: String = "INBOX") throws {
        let box = directory + "/mail/\(user)/Maildir" + (folder == "INBOX" ? "" : "/.\(folder)")
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: box + "/" + sub, withIntermediateDirectories: true)
        }
        let name = "\(Int(Date().timeIntervalSince1970)).\(UUID().uuidString.prefix(12)).tickler-test"
        try message.write(toFile: box + "/tmp/" + name, atomically: false, encoding: .utf8)
        guard rename(box + "/tmp/" + name, box + "/new/" + name) == 0 else { throw Failure(description: "cannot deliver into \(box)") }
        if getuid() == 0 { _ = try? Self.runProcess("/bin/chown", ["-R", "nobody:", directory + "/mail/\(user)"]) }
    }

    /// Appends what the server logged (for a failing test's message).
    public var log: String { (try? String(contentsOfFile: directory + "/dovecot.log", encoding: .utf8)) ?? "" }

    /// dovecot.sh with `args`, on a thread of its own.
    private func script(_ args: [String]) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread { c.resume(with: Result { try Self.runScript(args) }) }
        }
    }

    private static func runScript(_ args: [String]) throws {
        let out = try runProcess("/bin/bash", [TestServer.root + "/scripts/testing/dovecot.sh"] + args)
        if out.status != 0 { throw Failure(description: "dovecot.sh \(args.prefix(2).joined(separator: " ")): \(out.output)") }
    }

    /// Runs `path` with `args`, its output into a file, and waits for it with waitpid (not Foundation's
    /// Process, whose wait can miss the exit of a script that leaves a daemon behind).
    private static func runProcess(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let log = "/tmp/tickler-dovecot-run-\(UUID().uuidString.prefix(8)).log"
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw Failure(description: "cannot run \(path): \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    /// A loopback port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "no socket") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
