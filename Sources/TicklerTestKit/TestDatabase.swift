import Foundation

/// A database of its own on the tests' PostgreSQL server (`make postgres`, which `make check` and `make
/// test` run: scripts/testing/postgres.sh), created empty for one test and dropped when the value goes away.
/// Reached over TCP on loopback with the server's password, as a deployment would be.
public final class TestDatabase: @unchecked Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    public let user = "postgres"
    public let name: String
    public let password: String
    /// The server's binaries (psql, pg_ctl).
    public let bin: String

    public enum Failure: Error, CustomStringConvertible {
        case noServer(String)

        public var description: String {
            switch self {
            case .noServer(let why): "the tests' PostgreSQL server is not running (run 'make postgres'; make test does): \(why)"
            }
        }
    }

    public static var port: Int { Int(ProcessInfo.processInfo.environment["TICKLER_TEST_PG_PORT"] ?? "") ?? 55432 }

    /// The server's directory, as scripts/testing/postgres.sh chooses it.
    public static var directory: String {
        if let d = ProcessInfo.processInfo.environment["TICKLER_TEST_PG_DIR"] { return d }
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return "\(tmp)/tickler-test-pg-\(port)"
    }

    /// A database on the tests' server.
    public convenience init() throws {
        try self.init(port: Self.port, directory: Self.directory)
    }

    /// A database on a server of the test's own.
    public convenience init(on cluster: TestCluster) throws {
        try self.init(port: cluster.port, directory: cluster.directory)
    }

    init(port: Int, directory: String) throws {
        self.port = port
        guard let pw = try? String(contentsOfFile: directory + "/password", encoding: .utf8) else {
            throw Failure.noServer("no password file in \(directory)")
        }
        password = pw.trimmingCharacters(in: .whitespacesAndNewlines)
        let bins = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = bins.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }).last else { throw Failure.noServer("no /usr/lib/postgresql") }
        bin = "/usr/lib/postgresql/\(version)/bin"
        // The test process's pid in the name: `make postgres` drops the databases of runs that are gone, and
        // leaves those of a run still going (another checkout's tests) alone.
        name = "t_\(getpid())_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let (status, output) = try psql("CREATE DATABASE \(name)", database: "postgres")
        guard status == 0 else { throw Failure.noServer(output) }
    }

    /// Dropped on a thread of its own: a DROP waits for the database's sessions to end, and a test's
    /// cooperative thread must never block on that (the sessions may need that very thread to finish).
    /// Databases a test run left behind are dropped when the server is next started.
    deinit {
        // TICKLER_TEST_KEEP_DATABASES=1 keeps them, to look into after a failure.
        if ProcessInfo.processInfo.environment["TICKLER_TEST_KEEP_DATABASES"] == "1" { return }
        let (name, bin, host, port, user, password) = (self.name, self.bin, self.host, self.port, self.user, self.password)
        Thread.detachNewThread {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin + "/psql")
            p.arguments = ["-X", "-q", "-h", host, "-p", "\(port)", "-U", user, "-d", "postgres", "-c",
                           "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]
            p.environment = ["PGPASSWORD": password]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try? p.run()
            p.waitUntilExit()
        }
    }

    /// `postgres://postgres@127.0.0.1:PORT/NAME?sslmode=disable` (the password is not in it).
    public var url: String { "postgres://\(user)@\(host):\(port)/\(name)?sslmode=disable" }

    /// Runs `sql` with psql in this database (or `database`); (exit status, what it printed). Rows come out
    /// unaligned, one a line, columns split by `|`.
    @discardableResult
    public func psql(_ sql: String, database: String? = nil) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin + "/psql")
        p.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", user,
                       "-d", database ?? name, "-c", sql]
        var env = ProcessInfo.processInfo.environment
        env["PGPASSWORD"] = password
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Starts psql on `sql` in this database without waiting for it (a writer that holds its transaction);
    /// `waitUntilExit()` and `terminationStatus` tell how it ended.
    public func psqlInBackground(_ sql: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin + "/psql")
        p.arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", user, "-d", name, "-c", sql]
        var env = ProcessInfo.processInfo.environment
        env["PGPASSWORD"] = password
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// The rows of a query, each split into its columns.
    public func rows(_ sql: String) throws -> [[String]] {
        let (status, output) = try psql(sql)
        guard status == 0 else { throw Failure.noServer(output) }
        return output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Pins the database's legal time (`tickler_now()`) at `rfc3339`.
    public func pinNow(_ rfc3339: String) throws {
        let (status, output) = try psql("""
            CREATE OR REPLACE FUNCTION tickler_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT '\(rfc3339)'::timestamptz $$
            """)
        guard status == 0 else { throw Failure.noServer(output) }
    }
}
