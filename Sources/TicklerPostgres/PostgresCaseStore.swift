import Foundation
import Logging
import PostgresNIO
import Synchronization
import TicklerCore
import TicklerStore

/// The store on PostgreSQL, shared by several `ticklerd` instances and the `tickler` commands: the same
/// logical schema and interfaces as the SQLite store. Every decision that needs "now" for legal time asks
/// the database (`tickler_now()`), so instances on hosts whose clocks disagree agree on what is due.
public final class PostgresCaseStore: Sendable {
    public let settings: PostgresSettings
    /// This process's name in claims, leases and `tickler_instances`.
    public let instance: String
    /// The pool of connections, replaced by a fresh one when the database could not be reached through it
    /// (the pool's own reconnection backs off up to a minute, which would make a recovered database wait).
    private let pool: Mutex<Pool>
    private let clientConfiguration: PostgresClient.Configuration
    var client: PostgresClient { pool.withLock { $0.client } }

    struct Pool: Sendable {
        let client: PostgresClient
        let running: Task<Void, Never>

        init(_ configuration: PostgresClient.Configuration) {
            let client = PostgresClient(configuration: configuration, backgroundLogger: PostgresCaseStore.logger)
            self.client = client
            running = Task { await client.run() }
        }
    }
    static let logger = Logger(label: "tickler.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects, and applies the migrations not yet applied (once, whatever the number of instances starting
    /// at the same moment). Fails with the server's reason when the database cannot be reached.
    public init(_ settings: PostgresSettings, instance: String) async throws(StoreUnavailable) {
        // The configuration refuses this with its location; a store named on the command line is held to the same rule.
        if settings.exposesPassword {
            throw StoreUnavailable("refusing to send the store's password to \(settings.host) with sslmode=\(settings.tls.rawValue): "
                + "use sslmode=verify-full (with sslrootcert for a private CA), or a loopback address")
        }
        self.settings = settings
        self.instance = instance
        var config = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: Self.tls(settings))
        config.options.connectTimeout = settings.connectTimeout
        config.options.maximumConnections = settings.maximumConnections
        config.options.minimumConnections = 0
        config.options.keepAliveBehavior = .init(frequency: .seconds(15))
        let startup = [
            ("application_name", String(settings.applicationName.prefix(63))),
            ("idle_in_transaction_session_timeout", "\(settings.idleInTransactionTimeout.milliseconds)"),
            ("statement_timeout", "\(settings.statementTimeout.milliseconds)"),
            ("TimeZone", "UTC"),
        ]
        config.options.additionalStartupParameters = startup
        clientConfiguration = config
        pool = Mutex(Pool(config))
        // The first connection is made directly, not through the pool: its failure says why (a refused
        // password, no route), where the pool would only say it gave up. The migrations run on it.
        do {
            var direct = PostgresConnection.Configuration(
                host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                database: settings.database, tls: try Self.connectionTLS(settings))
            direct.options.connectTimeout = .milliseconds(settings.connectTimeout.milliseconds)
            direct.options.additionalStartupParameters = startup
            // A migration the server ended (its transaction left idle past the timeout while this process was
            // held up) is rolled back whole: tried once more on a new connection.
            for attempt in 1...2 {
                let connection = try await PostgresConnection.connect(configuration: direct, id: attempt == 1 ? 0 : 1, logger: Self.logger)
                do {
                    try await Self.migrate(connection)
                    try? await connection.close()
                    break
                } catch {
                    try? await connection.close()
                    if attempt == 2 { throw error }
                }
            }
        } catch {
            pool.withLock { $0.running.cancel() }
            throw StoreUnavailable("cannot open the store at \(settings.displayURL): \(Self.describe(error))")
        }
    }

    /// Closes every connection; later calls fail.
    public func close() async {
        let running = pool.withLock { $0.running }
        running.cancel()
        await running.value
    }

    private static func connectionTLS(_ s: PostgresSettings) throws -> PostgresConnection.Configuration.TLS {
        switch s.tls {
        case .disable: return .disable
        case .prefer, .require, .verifyFull:
            var c = TLSConfiguration.makeClientConfiguration()
            if let ca = s.rootCertificate { c.trustRoots = .file(ca) }
            c.certificateVerification = s.certificateVerification
            let context = try NIOSSLContext(configuration: c)
            return s.tls == .prefer ? .prefer(context) : .require(context)
        }
    }

    private static func tls(_ s: PostgresSettings) -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = s.rootCertificate { tls.trustRoots = .file(ca) }
        tls.certificateVerification = s.certificateVerification
        switch s.tls {
        case .disable: return .disable
        case .prefer: return .prefer(tls)
        case .require: return .require(tls)
        case .verifyFull: return .require(tls)
        }
    }

    /// Applies, under the migrations' advisory lock (held to the end of the transaction), each migration not
    /// recorded in `tickler_migrations`.
    private static func migrate(_ c: PostgresConnection) async throws {
        try await c.run("BEGIN", logger: Self.logger)
        do {
            try await c.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: Self.logger)
            try await c.run("CREATE TABLE IF NOT EXISTS tickler_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                              logger: Self.logger)
            var applied = Set<String>()
            for try await name in try await c.run("SELECT name FROM tickler_migrations", logger: Self.logger).decode(String.self) {
                applied.insert(name)
            }
            for m in PostgresSchema.migrations where !applied.contains(m.name) {
                for statement in PostgresSchema.statements(m.sql) {
                    try await c.run(PostgresQuery(unsafeSQL: statement), logger: Self.logger)
                }
                try await c.run("INSERT INTO tickler_migrations (name) VALUES (\(m.name))", logger: Self.logger)
            }
            try await c.run("COMMIT", logger: Self.logger)
        } catch {
            _ = try? await c.run("ROLLBACK", logger: Self.logger)
            throw error
        }
    }

    /// Runs `body` in one transaction on one connection (by default READ COMMITTED: each statement sees
    /// what was committed before it); rolled back when it throws.
    func transaction<T: Sendable>(_ begin: PostgresQuery = "BEGIN", _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await session { c in
            try await c.run(begin, logger: Self.logger)
            do {
                let value = try await body(c)
                try await c.run("COMMIT", logger: Self.logger)
                return value
            } catch {
                _ = try? await c.run("ROLLBACK", logger: Self.logger)
                throw error
            }
        }
    }

    /// Runs one statement, outside any transaction, and returns its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await session { c in try await c.run(query, logger: Self.logger).collect() }
    }

    /// A connection of the pool for `body`. Waiting for one, and each statement's answer, last at most the
    /// settings' deadline; when the database could not be reached the pool is replaced, so that the next
    /// call connects at once rather than after the old pool's backoff.
    func session<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let current = pool.withLock { $0 }
        do {
            return try await AnswerDeadline.$current.withValue(settings.answerDeadline) {
                try await Self.withConnection(current.client, waitingAtMost: settings.answerDeadline, body)
            }
        } catch {
            if Self.isConnectivity(error) {
                let replaced = pool.withLock { p -> Pool? in
                    guard p.client === current.client else { return nil }
                    let old = p
                    p = Pool(clientConfiguration)
                    return old
                }
                replaced?.running.cancel()
            }
            throw error
        }
    }

    /// Not an answer of the server (a refused query, a constraint): the connection itself failed.
    static func isConnectivity(_ error: any Error) -> Bool {
        if let e = error as? PSQLError, e.serverInfo != nil { return false }
        return !(error is CancellationError)
    }

    /// `client.withConnection`, failing when no connection comes within `limit` (the pool would wait a
    /// minute before it gives up on a database it cannot reach). `body` itself is not bounded.
    private static func withConnection<T: Sendable>(_ client: PostgresClient, waitingAtMost limit: Duration,
                                                    _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let work = UncheckedBody(call: body)
            let leased = LeaseFlag()
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { c in
                        leased.set()
                        return try await work.call(c)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    if leased.isSet { return nil }
                    throw PostgresConnectionLost(description: "no connection to the database within \(limit.components.seconds) s")
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let value = next { return value }
                }
                throw CancellationError()
            }
        }
    }

    /// The database's "now": legal time for every instance.
    public func databaseNow() async throws -> Instant {
        let rows = try await rows("SELECT tickler_now()")
        return Instant(try rows[0].decode(Date.self))
    }

    /// The server's own words (`password authentication failed for user "tickler"`), or the client's
    /// (`connection refused`): never SQL, its arguments, or a password.
    public static func describe(_ error: any Error) -> String {
        if let e = error as? StoreUnavailable { return e.message }
        if let e = error as? PostgresConnectionLost { return e.description }
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] {
                let state = e.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + state
            }
            if let underlying = e.underlying { return "\(e.code): \(describeUnderlying(underlying))" }
            return "\(e.code)"
        }
        return describeUnderlying(error)
    }

    private static func describeUnderlying(_ error: any Error) -> String {
        if let e = error as? IOError { return "\(e.description)" }
        if let e = error as? NIOConnectionError {
            return e.connectionErrors.first.map { "cannot connect: \(describeUnderlying($0.error))" } ?? "cannot connect"
        }
        if error is ChannelError { return "connection: \(error)" }
        if error is NIOSSLError { return "TLS: \(error)" }
        return String(describing: type(of: error))
    }

    /// The SQLSTATE of a server error.
    static func sqlState(_ error: any Error) -> String? { (error as? PSQLError)?.serverInfo?[.sqlState] }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

/// `session`'s body, run in a child task that ends before `session` returns.
private struct UncheckedBody<T>: @unchecked Sendable {
    let call: (PostgresConnection) async throws -> T
}

/// Whether `session`'s body got its connection.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension PostgresCaseStore: FirmStore {
    public var displayName: String { settings.displayURL }
    public func shutdown() async { await close() }
}
